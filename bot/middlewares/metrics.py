"""Counts every update by kind and times its handling, for Prometheus (bot/observability/metrics.py)."""

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from aiogram.types.update import UpdateTypeLookupError

from bot.middlewares.chat_queues import Queued
from bot.observability.metrics import HANDLER_SECONDS, UPDATES, counting

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UpdateMetrics(BaseMiddleware):
    """The outermost middleware: what it times includes the guards, the handler and the reply.

    The labelled children are looked up once per kind and kept: `labels()` takes a lock and
    builds a key, which is more than the rest of this middleware costs. An update left waiting
    behind its chat's (bot/middlewares/chat_queues.py) is timed until its turn came and it was handled.
    """

    def __init__(self) -> None:
        self._children: dict[str, tuple[Any, Any]] = {}

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        try:
            kind = event.event_type
        except UpdateTypeLookupError:
            kind = "unknown"
        children = self._children.get(kind)
        if children is None:
            children = (UPDATES.labels(kind), HANDLER_SECONDS.labels(kind))
            if counting():  # kept only once they count (bot/observability/metrics.py)
                self._children[kind] = children
        counted, timed = children
        counted.inc()
        began = time.perf_counter()
        try:
            result = await handler(event, data)
        except BaseException:
            timed.observe(time.perf_counter() - began)
            raise
        if isinstance(result, Queued):
            result.handled.add_done_callback(lambda _: timed.observe(time.perf_counter() - began))
        else:
            timed.observe(time.perf_counter() - began)
        return result
