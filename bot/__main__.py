"""`python -m bot` / `safar`: run the bot (the default), or one of the editors' tools."""

import argparse
import asyncio
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from bot.config import Settings, credential_directories
from bot.content import ContentError
from bot.languages import LANGUAGES

if TYPE_CHECKING:
    from datetime import date

    from aiogram.utils.i18n import I18n

    from bot.content import Curriculum


EXAMPLE_TOKEN = "123456:ABC..."
"""The README's placeholder: someone who pastes the command as it is gets told, not a 401 from Telegram."""
TOKEN_FORM = re.compile(r"\d+:[A-Za-z0-9_-]{30,}")
"""The bot's id, a colon, and the secret part (35 characters in tokens @BotFather gives)."""


def _fail(message: str) -> int:
    print(f"safar: {message}", file=sys.stderr)
    return 2


def run(settings: Settings) -> int:
    # aiogram takes seconds to import; a missing token is reported before that.
    if settings.bot_token is None:
        return _fail("BOT_TOKEN is not set. Get a token from @BotFather in Telegram and set BOT_TOKEN.")
    token = settings.bot_token.get_secret_value()
    if token.startswith(EXAMPLE_TOKEN.rstrip(".")):
        return _fail(
            f"BOT_TOKEN is the example from the README ({EXAMPLE_TOKEN}), not a real token: get yours from @BotFather."
        )
    if not TOKEN_FORM.fullmatch(token):
        return _fail("BOT_TOKEN is malformed: it should look like 123456789:AA... as @BotFather gave it.")
    if settings.webhook_url and not settings.webhook_secret:
        return _fail("WEBHOOK_URL is set but WEBHOOK_SECRET is not; Telegram's calls could not be told from others.")
    from bot.observability.logs import configure_logging
    from bot.polling import run_polling
    from bot.startup import StartupError
    from bot.webhook import run_webhook

    configure_logging(settings.log_level, settings.log_format)
    if settings.sentry_dsn is not None:
        try:
            from bot.observability.errors import init_error_reports

            init_error_reports(settings.sentry_dsn.get_secret_value())
        except ImportError:
            return _fail("SENTRY_DSN is set but sentry-sdk is not installed: pip install 'safar[sentry]'.")
    try:
        asyncio.run(run_webhook(settings) if settings.webhook_url else run_polling(settings))
    except ContentError as error:
        return _fail(f"the content has errors; nothing was started:\n{error.report()}")
    except StartupError as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        pass
    return 0


def _content_dir(explicit: str | Path | None) -> Path | None:
    """The content a tool works on: the one named, else CONTENT_DIR, else the packaged content."""
    if explicit is not None:
        return Path(explicit)
    try:
        return Settings().content_dir
    except ValidationError:
        return None


def _registry_path() -> Path | None:
    try:
        return Settings().agency_registry_path
    except ValidationError:
        return None


def _load(arguments: argparse.Namespace) -> "tuple[Curriculum, I18n] | None":
    """The checked curriculum for a tool, or None after printing why it cannot be loaded."""
    from bot.content import load_curriculum
    from bot.i18n import load_i18n, translator

    i18n = load_i18n()
    try:
        return load_curriculum(_content_dir(arguments.content), translator(i18n)), i18n
    except ContentError as error:
        print(error.report(), file=sys.stderr)
        print("The content has errors: fix them first (see `safar check`).", file=sys.stderr)
        return None


def preview(arguments: argparse.Namespace) -> int:
    from datetime import date

    from bot.editing.preview import build_preview

    loaded = _load(arguments)
    if loaded is None:
        return 1
    pages = build_preview(loaded[0], Path(arguments.out), date.today(), arguments.lang)
    print(f"{len(pages)} pages written; open {pages[0].resolve()} in a browser.")
    return 0


def console(arguments: argparse.Namespace) -> int:
    from bot.editing.console import ConsoleWalk

    loaded = _load(arguments)
    if loaded is None:
        return 1
    curriculum, i18n = loaded
    return ConsoleWalk(curriculum, i18n, arguments.lang, sys.stdout, bold=sys.stdout.isatty()).run(sys.stdin)


def report(arguments: argparse.Namespace) -> int:
    from datetime import date

    from bot.editing.report import write_report

    loaded = _load(arguments)
    if loaded is None:
        return 1
    write_report(loaded[0], sys.stdout, arguments.today or date.today())
    return 0


