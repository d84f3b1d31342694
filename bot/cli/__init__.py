"""`python -m bot` / `safar`: run the bot (the default), or one of the editors' tools."""

import argparse
import asyncio
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from bot.cli.logging_setup import configure_logging
from bot.common.languages import LANGUAGES
from bot.config import Settings, credential_directories
from bot.content import ContentError

if TYPE_CHECKING:
    from datetime import date

    from aiogram.utils.i18n import I18n

    from bot.content import Curriculum
    from bot.editing.qr import EntryLink


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
    from bot.runtime.process_roles import SCHEDULER, role_problem

    problem = role_problem(settings)
    if problem is not None:
        return _fail(problem)
    from bot.privacy.secret_keys import KeyProblem
    from bot.runtime.startup_checks import StartupError
    from bot.storage.backends.sqlite import DatabaseUnavailable

    configure_logging(settings.log_level, settings.log_format)
    if settings.sentry_dsn is not None:
        try:
            from bot.observability.errors import init_error_reports

            init_error_reports(settings.sentry_dsn.get_secret_value())
        except ImportError:
            return _fail("SENTRY_DSN is set but sentry-sdk is not installed: pip install 'safar[sentry]'.")
    try:
        # Each mode's runner is loaded only for that mode: the webhook's and the scheduler's HTTP
        # server is megabytes that long polling, the default, never uses.
        if settings.safar_role == SCHEDULER:
            from bot.runtime.scheduler import run_scheduler

            asyncio.run(run_scheduler(settings))
        elif settings.webhook_url:
            from bot.runtime.webhook import run_webhook

            asyncio.run(run_webhook(settings))
        else:
            from bot.runtime.polling import run_polling

            asyncio.run(run_polling(settings))
    except ContentError as error:
        return _fail(f"the content has errors; nothing was started:\n{error.report()}")
    except (StartupError, KeyProblem, DatabaseUnavailable) as error:
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


def _today() -> "date":
    """The editors' tools measure `checked` dates against the computer's calendar."""
    from datetime import date

    return date.today()


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
        return load_curriculum(_content_dir(arguments.content), translator(i18n), today=_today()), i18n
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


def recordings(arguments: argparse.Namespace) -> int:
    """`safar recordings list` (the script to record) and `safar recordings confirm FILE...`."""
    from bot.content.loader import PACKAGED_CONTENT
    from bot.editing.recordings import confirm, print_script

    loaded = _load(arguments)
    if loaded is None:
        return 1
    if arguments.action == "list":
        languages = [arguments.lang] if arguments.lang else list(LANGUAGES)
        print_script(loaded[0], languages, sys.stdout, missing_only=arguments.missing)
        return 0
    if not arguments.files:
        return _fail("name the recordings to confirm, such as audio/abroad/patent.tg.ogg")
    root = _content_dir(arguments.content) or PACKAGED_CONTENT
    return confirm(loaded[0], root, arguments.files, sys.stdout)


def console(arguments: argparse.Namespace) -> int:
    from bot.editing.console import ConsoleWalk

    loaded = _load(arguments)
    if loaded is None:
        return 1
    curriculum, i18n = loaded
    walk = ConsoleWalk(curriculum, i18n, arguments.lang, sys.stdout, bold=sys.stdout.isatty())
    return walk.run(sys.stdin, start=arguments.start)


def report(arguments: argparse.Namespace) -> int:
    from datetime import date

    from bot.editing.report import write_report

    loaded = _load(arguments)
    if loaded is None:
        return 1
    today = arguments.today or date.today()
    write_report(loaded[0], sys.stdout, today)
    from bot.editing.hotline_answers_report import contact_health_lines

    database = Path(arguments.db) if arguments.db else _database_target()
    if arguments.db or isinstance(database, str) or database.exists():  # where there is a bot's database to read
        print()
        for line in contact_health_lines(database, loaded[0].contacts, today):
            print(line)
    return 0


def _db_path() -> Path:
    try:
        return Settings().db_path
    except ValidationError:
        return Settings.model_fields["db_path"].default  # type: ignore[no-any-return]


def _database_target() -> Path | str:
    """DATABASE_URL when set (and valid), else DB_PATH."""
    try:
        return Settings().database_target
    except ValidationError:
        return _db_path()


