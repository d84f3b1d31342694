"""The real bot (real SQLite file, real content) polling the fake Bot API in the test's event loop,
startable and stoppable so tests can restart it."""

import asyncio

from bot.common.clock import Clock
from bot.config import Settings
from bot.middlewares.in_flight import WORKFLOW_KEY, UpdatesUnderWay
from bot.runtime.app import Application, application
from bot.runtime.polling import poll
from tests.support.fake_telegram import FakeTelegram
from tests.support.waiting import eventually

STAFF_ID = 900
"""The Telegram id of the staff member in tests that need one."""


class RunningBot:
    """The bot as `python -m bot` wires it, polling the fake server in this event loop."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self._task: asyncio.Task[None] | None = None
        self._app: Application | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        self._ready = asyncio.Event()
        self._task = asyncio.create_task(self._run())
        await asyncio.wait_for(self._ready.wait(), 60)  # an event; a loaded machine starts slowly

    async def _run(self) -> None:
        async with application(self.settings, self.clock) as app:
            self._app = app
            app.dispatcher.startup.register(self._ready.set)
            await poll(app, handle_signals=False, polling_timeout=1)

    async def stop(self) -> None:
        if self._app is not None and self._task is not None:
            await self._app.dispatcher.stop_polling()
            await asyncio.wait_for(self._task, 10)
            self._app = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    @property
    def app(self) -> Application:
        assert self._app is not None
        return self._app

    async def settled(self, telegram: FakeTelegram, within: float = 10) -> None:
        """Wait until the bot has handled every update sent so far: polling has asked for the ones
        after the last (so each was started) and no handling is under way. Then "nothing was sent"
        is an answer, not a guess made after a sleep. Work handed to background jobs (the scheduler,
        the report batch) is not covered: wait for its own event."""
        dispatcher = self.app.dispatcher
        tracker = dispatcher[WORKFLOW_KEY]
        assert isinstance(tracker, UpdatesUnderWay)

        def idle() -> bool:
            confirmed = max(telegram.offsets, default=0) > telegram.last_update_id
            return confirmed and not dispatcher._handle_update_tasks and tracker._count == 0

        await eventually(idle, within, what="the bot's handling of every update sent")
