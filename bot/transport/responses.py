"""How Bot API responses are read: models kept alive, and one unreadable update skipped, not fatal."""

import logging
from typing import Any, ClassVar

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import ClientDecodeError
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Update
from pydantic import ValidationError

from bot.transport.answer_types import answer_types

log = logging.getLogger(__name__)


class KeepResponseTypes(BaseRequestMiddleware):
    """Keeps every `Response[...]` model aiogram parametrises alive for the life of the process.

    aiogram builds `Response[<result type>]` for every reply it parses; pydantic caches such
    models in a weak dictionary, so each garbage collection drops them and the next request
    builds the whole schema again. Under load that rebuilding was a third of the time spent per
    update (measured with scripts/bench_load.py and py-spy); holding a reference ends it.

    Relies on aiogram 3.31's `BaseSession.check_response` parsing each reply with
    `Response[method.__returning__]`: the very class kept here (an edit's, `Message | bool`, is
    read as one of the two: bot/transport/answer_types.py). Should aiogram build its models
    otherwise, this only holds a few unused classes, and bench_load.py shows the cost returning.
    """

    _kept: ClassVar[dict[type[TelegramMethod[Any]], tuple[type[Response[Any]], ...]]] = {}

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if type(method) not in self._kept:
            self._kept[type(method)] = tuple(Response[read_as] for read_as in answer_types(method.__returning__))  # type: ignore[valid-type]
        return await make_request(bot, method)


class SkipUnreadableUpdates(BaseRequestMiddleware):
    """One update aiogram cannot read must not stop polling for everyone.

    aiogram parses a whole `getUpdates` batch at once: an update in a shape it does not know
    fails the batch, the offset never moves, and the same batch fails forever. This reads the
    batch update by update; one that cannot be read is replaced by an empty update with its id,
    so the offset moves past it (and `bot.middlewares.update_guards.UnknownUpdates` skips it).

    Relies on aiogram 3.31's `check_response` raising `ClientDecodeError` with the decoded JSON in
    `error.data` when the result does not validate, and on its polling loop taking the list of
    updates this middleware returns as the `getUpdates` result (tests/test_odd_updates.py sends
    updates aiogram cannot read).
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