def translations(arguments: argparse.Namespace) -> int:
    from bot.content.loader import PACKAGED_CONTENT
    from bot.editing import translations as exchange
    from bot.editing.sheets import open_for_excel

    root = _content_dir(arguments.content) or PACKAGED_CONTENT
    if arguments.action == "export":
        out = Path(arguments.file or f"translations-{arguments.lang}.csv")
        with open_for_excel(out) as file:
            rows = exchange.export(root, arguments.source, arguments.lang, file, everything=arguments.all)
        print(f"{rows} text(s) to translate written to {out}.")
        return 0
    if not arguments.file:
        return _fail("say which CSV file to import: safar translations import FILE")
    try:
        report = exchange.import_csv(root, Path(arguments.file), _today())
    except FileNotFoundError:
        return _fail(f"{arguments.file}: there is no such file; check the spelling of the path")
    except OSError as error:
        return _fail(f"{arguments.file}: the file cannot be opened ({error.strerror})")
    except ValueError as error:
        return _fail(f"{arguments.file}: {error}")
    for heading, problems in (
        ("Nothing was changed:", report.problems),
        ("Nothing was changed: with these translations the content would have errors:", report.content_errors),
    ):
        if problems:
            print(heading)
            print("\n".join(problems))
            return 1
    for label, keys in (("added", report.added), ("changed", report.changed)):
        for key in keys:
            print(f"{label}: {key}")
    for label, listed in (("left blank, not imported", report.blank), ("not imported", report.unusable)):
        if listed:
            print(f"{len(listed)} row(s) {label}:")
            print("\n".join(f"  {row}" for row in listed))
    print(
        f"{len(report.added)} added, {len(report.changed)} changed, {len(report.confirmed)} unchanged, "
        f"{len(report.blank)} blank, {len(report.unusable)} not imported."
    )
    return 1 if report.unusable else 0


def _entry_link(arguments: argparse.Namespace) -> "tuple[Curriculum, I18n, EntryLink, str] | int":
    """The curriculum, the link to print and the bot's username; an exit code when one is missing."""
    from bot.editing.bot_identity import UnknownUsernameError, bot_username
    from bot.editing.qr import LinkError, entry_link

    loaded = _load(arguments)
    if loaded is None:
        return 1
    try:
        username = asyncio.run(bot_username(Settings()))
        link = entry_link(loaded[0], username, arguments.entry, arguments.campaign)
    except (UnknownUsernameError, LinkError, ValidationError) as error:
        return _fail(str(error))
    except Exception as error:  # network or Telegram: the editor needs the reason, not a traceback
        return _fail(f"could not ask Telegram for the bot's username ({error}); set BOT_USERNAME")
    return loaded[0], loaded[1], link, username


def qr(arguments: argparse.Namespace) -> int:
    from bot.editing.qr import write_qr

    prepared = _entry_link(arguments)
    if isinstance(prepared, int):
        return prepared
    link = prepared[2]
    out = Path(arguments.out or f"qr-{link.link.payload}")
    for path in write_qr(link.url, out):
        print(f"{path} written")
    print(f"It opens {link.url}")
    return 0


def poster(arguments: argparse.Namespace) -> int:
    from jinja2 import TemplateError

    from bot.editing.poster import render_poster, write_poster

    prepared = _entry_link(arguments)
    if isinstance(prepared, int):
        return prepared
    curriculum, i18n, link, username = prepared
    template = Path(arguments.template) if arguments.template else None
    try:
        page = render_poster(curriculum, i18n, link, username, template)
    except TemplateError as error:  # a syntax error, a missing file, or something the sandbox refuses
        return _fail(f"{template}: the poster template cannot be used: {error}")
    out = write_poster(page, Path(arguments.out or f"poster-{link.link.payload}.html"))
    print(f"{out} written: open it in a browser and print it on A4 (no margins added by the browser).")
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
    console_parser.add_argument("--start", help="follow a deep link first: an entry (contract-check) or a t.me address")
    recordings_parser = commands.add_parser(
        "recordings", help="list: the script to record, screen by screen; confirm FILE: it reads today's text"
    )
    recordings_parser.add_argument("action", choices=["list", "confirm"])
    recordings_parser.add_argument(
        "files", nargs="*", help="confirm: the recordings, such as audio/abroad/patent.tg.ogg"
    )
    recordings_parser.add_argument("--lang", choices=LANGUAGES, help="list: one language only (default: all)")
    recordings_parser.add_argument("--missing", action="store_true", help="list: only screens still to record")
    report_parser = commands.add_parser("report", help="per lesson: nodes, words, sourced facts, contacts' age")
    report_parser.add_argument("--today", type=_iso_date, help="the date to measure contacts' age from (YYYY-MM-DD)")
    report_parser.add_argument("--db", help="the bot's database, for callers' answers (default: DB_PATH)")
    exchange = commands.add_parser("translations", help="export or import texts for translators (CSV)")
    exchange.add_argument("action", choices=["export", "import"])
    exchange.add_argument("file", nargs="?", help="the CSV file (export default: translations-LANG.csv)")
    exchange.add_argument("--lang", choices=LANGUAGES, default="uz", help="the language to translate into")
    exchange.add_argument("--from", dest="source", choices=LANGUAGES, default="en", help="source (default: en)")
    exchange.add_argument("--all", action="store_true", help="export every text, not only missing or changed")
    keys_parser = commands.add_parser(
        "keys", help="rotate the delivery key, or re-key with a new pseudonym key (stop the bot first)"
    )
    keys_parser.add_argument("action", choices=["rotate", "rekey"])
    keys_parser.add_argument("file", nargs="?", help="rekey: the new pseudonym key (openssl rand -hex 32 > FILE)")
    qr_parser = commands.add_parser("qr", help="a QR code (PNG and SVG) of an entry point's deep link")
    poster_parser = commands.add_parser("poster", help="an A4 poster (HTML) with an entry point's QR code")
    for printing in (qr_parser, poster_parser):
        printing.add_argument("entry", help="an entry point from entries.yaml, such as contract-check")
        printing.add_argument("--campaign", help="a tag counted in /stats campaigns, such as bus-station-1")
        printing.add_argument("--out", help="the file to write (default: named after the link)")
    poster_parser.add_argument("--template", help="your own poster template (default: the packaged one)")
    for tool in (preview_parser, console_parser, recordings_parser, report_parser, exchange, qr_parser, poster_parser):
        tool.add_argument("--content", help="content directory (default: CONTENT_DIR or the packaged content)")
    return main_parser


