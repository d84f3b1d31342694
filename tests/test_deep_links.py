"""People arrive from a poster or a shared link: `t.me/<bot>?start=<entry>[__<campaign>]` opens
that screen, in their language, and a campaign is counted with no link to anyone."""

import io
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from bot.editing.console import ConsoleWalk, plain
from bot.i18n import load_i18n
from bot.services.campaign_counts import NEW_TAGS_PER_ACCOUNT
from bot.storage.stores.campaigns import MAX_CAMPAIGNS_PER_WEEK, OTHER_CAMPAIGN
from tests.support.content_fixtures import copy_of_real_content, edit
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import LANGUAGE_LABELS, expected_text, start_in
from tests.support.real_content import real_curriculum
from tests.support.running import STAFF_ID, RunningBot

ADMIN = STAFF_ID


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
async def test_a_new_user_chooses_a_language_and_lands_on_the_linked_screen(
    telegram: FakeTelegram, bot: RunningBot, language: str
) -> None:
    user = telegram.user(language_code=language)
    await user.send("/start contract-check")
    picker = await user.reply()
    assert f"✅ {LANGUAGE_LABELS[language]}" in picker.labels()
    await user.press(picker, LANGUAGE_LABELS[language])
    screen = await user.reply()
    assert screen.text == expected_text("contract", "check_intro", language)
    await user.send("/start")
    assert (await user.reply()).text == expected_text("main", "menu", language), "the link is followed once"


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
async def test_a_returning_user_opens_the_hotlines_of_a_country_in_their_language(
    telegram: FakeTelegram, bot: RunningBot, language: str
) -> None:
    user = telegram.user(language_code="ru")
    await start_in(user, LANGUAGE_LABELS[language])
    await user.send("/start hotlines-ru")
    screen = await user.reply()
    assert screen.text == expected_text("hotlines", "russia", language)
    await user.press(screen, {"tg": "◀️ Бозгашт", "ru": "◀️ Назад", "uz": "◀️ Orqaga", "en": "◀️ Back"}[language])
    assert (await user.reply()).text == expected_text("main", "menu", language), "back leads where they were"


BAD_PAYLOADS = [
    "no-such-entry",
    "Contract-check",
    "contract-check__",
    "contract-check__bad.tag",
    "contract-check__a__b",
    "x" * 65,
    "контракт",
    "__poster",
]


@pytest.mark.parametrize("payload", BAD_PAYLOADS)
async def test_an_unknown_or_malformed_link_leads_to_the_menu_without_an_error(
    telegram: FakeTelegram, bot: RunningBot, payload: str
) -> None:
    user = telegram.user(language_code="uz")
    await start_in(user, "Oʻzbekcha")
    await user.send(f"/start {payload}")
    assert (await user.reply()).text == expected_text("main", "menu", "uz")


async def test_a_new_user_with_an_unknown_link_gets_the_picker_then_the_menu(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code="tg")
    await user.send("/start nothing-here")
    await user.press(await user.reply(), LANGUAGE_LABELS["tg"])
    assert (await user.reply()).text == expected_text("main", "menu", "tg")


def campaign_rows(settings: Settings) -> dict[str, tuple[int, int]]:
    with sqlite3.connect(settings.db_path) as database:
        return {
            str(c): (int(o), int(n))
            for c, o, n in database.execute("SELECT campaign, opens, new_users FROM campaign_weeks")
        }


async def test_campaign_opens_are_counted_per_week_and_small_counts_suppressed(
    telegram: FakeTelegram, staffed_bot: RunningBot, settings: Settings
) -> None:
    admin = telegram.user(ADMIN, "en")
    for number in range(6):
        newcomer = telegram.user(1000 + number, "ru")
        await newcomer.send("/start contract-check__bus-station")
        await newcomer.reply()
    await staffed_bot.app.unlinked.flush()  # counts are written on the hour, with other people's rows
    await admin.send("/stats campaigns")
    text = (await admin.reply()).text
    assert "• bus-station: 6 · new &lt;5" in text, "nobody chose a language: no new user yet"
    returning = telegram.user(2000, "tg")
    await start_in(returning, "Тоҷикӣ")
    await returning.send("/start sos__pdo-khujand")
    await returning.reply()
    await staffed_bot.app.unlinked.flush()
    await admin.send("/stats campaigns")
    text = (await admin.reply()).text
    assert "• bus-station: 6 · new &lt;5" in text
    assert "• pdo-khujand: &lt;5 · new &lt;5" in text
    with sqlite3.connect(settings.db_path) as database:
        columns = [row[1] for row in database.execute("PRAGMA table_info(campaign_weeks)")]
    assert columns == ["week", "campaign", "opens", "new_users"], "nothing that could point to a person"


