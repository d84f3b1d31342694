"""The Bot API session: where requests go, and how Telegram's transient errors are survived."""

import asyncio
import json
import logging
from collections import OrderedDict
from typing import Any, ClassVar

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import GetMe, GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InlineKeyboardMarkup, InputFile, Update
from aiohttp import BytesPayload, FormData
from pydantic import ValidationError

from bot.services.sender import ChatBlocked, Deliver, Outgoing, RetryAfter, TemporaryFailure

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
"""With backoff capped at MAX_BACKOFF_SECONDS, a reply outlives about half a minute of Bot API outage."""
MAX_BACKOFF_SECONDS = 8.0
MAX_RETRY_AFTER_SECONDS = 60
"""A longer flood wait is not waited out inside a reply; the error reaches the error handler."""


class RetryTransientErrors(BaseRequestMiddleware):
    """Waits out a 429 for exactly `retry_after`; retries 5xx and network errors with backoff.

    A 403 (the user blocked the bot) and other 4xx are not retried: repeating cannot help.
    """

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if method.__api_method__ in (GetUpdates.__api_method__, GetMe.__api_method__):
            # Polling has its own backoff; getMe is the start-up check, which must fail at once.
            return await make_request(bot, method)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if attempt == MAX_ATTEMPTS or error.retry_after > MAX_RETRY_AFTER_SECONDS:
                    raise
                log.warning("%s: flood wait %ss", method.__api_method__, error.retry_after)
                await asyncio.sleep(error.retry_after)
            except (TelegramServerError, TelegramNetworkError) as error:
                if attempt == MAX_ATTEMPTS:
                    raise
                delay = min(MAX_BACKOFF_SECONDS, 0.5 * 2 ** (attempt - 1))
                log.warning(
                    "%s failed (%s), retrying in %.1fs",
                    method.__api_method__,
                    type(error).__name__,
                    delay,
                )
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")


class KeepResponseTypes(BaseRequestMiddleware):
    """Keeps every `Response[...]` model aiogram parametrises alive for the life of the process.

    aiogram builds `Response[<result type>]` for every reply it parses; pydantic caches such
    models in a weak dictionary, so each garbage collection drops them and the next request
    builds the whole schema again. Under load that rebuilding was a third of the time spent per
    update (measured with scripts/bench_load.py and py-spy); holding a reference ends it.
    """

    _kept: ClassVar[dict[type[TelegramMethod[Any]], type[Response[Any]]]] = {}

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if type(method) not in self._kept:
            self._kept[type(method)] = Response[method.__returning__]  # type: ignore[name-defined]
        return await make_request(bot, method)


class SkipUnreadableUpdates(BaseRequestMiddleware):
    """One update aiogram cannot read must not stop polling for everyone.

    aiogram parses a whole `getUpdates` batch at once: an update in a shape it does not know
    fails the batch, the offset never moves, and the same batch fails forever. This reads the
    batch update by update; one that cannot be read is replaced by an empty update with its id,
    so the offset moves past it (and `update_guards.UnknownUpdates` skips it).
    """

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if method.__api_method__ != GetUpdates.__api_method__:
            return await make_request(bot, method)
        try:
            return await make_request(bot, method)
        except ClientDecodeError as error:
            raw = error.data.get("result") if isinstance(error.data, dict) and error.data.get("ok") else None
            if not isinstance(raw, list):
                raise
            # Despite its annotation, aiogram's middleware chain carries the result, not the Response.
            return [_read_update(item, bot) for item in raw]  # type: ignore[return-value]


def _read_update(item: Any, bot: Bot) -> Update:
    try:
        return Update.model_validate(item, context={"bot": bot})
    except ValidationError:
        update_id = int(item.get("update_id", 0)) if isinstance(item, dict) else 0
        log.warning("update %d could not be read by this aiogram version; skipped", update_id)
        return Update(update_id=update_id)


class SerializedKeyboards:
    """Keyboards that are sent again and again, with the JSON they are sent as, made once.

    A strong reference to each keyboard is kept, so an id can never be reused by another object
    while it is here; the oldest are dropped past `limit`.
    """

    def __init__(self, limit: int = 4096) -> None:
        self._json: OrderedDict[int, tuple[InlineKeyboardMarkup, str]] = OrderedDict()
        self._limit = limit

    def remember(self, markup: InlineKeyboardMarkup) -> InlineKeyboardMarkup:
        self._json[id(markup)] = (markup, json.dumps(markup.model_dump(exclude_none=True)))
        if len(self._json) > self._limit:
            self._json.popitem(last=False)
        return markup

    def get(self, value: object) -> str | None:
        found = self._json.get(id(value))
        return found[1] if found is not None and found[0] is value else None


KEYBOARDS = SerializedKeyboards()


class SafarSession(AiohttpSession):
    """aiogram's session, sending JSON bodies instead of URL-encoded forms, keyboards serialised once.

    aiogram URL-encodes every parameter, which percent-escapes each byte of a Cyrillic text (two
    bytes, six characters each), and dumps the whole method, keyboard included, for every request.
    For Safar's long lesson screens that was most of the cost of a request (scripts/bench_load.py,
    profiled). The Bot API takes `application/json` bodies for everything except uploads, which
    still go as multipart forms.
    """

    def build_form_data(  # type: ignore[override]  # aiohttp posts a Payload as it is
        self, bot: Bot, method: TelegramMethod[TelegramType]
    ) -> FormData | BytesPayload:
        serialized = KEYBOARDS.get(getattr(method, "reply_markup", None))
        files: dict[str, InputFile] = {}
        fields: dict[str, Any] = {}
        exclude = {"reply_markup"} if serialized is not None else None
        for key, value in method.model_dump(warnings=False, exclude=exclude).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared is not None and prepared != "":
                fields[key] = prepared
        if files:
            return super().build_form_data(bot, method)
        body = json.dumps(fields, ensure_ascii=False)
        if serialized is not None:
            body = f'{body[:-1]}{", " if fields else ""}"reply_markup": {serialized}}}'
        return BytesPayload(body.encode(), content_type="application/json")


def create_session(api_base_url: str, *, retry: bool = True, **kwargs: Any) -> AiohttpSession:
    """A session to the Bot API; `retry=False` for bulk sending, whose sender handles errors itself."""
    session = SafarSession(api=TelegramAPIServer.from_base(api_base_url), **kwargs)
    session.middleware(KeepResponseTypes())
    session.middleware(SkipUnreadableUpdates())
    if retry:
        session.middleware(RetryTransientErrors())
    return session


def bulk_delivery(bot: Bot) -> Deliver:
    """Sends one bulk message, turning Telegram's errors into the sender's own terms."""

    async def deliver(item: Outgoing) -> None:
        try:
            await bot.send_message(item.chat_id, item.text, reply_markup=item.markup)
        except TelegramRetryAfter as error:
            raise RetryAfter(error.retry_after) from error
        except TelegramForbiddenError as error:
            raise ChatBlocked() from error
        except TelegramBadRequest as error:
            if "chat not found" in error.message.lower():
                raise ChatBlocked() from error
            raise
        except (TelegramServerError, TelegramNetworkError) as error:
            raise TemporaryFailure(str(error)) from error

    return deliver