def main(argv: list[str] | None = None) -> int:
    main_parser = parser()
    arguments, unparsed = main_parser.parse_known_args(argv)
    # argparse fills an optional positional before the options that follow it, so the FILE of
    # `translations export --lang ru FILE` arrives unparsed: take it, in either order.
    if arguments.command == "translations" and arguments.file is None and len(unparsed) == 1:
        arguments.file, unparsed = unparsed[0], []
    if unparsed:
        main_parser.error(f"unrecognized arguments: {' '.join(unparsed)}")
    if arguments.command == "check":
        from bot.editing.check import run_check

        return run_check(_content_dir(arguments.path), sys.stdout, _today(), _registry_path())
    tools = {
        "preview": preview, "console": console, "report": report, "translations": translations, "qr": qr,
        "poster": poster, "recordings": recordings,
    }  # fmt: skip
    if arguments.command in tools:
        return tools[arguments.command](arguments)
    try:
        settings = Settings(_secrets_dir=credential_directories() or None)
    except ValidationError as error:
        first = error.errors()[0]
        return _fail(f"setting {str(first['loc'][0]).upper()}: {first['msg']}")
    if arguments.command in ("healthcheck", "backup", "restore"):
        from bot.cli import operators as operations

        return operations.run(arguments.command, settings, arguments)
    if arguments.command == "keys" and arguments.action == "rekey":
        return rekey(settings, arguments.file)
    if arguments.command == "keys":
        return rotate_keys(settings)
    return run(settings)


def rotate_keys(settings: Settings) -> int:
    """`safar keys rotate`: a new delivery key; every pending delivery's chat id re-sealed with it."""
    from bot.privacy.key_setup import rotate
    from bot.privacy.secret_keys import KeyProblem

    try:
        count = asyncio.run(rotate(settings))
    except KeyProblem as error:
        return _fail(str(error))
    print(f"safar: a new delivery key is in place; {count} stored chat id(s) re-sealed with it")
    return 0


def rekey(settings: Settings, file: str | None) -> int:
    """`safar keys rekey FILE`: the database re-keyed with the random pseudonym key in FILE, in
    place of a typed one (docs/privacy.md, "Re-keying")."""
    from bot.privacy.key_setup import rekey as rekey_database
    from bot.privacy.secret_keys import KeyProblem

    if file is None:
        return _fail("say which file holds the new key: openssl rand -hex 32 > FILE, then safar keys rekey FILE")
    try:
        done = asyncio.run(rekey_database(settings, Path(file)))
    except KeyProblem as error:
        return _fail(str(error))
    accounts = done.accounts
    print(
        f"safar: re-keyed: {accounts.kept} account(s) with reminders or news kept everything; "
        f"{accounts.dropped} other(s) will be asked for their language again; everyone starts again from the menu."
    )
    if done.new_key_place is not None:
        print(f"safar: the new pseudonym key is in {done.new_key_place}; back it up apart from the data.")
    else:
        print(
            f"safar: now put the key in {file} where the old one is set (PSEUDONYM_KEY, or pseudonym.key among the "
            "credentials), start the bot, then delete that file; back the key up apart from the data."
        )
    return 0