async def test_one_account_counts_once_per_campaign_a_week_and_is_a_new_user_once(
    telegram: FakeTelegram, staffed_bot: RunningBot, settings: Settings
) -> None:
    newcomer = telegram.user(3000, "ru")
    for _ in range(4):  # the picker each time: no language chosen yet
        await newcomer.send("/start contract-check__bus-station")
        picker = await newcomer.reply()
    await newcomer.press(picker, "Русский")
    await newcomer.reply()
    for _ in range(3):
        await newcomer.send("/start sos__bus-station")
        await newcomer.reply()
    await newcomer.send("/start sos__pdo-khujand")
    await newcomer.reply()
    await staffed_bot.app.unlinked.flush()
    assert campaign_rows(settings) == {"bus-station": (1, 1), "pdo-khujand": (1, 0)}
    await staffed_bot.app.recorder.flush()
    with sqlite3.connect(settings.db_path) as database:
        started = database.execute("SELECT COUNT(*) FROM events WHERE name = 'started'").fetchone()[0]
    assert started == 1, "the global new-user figure counts the account once, when its language is stored"


async def test_junk_tags_from_one_account_do_not_push_the_real_posters_into_other(
    telegram: FakeTelegram, staffed_bot: RunningBot, settings: Settings
) -> None:
    """Tags are typed into links by anyone; a week holds 200 before new ones count as 'other'."""
    junk = telegram.user(4000, "en")
    await start_in(junk, "English")
    for number in range(MAX_CAMPAIGNS_PER_WEEK):
        await junk.send(f"/start sos__junk-{number}")
        await junk.reply()
    poster = telegram.user(4001, "en")
    await start_in(poster, "English")
    await poster.send("/start sos__bus-station")
    await poster.reply()
    await staffed_bot.app.unlinked.flush()
    rows = campaign_rows(settings)
    assert rows["bus-station"] == (1, 0), "the real poster keeps its own line"
    junk_tags = [tag for tag in rows if tag.startswith("junk-")]
    assert len(junk_tags) == NEW_TAGS_PER_ACCOUNT and rows[OTHER_CAMPAIGN] == (1, 0), "the rest count once as other"


async def test_campaign_statistics_are_for_staff_only(telegram: FakeTelegram, staffed_bot: RunningBot) -> None:
    """Someone who is not staff gets what any unknown command gets, and none of the figures."""
    admin = telegram.user(ADMIN, "en")
    for number in range(6):
        newcomer = telegram.user(1000 + number, "ru")
        await newcomer.send("/start contract-check__bus-station")
        await newcomer.reply()
    await staffed_bot.app.unlinked.flush()
    await admin.send("/stats campaigns")
    assert "bus-station" in (await admin.reply()).text, "there are figures to leak"
    user = telegram.user(1500, "en")
    await start_in(user, "English")
    await user.send("/unknowncommand campaigns")
    unknown = (await user.reply()).text
    await user.send("/stats campaigns")
    refused = (await user.reply()).text
    assert refused == unknown and "bus-station" not in refused


def test_safar_check_fails_when_an_entry_names_a_missing_screen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_of_real_content(tmp_path)
    edit(content / "entries.yaml", "contract-check: contract/check_intro", "contract-check: contract/check_intr")
    edit(content / "entries.yaml", "families: families", "Families!: families")
    assert main(["check", str(content)]) == 1
    out = capsys.readouterr().out
    assert "entries.yaml:13: entry 'contract-check' points to 'contract/check_intr', which is not a lesson" in out
    assert "entries.yaml:18: entry 'Families!' is not a valid name" in out


def test_the_console_follows_a_deep_link_as_the_bot_does() -> None:
    curriculum = real_curriculum()
    out = io.StringIO()
    walk = ConsoleWalk(curriculum, load_i18n(), "tg", out)
    typed = io.StringIO("/start hotlines-ru\nhttps://t.me/safar_bot?start=contract-check__pdo-1\n/start nope\nq\n")
    assert walk.run(typed, start="sos") == 0
    screens = [part.split(" ────\n", 1) for part in out.getvalue().split("──── ")[1:]]
    assert [node for node, _ in screens] == [
        "hotlines/start", "hotlines/russia", "contract/check_intro", "main/menu",
    ]  # fmt: skip
    first_line = plain(expected_text("hotlines", "russia", "tg"), bold=False).split("\n")[0]
    assert screens[1][1].startswith(first_line + "\n"), "in the console's language"
    assert "(the bot does not know the link '/start nope': it shows the menu)" in out.getvalue()