def translations(arguments: argparse.Namespace) -> int:
    from bot.content.loader import PACKAGED_CONTENT
    from bot.editing import translations as exchange

    root = _content_dir(arguments.content) or PACKAGED_CONTENT
    if arguments.action == "export":
        out = Path(arguments.file or f"translations-{arguments.lang}.csv")
        with out.open("w", encoding="utf-8", newline="") as file:
            rows = exchange.export(root, arguments.source, arguments.lang, file, everything=arguments.all)
        print(f"{rows} text(s) to translate written to {out}.")
        return 0
    if not arguments.file:
        return _fail("say which CSV file to import: safar translations import FILE")
    try:
        with Path(arguments.file).open(encoding="utf-8-sig", newline="") as file:
            report = exchange.import_csv(root, file)
    except (OSError, ValueError, StopIteration) as error:
        return _fail(f"{arguments.file}: {error or 'the file is empty'}")
    if report.problems:
        print("Nothing was changed: with these translations the content would have errors:")
        print("\n".join(report.problems))
        return 1
    for label, keys in (("added", report.added), ("changed", report.changed), ("not found", report.unknown)):
        for key in keys:
            print(f"{label}: {key}")
    print(
        f"{len(report.added)} added, {len(report.changed)} changed, {len(report.confirmed)} unchanged, "
        f"{len(report.unknown)} not found."
    )
    return 0


def _iso_date(value: str) -> "date":
    from datetime import date

    return date.fromisoformat(value)


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="safar", description=__doc__)
    commands = main_parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot (the default)")
    backup_parser = commands.add_parser(
        "backup", help="copy the database while the bot runs (or, with --keys, the keys)"
    )
    backup_parser.add_argument("file", help="the new backup file")
    backup_parser.add_argument("--keys", action="store_true", help="write the keys instead, to store apart")
    restore_parser = commands.add_parser("restore", help="put a database backup in place (the bot must be stopped)")
    restore_parser.add_argument("file", help="the database backup")
    restore_parser.add_argument("--keys", metavar="KEYFILE", help="a key backup to put back as well")
    commands.add_parser("healthcheck", help="ask the running bot's /healthz; exit status 0 when healthy")
    check_parser = commands.add_parser("check", help="check the content and say how to fix each problem")
    check_parser.add_argument("path", nargs="?", type=Path, help="a content directory or one file (default: all)")
    preview_parser = commands.add_parser("preview", help="render all lessons to HTML pages")
    preview_parser.add_argument("--lang", choices=LANGUAGES, help="one language only (default: all side by side)")
    preview_parser.add_argument("--out", default="preview", help="folder for the pages (default: preview)")
    console_parser = commands.add_parser("console", help="walk the lessons in this terminal")
    console_parser.add_argument("--lang", choices=LANGUAGES, default="ru", help="language (default: ru)")
    report_parser = commands.add_parser("report", help="per lesson: nodes, words, sourced facts, contacts' age")
    report_parser.add_argument("--today", type=_iso_date, help="the date to measure contacts' age from (YYYY-MM-DD)")
    exchange = commands.add_parser("translations", help="export or import texts for translators (CSV)")
    exchange.add_argument("action", choices=["export", "import"])
    exchange.add_argument("file", nargs="?", help="the CSV file (export default: translations-LANG.csv)")
    exchange.add_argument("--lang", choices=LANGUAGES, default="uz", help="the language to translate into")
    exchange.add_argument("--from", dest="source", choices=LANGUAGES, default="en", help="source (default: en)")
    exchange.add_argument("--all", action="store_true", help="export every text, not only missing or changed")
    for tool in (preview_parser, console_parser, report_parser, exchange):
        tool.add_argument("--content", help="content directory (default: CONTENT_DIR or the packaged content)")
    return main_parser


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    if arguments.command == "check":
        from bot.editing.check import run_check

        return run_check(_content_dir(arguments.path), sys.stdout, _registry_path())
    tools = {"preview": preview, "console": console, "report": report, "translations": translations}
    if arguments.command in tools:
        return tools[arguments.command](arguments)
    try:
        settings = Settings(_secrets_dir=credential_directories() or None)
    except ValidationError as error:
        first = error.errors()[0]
        return _fail(f"setting {str(first['loc'][0]).upper()}: {first['msg']}")
    if arguments.command in ("healthcheck", "backup", "restore"):
        from bot import operations

        return operations.run(arguments.command, settings, arguments)
    return run(settings)


if __name__ == "__main__":
    sys.exit(main())
