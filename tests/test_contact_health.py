"""Do the hotlines answer? A caller taps "I called" right on the card and says whether anyone
answered; staff and editors see the rates, counted once per account and week, with nothing that
ties an answer to anyone."""

import asyncio
import html
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from bot.content import load_curriculum
from bot.content.rendering import day_text
from bot.storage.backends.sqlite import open_database
from bot.storage.stores.hotline_answers import HotlineAnswerStore
from tests.support.content_fixtures import CONTENT_DAY, copy_of_real_content, edit
from tests.support.fake_telegram import FakeTelegram
from tests.support.hotlines import RU_EMERGENCY, answers, open_russian_hotlines, tell
from tests.support.journeys import expected_text
from tests.support.real_content import real_curriculum
from tests.support.running import STAFF_ID, RunningBot

ADMIN = STAFF_ID


async def test_a_caller_says_a_hotline_did_not_answer_once_a_week(
    telegram: FakeTelegram, bot: RunningBot, settings: Settings
) -> None:
    user = telegram.user(language_code="ru")
    screen = await open_russian_hotlines(user)
    assert screen.text == expected_text("hotlines", "russia", "ru")
    original = screen.labels()
    assert "☎️ Я позвонил(а)" in original
    await user.press(screen, "☎️ Я позвонил(а)")
    choose = await user.reply()
    assert choose.text == screen.text, "the cards stay in view; only the buttons change"
    assert choose.labels()[0] == RU_EMERGENCY and choose.labels()[-1] == "↩️ Назад"
    await user.press(choose, RU_EMERGENCY)
    assert (await user.reply()).labels() == ["✅ Да, ответили", "❌ Не ответили", "🚫 Неверный номер", "↩️ Назад"]
    assert (await user.press(screen, "❌ Не ответили"))["text"] == "Спасибо: так другие узнают, какие номера работают."
    assert (await user.reply()).labels() == original, "the screen's own buttons come back"
    assert await tell(user, screen, RU_EMERGENCY, "✅ Да, ответили") == (
        "Вы уже сообщили об этом номере на этой неделе. Спасибо!"
    )
    assert answers(settings) == [("ru_emergency", "no_answer", 1)]
    with sqlite3.connect(settings.db_path) as database:
        columns = [row[1] for row in database.execute("PRAGMA table_info(contact_answers)")]
    assert columns == ["week", "contact", "outcome", "answers"], "no account, phone number or time of call"


async def test_a_screen_with_one_number_asks_straight_away(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code="en")
    await user.send("/start")
    await user.press(await user.reply(), "English")
    await user.reply()
    await user.send("/start trafficking")
    await user.press(await user.reply(), "🇷🇺 In Russia")
    screen = await user.reply()
    assert (await user.press(screen, "☎️ I called"))["text"] == "Did they answer?"
    assert (await user.reply()).labels()[0] == "✅ Yes, they answered"


async def test_a_screen_is_flagged_as_out_of_date_without_any_link_to_the_user(
    telegram: FakeTelegram, staffed_bot: RunningBot, settings: Settings
) -> None:
    user = telegram.user(language_code="ru")
    screen = await open_russian_hotlines(user)
    assert (await user.press(screen, "✏️ Ошибка или устарело?"))["text"] == "Что не так на этом экране?"
    assert "📅 Информация устарела" in (await user.reply()).labels()
    assert (await user.press(screen, "📅 Информация устарела"))["text"] == "Спасибо: редактор проверит этот экран."
    await user.reply()
    with sqlite3.connect(settings.db_path) as database:
        assert database.execute("SELECT screen, reason, flags FROM screen_flags").fetchall() == [
            ("hotlines/russia", "outdated", 1)
        ]
    admin = telegram.user(ADMIN, "en")
    await admin.send("/contacts")
    assert "hotlines/russia: &lt;5 (outdated &lt;5)" in (await admin.reply()).text


