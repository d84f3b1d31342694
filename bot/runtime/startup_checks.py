"""Start-up checks whose failure the operator can fix: each is one clear line, not a traceback."""

from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError


class StartupError(Exception):
    """Start-up cannot go on for a reason the operator can fix; the message says which."""


async def check_bot_api(bot: Bot, base_url: str) -> None:
    """Ask Telegram who we are before anything else, so a wrong token or address is one clear line."""
    try:
        await bot.me()  # remembered by aiogram: the share and inline buttons need the username
    except TelegramUnauthorizedError as error:
        raise StartupError("Telegram refused BOT_TOKEN (401 Unauthorized): copy it again from @BotFather.") from error
    except TelegramNetworkError as error:
        host = urlsplit(base_url).hostname or base_url
        raise StartupError(
            f"cannot reach the Bot API at {base_url} ({error.message}). Check that this machine is online, "
            f"that it can resolve {host} (DNS), and whether it needs a proxy; where Telegram is blocked, "
            "point BOT_API_BASE_URL at a Bot API server that can reach it."
        ) from error
