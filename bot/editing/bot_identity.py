"""The bot's @username for links printed by the editors' tools."""

from bot.config import Settings


class UnknownUsernameError(RuntimeError):
    """Neither BOT_USERNAME nor a token to ask Telegram is set; the message says what to do."""


async def bot_username(settings: Settings) -> str:
    """BOT_USERNAME when set (no network needed), else Telegram's answer to getMe."""
    if settings.bot_username:
        return settings.bot_username.lstrip("@")
    if settings.bot_token is None:
        raise UnknownUsernameError("set BOT_USERNAME to the bot's @name (or BOT_TOKEN, to ask Telegram for it)")
    from bot.runtime.app import bot_for  # aiogram takes seconds to import: only when it is needed

    bot = bot_for(settings, retry=False)
    try:
        me = await bot.me()
    finally:
        await bot.session.close()
    if not me.username:
        raise UnknownUsernameError("Telegram did not say the bot's username; set BOT_USERNAME")
    return me.username
