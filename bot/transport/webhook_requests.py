"""Telegram's webhook calls, read defensively: a stranger's bad request gets a plain 4xx answer,
never a 500 with a traceback, and an update aiogram cannot read is logged without its contents."""

import hmac
import logging
from typing import Any

from aiogram import Bot
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from pydantic import ValidationError

from bot.middlewares.chat_queues import Queued

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class GuardedRequestHandler(SimpleRequestHandler):
    """aiogram's handler answers 500 to a body that is not JSON and to a secret header with a
    non-ASCII character (`secrets.compare_digest` refuses such strings), and lets pydantic log an
    unreadable update with the values of its fields, which may be a user's words.

    Telegram is answered once the update was handled, never before (aiogram's background mode
    answers first, and an update under way when the process dies would be lost); one that waits
    behind its chat's update under way is answered once its turn came and it was handled. At most
    MAX_UPDATES_IN_FLIGHT updates are handled at once (bot/middlewares/chat_queues.py): beyond
    that, Telegram's call waits for a free slot, and Telegram sends no more than it has
    connections open."""

    def verify_secret(self, telegram_secret_token: str, bot: Bot) -> bool:
        if not self.secret_token:
            return True
        # Bytes compare in constant time whatever characters a prober sends.
        given = telegram_secret_token.encode("utf-8", "surrogateescape")
        return hmac.compare_digest(given, self.secret_token.encode("utf-8"))

    async def handle(self, request: web.Request) -> web.Response:
        bot = await self.resolve_bot(request)
        if not self.verify_secret(request.headers.get(SECRET_HEADER, ""), bot):
            return web.Response(text="Unauthorized", status=401)
        try:
            payload = await request.json(loads=bot.session.json_loads)
        except (ValueError, UnicodeDecodeError):
            return web.Response(text="Bad Request: the body is not JSON", status=400)
        if not isinstance(payload, dict):
            return web.Response(text="Bad Request: an update is a JSON object", status=400)
        try:
            update = Update.model_validate(payload, context={"bot": bot})
        except ValidationError as error:
            fields = sorted({".".join(str(part) for part in problem["loc"]) for problem in error.errors()})
            log.warning("webhook: an update could not be read (fields: %s); skipped", ", ".join(fields[:5]))
            return web.json_response({})  # accepted, so Telegram does not send it again and again
        data: dict[str, Any] = self.data
        try:
            result = await self.dispatcher.feed_update(bot, update, **data)
            if isinstance(result, Queued) and not await result.handled:
                return web.Response(text="the update could not be handled", status=500)  # logged where it failed
        except Exception as error:  # the handlers' own errors are answered by the errors router
            log.error("webhook: update %d could not be handled (%s); Telegram will send it again",
                      update.update_id, type(error).__name__)  # fmt: skip
            return web.Response(text="the update could not be handled", status=500)
        # Only now: a process killed while handling never said 200, so Telegram sends the update again.
        return web.json_response({})

    __call__ = handle