async def test_staff_see_answer_rates_with_small_counts_hidden_and_failing_numbers_flagged(
    telegram: FakeTelegram, staffed_bot: RunningBot
) -> None:
    for number in range(12):
        user = telegram.user(3000 + number, "ru")
        screen = await open_russian_hotlines(user)
        await tell(user, screen, RU_EMERGENCY, "✅ Да, ответили" if number < 3 else "❌ Не ответили")
        if number < 2:
            await tell(user, screen, "☎️ +7 966 031-22-22", "🚫 Неверный номер")
    admin = telegram.user(ADMIN, "en")
    await admin.send("/contacts")
    text = (await admin.reply()).text
    rows = {line.split(" (", 1)[0]: line for line in text.splitlines()}
    contacts = real_curriculum(translated=False).contacts
    assert rows["⚠️ ru_emergency"] == (
        f"⚠️ ru_emergency ({html.escape(contacts['ru_emergency'].name['en'])}): 12 answers, answered 25%, "
        f"wrong number &lt;5; source checked {day_text(contacts['ru_emergency'].checked)}"
    )
    assert "fewer than 50% answered: call it, re-check its source" in text
    assert rows["molmep_ru_central_1"].endswith(
        "): &lt;5 answers, rate not shown (fewer than 5 answers), wrong number &lt;5; source checked 07.12.2026"
    )
    assert "): &lt;5 answers, rate not shown" in rows["tj_emergency"]
    outsider = telegram.user(3999, "en")
    await outsider.send("/start")
    await outsider.press(await outsider.reply(), "English")
    await outsider.reply()
    await outsider.send("/contacts")
    assert "answers" not in (await outsider.reply()).text, "staff only"


async def callers_answered(db_path: Path | str) -> None:
    database = await open_database(db_path)
    store = HotlineAnswerStore(database)
    for _ in range(4):
        await store.count_answer(date(2026, 11, 30), "tj_emergency", "no_answer")
    for _ in range(8):
        await store.count_answer(date(2026, 11, 20), "tj_emergency", "wrong_number")
    await store.count_answer(date(2026, 9, 1), "ru_emergency", "answered")  # older than 30 days
    await database.close()


def test_safar_report_shows_the_same_to_editors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_path = tmp_path / "safar.sqlite3"
    asyncio.run(callers_answered(db_path))
    assert main(["report", "--today", "2026-12-01", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    contacts = real_curriculum(translated=False).contacts
    tj = contacts["tj_emergency"]
    assert (
        f"⚠️ tj_emergency ({tj.name['en']}): 12 answers, answered 0%, wrong number 8; "
        f"source checked {day_text(tj.checked)}"
    ) in out
    assert f"ru_emergency ({contacts['ru_emergency'].name['en']}): <5 answers, rate not shown" in out


def test_safar_report_reads_the_answers_from_postgresql(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(callers_answered(postgres_url))
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    assert main(["report", "--today", "2026-12-01"]) == 0
    tj = real_curriculum(translated=False).contacts["tj_emergency"]
    assert f"⚠️ tj_emergency ({tj.name['en']}): 12 answers, answered 0%, wrong number 8" in capsys.readouterr().out


def test_a_contact_marked_not_answering_is_shown_with_a_warning_or_hidden(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_of_real_content(tmp_path)
    contacts = content / "contacts.yaml"
    edit(
        contacts,
        "\nru_emergency:\n",
        "\nru_emergency:\n  status: not-answering\n",
    )
    warned = load_curriculum(content, today=CONTENT_DAY).contact_renderer.one("ru_emergency", "en")
    assert warned.endswith("<b>⚠️ Callers tell us this number often does not answer. Try another one too.</b>")
    assert main(["check", str(content)]) == 0
    assert "contact 'ru_emergency' is marked not-answering (shown with a warning)" in capsys.readouterr().out
    # Hiding the only Russian trafficking contact would leave that list empty: the checker says so.
    edit(contacts, "  status: not-answering\n", "  status: not-answering\n  when_not_answering: hide\n")
    assert main(["check", str(content)]) == 1
    assert "no contact in contacts.yaml has the country 'RU' and the need 'trafficking'" in capsys.readouterr().out
    edit(contacts, "  status: not-answering\n  when_not_answering: hide\n", "")
    edit(contacts, "\niom_tajikistan:\n", "\niom_tajikistan:\n  status: not-answering\n  when_not_answering: hide\n")
    curriculum = load_curriculum(content, today=CONTENT_DAY)
    assert "iom_tajikistan" not in curriculum.contact_renderer.ids(country="TJ")
    assert "tj_police" in curriculum.contact_renderer.ids(country="TJ")
    assert main(["check", str(content)]) == 0
    assert "contact 'iom_tajikistan' is marked not-answering (hidden from users)" in capsys.readouterr().out


def test_safar_report_says_when_the_database_named_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--db", str(tmp_path / "nowhere.sqlite3")]) == 0
    assert capsys.readouterr().out.rstrip().endswith("nowhere.sqlite3 (set DB_PATH or pass --db).")
