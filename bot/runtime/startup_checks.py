"""Start-up checks whose failure the operator can fix: each is one clear line, not a traceback."""

from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramUnauthorizedError


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


async def check_counsellors_group(bot: Bot, chat_id: int) -> None:
    """COUNSELLORS_CHAT_ID must be a supergroup with topics where Safar may open and delete topics:
    otherwise the first person who asks for a counsellor would be let down, so the start stops."""
    try:
        chat = await bot.get_chat(chat_id)
        member = await bot.get_chat_member(chat_id, bot.id)
    except TelegramAPIError as error:
        raise StartupError(
            f"COUNSELLORS_CHAT_ID {chat_id}: Telegram says {error.message}. Add Safar to the counsellors' "
            "group as an administrator, or unset COUNSELLORS_CHAT_ID."
        ) from error
    if not chat.is_forum:
        raise StartupError(
            f"COUNSELLORS_CHAT_ID {chat_id} is not a group with topics: turn on Topics in the group's settings."
        )
    missing = [
        name
        for name, right in (
            ("Manage topics", getattr(member, "can_manage_topics", False)),
            ("Delete messages", getattr(member, "can_delete_messages", False)),
        )
        if not right
    ]
    if missing:
        raise StartupError(
            f"Safar is not allowed to {' and '.join(missing)} in the counsellors' group {chat_id}: make it an "
            "administrator with these rights."
        )
