"""`python -m bot` / `safar`: run the bot (default) or check the content."""

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from pydantic import ValidationError

from bot.config import Settings
from bot.content import ContentError, load_curriculum
from bot.i18n import load_i18n, translator


def _fail(message: str) -> int:
    print(f"safar: {message}", file=sys.stderr)
    return 2


def run(settings: Settings) -> int:
    # aiogram takes seconds to import; a missing token is reported before that.
    if settings.bot_token is None:
        return _fail("BOT_TOKEN is not set. Get a token from @BotFather in Telegram and set BOT_TOKEN.")
    from aiogram.utils.token import TokenValidationError, validate_token

    from bot.app import run_polling, run_webhook

    try:
        validate_token(settings.bot_token.get_secret_value())
    except TokenValidationError:
        return _fail("BOT_TOKEN is malformed: it should look like 123456789:AA... as @BotFather gave it.")
    if settings.webhook_url and not settings.webhook_secret:
        return _fail("WEBHOOK_URL is set but WEBHOOK_SECRET is not; Telegram's calls could not be told from others.")
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(run_webhook(settings) if settings.webhook_url else run_polling(settings))
    except ContentError as error:
        return _fail(f"the content has errors; nothing was started:\n{error.report()}")
    except KeyboardInterrupt:
        pass
    return 0


def check(path: Path | None) -> int:
    """Validate the content and print every problem; exit 1 when there are errors."""
    try:
        curriculum = load_curriculum(path, translator(load_i18n()))
    except ContentError as error:
        print(error.report())
        print(f"{len(error.errors)} error(s): fix them before the bot can start.")
        return 1
    for warning in curriculum.warnings:
        print(warning)
    print(f"content is valid: {len(curriculum.lessons)} lessons, {len(curriculum.contacts)} contacts.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="safar", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot (the default)")
    check_parser = commands.add_parser("check", help="validate the content files")
    check_parser.add_argument("path", nargs="?", type=Path, help="content directory (default: the bundled one)")
    arguments = parser.parse_args(argv)
    if arguments.command == "check":
        return check(arguments.path)
    try:
        settings = Settings()
    except ValidationError as error:
        first = error.errors()[0]
        return _fail(f"setting {str(first['loc'][0]).upper()}: {first['msg']}")
    return run(settings)


if __name__ == "__main__":
    sys.exit(main())
