"""The Bot API session Safar uses: JSON bodies, kept response models, retries."""

from typing import Any

from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.transport.observed import Heartbeat, ObserveRequests
from bot.transport.request_bodies import SafarSession
from bot.transport.responses import KeepResponseTypes, SkipUnreadableUpdates
from bot.transport.retries import RetryTransientErrors


def create_session(
    api_base_url: str, *, retry: bool = True, heartbeat: Heartbeat | None = None, **kwargs: Any
) -> AiohttpSession:
    """A session to the Bot API; `retry=False` for bulk sending, whose sender handles errors itself;
    `heartbeat` is told each time long polling hears from Telegram."""
    session = SafarSession(api=TelegramAPIServer.from_base(api_base_url), **kwargs)
    session.middleware(KeepResponseTypes())
    session.middleware(SkipUnreadableUpdates())
    if retry:
        session.middleware(RetryTransientErrors())
    session.middleware(ObserveRequests(heartbeat))  # last, so innermost: it sees every attempt
    return session
