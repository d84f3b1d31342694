"""Every filter and handler runs on the event loop: aiogram sends any that is not a coroutine
(magic `F` filters included) to a worker thread, one hop per router a message passes."""

from collections.abc import Iterator

from aiogram import Router
from aiogram.dispatcher.event.handler import CallableObject

from tests.support.running import RunningBot


def everything_called(router: Router) -> Iterator[tuple[str, CallableObject]]:
    for kind, observer in router.observers.items():
        for where, filter_ in enumerate(observer._handler.filters or []):
            yield f"{router.name}.{kind} router filter {where}", filter_
        for handler in observer.handlers:
            name = f"{router.name}.{kind} {getattr(handler.callback, '__name__', handler.callback)}"
            yield name, handler
            for where, filter_ in enumerate(handler.filters or []):
                yield f"{name} filter {where}", filter_
    for sub_router in router.sub_routers:
        yield from everything_called(sub_router)


async def test_no_filter_or_handler_leaves_the_event_loop(bot: RunningBot) -> None:
    called = list(everything_called(bot.app.dispatcher))
    assert len(called) > 40, "the walk found the routers"
    assert [name for name, item in called if not item.awaitable] == []
