"""Staff reload edited content without a restart; broken content never replaces working content."""

import asyncio
import re
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Settings
from bot.services.content_holder import ContentSources, LoadedContent
from tests.support.content_fixtures import copy_of_real_content, edit
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import expected_text, open_topic, start_in
from tests.support.running import STAFF_ID, RunningBot

ADMIN = STAFF_ID


async def test_reload_reports_what_changed_and_keeps_running_content_on_errors(
    telegram: FakeTelegram, settings: Settings, tmp_path: Path
) -> None:
    content = copy_of_real_content(tmp_path)
    registry = tmp_path / "agencies.yaml"
    registry.write_text(Path("tests/fixtures/agencies.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    settings.content_dir, settings.agency_registry_path = content, registry
    settings.admin_ids = frozenset({ADMIN})
    bot = RunningBot(settings)
    await bot.start()
    try:
        staff = telegram.user(ADMIN, "en")
        user = telegram.user(7, "en")
        await start_in(staff, "English")
        menu = await start_in(user, "English")

        await staff.send("/reload")
        assert (await staff.reply()).text == "Reloaded: nothing changed."

        edit(
            content / "lessons" / "recruitment.yaml",
            "<b>You have been offered a job abroad.</b>",
            "<b>A job offer!</b>",
        )
        await staff.send("/reload")
        assert (await staff.reply()).text == "<b>Reloaded.</b>\nscreens edited: recruitment/offer"
        await open_topic(user, menu, "Recruiters")
        assert (await user.reply()).text.startswith("<b>A job offer!</b>")

        edit(content / "lessons" / "recruitment.yaml", "goto: passport", "goto: pasport")
        registry.write_text(registry.read_text(encoding="utf-8").replace("list_taken: 2026-10-01", "list_taken: soon"))
        await staff.send("/reload")
        refused = await staff.reply()
        assert refused.text.startswith("<b>Not reloaded: the content has errors.</b> The bot keeps the content it had.")
        assert "agencies.yaml:3: list_taken: &#x27;soon&#x27; is not a date: write dates as 2026-11-22" in refused.text
        assert "unknown node &#x27;pasport&#x27; (did you mean &#x27;passport&#x27;?)" in refused.text
        assert "cannot be reached" not in refused.text, "one mistake, one message"
        await user.send("/menu")
        await open_topic(user, await user.reply(), "Recruiters")
        assert (await user.reply()).text.startswith("<b>A job offer!</b>"), "users keep the working content"

        edit(content / "lessons" / "recruitment.yaml", "goto: pasport", "goto: passport")
        registry.write_text(registry.read_text(encoding="utf-8").replace("list_taken: soon", "list_taken: 2026-11-01"))
        (content / "lessons" / "main.yaml").write_text(
            (content / "lessons" / "main.yaml").read_text(encoding="utf-8") + "  extra:\n    text: {en: x}\n",
            encoding="utf-8",
        )
        await staff.send("/reload")
        refused = await staff.reply()
        assert "node &#x27;extra&#x27; cannot be reached" in refused.text

        (content / "lessons" / "main.yaml").write_text(
            (content / "lessons" / "main.yaml").read_text(encoding="utf-8").replace("  extra:\n    text: {en: x}\n", "")
        )
        with registry.open("a", encoding="utf-8") as file:
            file.write('  - licence: "999"\n    names: ["Nur Recruitment"]\n')
        await staff.send("/reload")
        assert (await staff.reply()).text == "<b>Reloaded.</b>\nlicensed agencies: 3 → 4"
        await user.send("/agency")
        await user.reply()
        await user.send("nur recruitment")
        assert (await user.reply()).text.startswith("✅ <b>Nur Recruitment</b> is on the list")
    finally:
        await bot.stop()


async def test_staff_are_answered_when_a_reload_fails_for_a_reason_other_than_the_content(
    telegram: FakeTelegram, settings: Settings, tmp_path: Path
) -> None:
    content = copy_of_real_content(tmp_path)
    settings.content_dir = content
    settings.admin_ids = frozenset({ADMIN})
    bot = RunningBot(settings)
    await bot.start()
    try:
        staff = telegram.user(ADMIN, "en")
        user = telegram.user(7, "en")
        await start_in(staff, "English")
        menu = await start_in(user, "English")

        nested = content / "lessons" / "nested.yaml"  # brackets thousands deep: the YAML reader gives up
        nested.write_text("title: " + "[" * 400 + "]" * 400 + "\n", encoding="utf-8")
        await staff.send("/reload")
        assert (await staff.reply()).text == (
            "<b>Not reloaded: an unexpected error (RecursionError).</b> The bot keeps the content it had. "
            "Run <code>safar check</code> on the content files; the operator finds the details in the log."
        )
        nested.unlink()

        edit(
            content / "lessons" / "recruitment.yaml",
            "<b>You have been offered a job abroad.</b>",
            "<b>A job offer!</b>",
        )
        with sqlite3.connect(settings.db_path) as database:  # the database cannot record the reload
            database.execute("DROP TABLE content_reloads")
        await staff.send("/reload")
        assert (await staff.reply()).text == (
            "<b>Reloaded.</b>\nscreens edited: recruitment/offer\n\n<b>Only this process reloaded:</b> the "
            "database could not record the reload for the bot's other processes (OperationalError). "
            "Send /reload again once the database works."
        )
        await open_topic(user, menu, "Recruiters")
        assert (await user.reply()).text.startswith("<b>A job offer!</b>"), "this process runs the new content"
        await staff.send("/audit")
        audit = (await staff.reply()).text.splitlines()
        assert audit[1].endswith(f"staff {ADMIN} · reload_not_shared · OperationalError")
        assert audit[2].endswith(f"staff {ADMIN} · reload_failed · RecursionError")
    finally:
        await bot.stop()


PROBE_LESSON = """\
title: {{tg: Санҷиш, ru: Проверка, uz: Sinov, en: Probe}}
start: start
nodes:
  start:
    text:
      tg: "Кӯмак: {tg}"
      ru: "Помощь: {ru}"
      uz: "Yordam: {uz}"
      en: "Help: {en}"
"""


def probe_lesson(tg: str, ru: str, uz: str, en: str) -> str:
    return PROBE_LESSON.format(tg=tg, ru=ru, uz=uz, en=en)


async def test_a_reload_of_broken_dates_or_hotlines_keeps_the_old_content_and_says_why(
    telegram: FakeTelegram, settings: Settings, tmp_path: Path
) -> None:
    """Issue 18 items 1 and 2: an impossible date, an unknown need and a translation that drops a
    contact each refuse the reload with the file, the line and plain words; users keep the bot."""
    content = copy_of_real_content(tmp_path)
    settings.content_dir = content
    settings.admin_ids = frozenset({ADMIN})
    bot = RunningBot(settings)
    await bot.start()
    try:
        staff = telegram.user(ADMIN, "en")
        user = telegram.user(7, "en")
        await start_in(staff, "English")
        await start_in(user, "English")
        await user.send("/sos")
        hotlines = (await user.reply()).text
        contacts = content / "contacts.yaml"
        working_contacts = contacts.read_text(encoding="utf-8")

        contacts.write_text(re.sub(r"checked: [0-9-]+", "checked: 2026-22-11", working_contacts, count=1))
        await staff.send("/reload")
        refused = (await staff.reply()).text
        assert refused.startswith("<b>Not reloaded: the content has errors.</b> The bot keeps the content it had.")
        assert re.search(r"\ncontacts\.yaml:\d+: \w+: checked: &#x27;2026-22-11&#x27; has no month 22", refused)
        contacts.write_text(re.sub(r"checked: [0-9-]+", "checked: 2026-11-31", working_contacts, count=1))
        await staff.send("/reload")
        assert "&#x27;2026-11-31&#x27; is not a real date: November 2026 has 30 days" in (await staff.reply()).text
        contacts.write_text(working_contacts, encoding="utf-8")

        probe = content / "lessons" / "probe.yaml"
        legal = "{{ contacts(need='legal') }}"
        probe.write_text(probe_lesson(legal, legal, legal, legal), encoding="utf-8")
        await staff.send("/reload")
        refused = (await staff.reply()).text
        assert (
            "\nlessons/probe.yaml:6: the list of contacts here would be empty: &#x27;legal&#x27; is not a need; "
            "use one of emergency, trafficking, labour_rights, consular, legal_aid, psychological "
            "(did you mean &#x27;legal_aid&#x27;?)"
        ) in refused

        trafficking = "{{ contacts(need='trafficking') }}"
        probe.write_text(probe_lesson(trafficking, trafficking, "qoʻngʻiroq qiling", trafficking), encoding="utf-8")
        await staff.send("/reload")
        assert (
            "\nlessons/probe.yaml:8: the &#x27;uz&#x27; text lacks {{ contacts(need=&#x27;trafficking&#x27;) }}, "
            "which the &#x27;en&#x27; text has"
        ) in (await staff.reply()).text

        await user.send("/sos")
        assert (await user.reply()).text == hotlines, "users keep the content that worked"

        probe.write_text(probe_lesson(trafficking, trafficking, trafficking, trafficking), encoding="utf-8")
        await staff.send("/reload")
        assert (await staff.reply()).text == "<b>Reloaded.</b>\nlessons added: probe\nscreens added: probe/start"
    finally:
        await bot.stop()


@dataclass(frozen=True)
class HeldSources(ContentSources):
    """Content that is read only when the test lets it, so a reload stays under way as long as needed."""

    started: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    gave_up: threading.Event = field(default_factory=threading.Event)
    """Set when the read waited in vain: nothing let it go because the event loop was blocked."""

    def load(self) -> LoadedContent:
        self.started.set()
        if not self.release.wait(timeout=60):  # a loaded machine; only a blocked loop waits it out
            self.gave_up.set()
        return super().load()


async def test_users_are_answered_while_a_reload_is_under_way(telegram: FakeTelegram, staffed_bot: RunningBot) -> None:
    bot = staffed_bot
    staff = telegram.user(ADMIN, "en")
    user = telegram.user(7, "en")
    await start_in(staff, "English")
    menu = await start_in(user, "English")
    running = bot.app.content.sources
    held = HeldSources(running.content_dir, running.registry_path, running.translate, running.clock)
    bot.app.content.sources = held

    await staff.send("/reload")
    assert await asyncio.to_thread(held.started.wait, 10), "the reload began"
    await open_topic(user, menu, "Recruiters")
    assert (await user.reply()).text == expected_text("recruitment", "offer", "en")
    assert not held.gave_up.is_set(), "the user was answered while the reload was still reading"
    held.release.set()
    assert (await staff.reply()).text == "Reloaded: nothing changed."
