"""Several processes, one content: a /reload that reaches one web worker is followed by the others,
so a person whose updates land on another worker reads the same edited lesson a few seconds later.
Two workers as the cluster runs them: PostgreSQL, Redis, each its own process state and content,
their periodic jobs on the real scheduler, updates through their webhooks."""

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.runtime.app import Application, application
from bot.runtime.periodic_jobs import reminder_jobs
from bot.services.content_sync import SYNC_SECONDS
from tests.support.content_fixtures import copy_of_real_content, edit
from tests.support.fake_telegram import FakeTelegram, FakeUser
from tests.support.journeys import open_topic, start_in
from tests.support.running import STAFF_ID
from tests.support.waiting import eventually
from tests.support.webhook_workers import RoundRobin, serve

OLD_TITLE = "<b>You have been offered a job abroad.</b>"
RECRUITMENT = Path("lessons") / "recruitment.yaml"


class Directed(RoundRobin):
    """The load balancer, told which worker gets the next updates."""

    worker = 0

    async def _forward(self) -> None:
        while True:
            async with self.telegram.new_updates:
                await self.telegram.new_updates.wait_for(lambda: len(self.telegram.updates) > self.forwarded)
                pending = self.telegram.updates[self.forwarded :]
                self.forwarded = len(self.telegram.updates)
            for update in pending:
                await self.post(update, self.worker)


@contextlib.asynccontextmanager
async def worker(settings: Settings) -> AsyncIterator[tuple[Application, int]]:
    async with application(settings) as app, reminder_jobs(app), serve(app) as port:
        yield app, port


async def recruitment_screen(user: FakeUser) -> str:
    await user.send("/menu")
    await open_topic(user, await user.reply(), "Recruiters")
    return (await user.reply()).text


async def screen_within(user: FakeUser, starts: str, seconds: float) -> None:
    """Until the recruitment screen starts with `starts`, asking again every half second."""

    async def shown() -> bool:
        return (await recruitment_screen(user)).startswith(starts)

    await eventually(shown, seconds, every=0.5, what=f"the screen starting with {starts!r}")


async def test_a_reload_on_one_worker_reaches_the_people_served_by_another(
    telegram: FakeTelegram,
    settings: Settings,
    postgres_url: str,
    redis_url: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.database_url, settings.redis_url = SecretStr(postgres_url), SecretStr(redis_url)
    settings.admin_ids = frozenset({STAFF_ID})
    # One content folder each, as on two machines of one release: same files until the test says.
    first_files, second_files = copy_of_real_content(tmp_path / "a"), copy_of_real_content(tmp_path / "b")
    async with (
        worker(settings.model_copy(update={"content_dir": first_files})) as (_, first),
        worker(settings.model_copy(update={"content_dir": second_files})) as (_, second),
        Directed(telegram, [first, second]) as balancer,
    ):
        staff, person = telegram.user(STAFF_ID, "en"), telegram.user(7, "en")
        balancer.worker = 0
        await start_in(staff, "English")
        balancer.worker = 1
        await start_in(person, "English")
        assert (await recruitment_screen(person)).startswith(OLD_TITLE)

        for files in (first_files, second_files):
            edit(files / RECRUITMENT, OLD_TITLE, "<b>A job offer!</b>")
        assert (await recruitment_screen(person)).startswith(OLD_TITLE), "edited files wait for /reload"
        balancer.worker = 0
        await staff.send("/reload")
        assert (await staff.reply()).text == "<b>Reloaded.</b>\nscreens edited: recruitment/offer"
        balancer.worker = 1
        await screen_within(person, "<b>A job offer!</b>", SYNC_SECONDS + 60)

        # The second machine's copy is broken (a deploy gone wrong): it keeps what it serves, and says so.
        edit(first_files / RECRUITMENT, "<b>A job offer!</b>", "<b>An offer abroad?</b>")
        edit(second_files / RECRUITMENT, "goto: passport", "goto: pasport")
        caplog.set_level(logging.INFO, "bot.services.content_sync")
        balancer.worker = 0
        await staff.send("/reload")
        assert (await staff.reply()).text == "<b>Reloaded.</b>\nscreens edited: recruitment/offer"
        assert (await recruitment_screen(staff)).startswith("<b>An offer abroad?</b>"), "at once where reloaded"
        await eventually(
            lambda: "in its content files and keeps the content it had" in caplog.text,
            SYNC_SECONDS + 60,
            what="the broken copy noticed",
        )
        balancer.worker = 1
        assert (await recruitment_screen(person)).startswith("<b>A job offer!</b>"), "nobody gets broken content"
