"""A migrant forwards, pastes or photographs a job advert: Safar lists its red flags, each with why it
matters, never calls it safe, and offers the offer check, the red-flag check and a person. The NGO
sees weekly figures that name no one; a channel only once three different people forwarded from it."""

import asyncio
import html
import io
import os
import re
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from PIL import Image

from bot.common.navigation import NavAction
from bot.config import Settings
from bot.handlers.counsellors import TALK_LABEL
from bot.i18n.adverts import (
    ADVERT_NO_FLAGS,
    ADVERT_NO_PICTURES,
    ADVERT_PICTURES_UNREAD,
    ADVERT_SERIOUS,
    ADVERT_WARNINGS_ONLY,
)
from bot.i18n.messages import DANGER_FIRST, NAV_LABELS
from bot.i18n.tools import AGENCY_NOT_FOUND
from bot.storage.stores.campaigns import iso_week
from scripts.advert_screenshots import screenshot
from tests.support.clock import ManualClock
from tests.support.fake_telegram import FakeTelegram, FakeUser, Sent
from tests.support.journeys import LANGUAGE_LABELS, expected_text, start_in
from tests.support.processes import free_port
from tests.support.real_content import real_curriculum
from tests.support.running import STAFF_ID, RunningBot
from tests.support.stored import stored
from tests.test_advert_reading import needs_tesseract
from tests.test_counsellors import label, open_case, set_up_desk

MAX_UTF16 = 4096
FEE_AND_PASSPORTS = (
    "Требуются разнорабочие на стройку, Екатеринбург\n"
    "зп от 95 т.р. , проживание вагончик\n"
    "Оформление 15 000р (мед.комиссия, регистрация) оплачиваете на месте бригадиру\n"
    "Паспорта сдаются старшему на хранение до конца вахты\n"
    "тел +7 900 000-00-03 Рустам"
)
"""Three flags: a fee, documents kept, no employer named."""
HONEST = (
    "Швейная фабрика «ТекстильМастер» (г. Иваново) набирает швей и закройщиков\n"
    "Оплата сдельная 60–90 тыс. ₽, стабильно 2 раза в мес\n"
    "Официальное оформление, трудовой договор, помощь с документами для иностранных граждан\n"
    "Звоните в отдел кадров: +7 900 000-00-12"
)
CLEANER = (
    "УБОРЩИЦА в офис, Москва-Сити\n"
    "ЗП 450 000 руб/мес!!! опыт не нужен, язык не нужен\n"
    "Выход СЕГОДНЯ, осталось 2 места\n"
    "пиши только в WhatsApp +7 900 000-00-02"
)
"""Pay far above the usual, urgency, no employer named."""


def channel(username: str | None, title: str = "Jobs") -> dict[str, object]:
    chat: dict[str, object] = {"id": -1009000000000 - len(title), "type": "channel", "title": title}
    if username:
        chat["username"] = username
    return {"type": "channel", "chat": chat, "message_id": 77, "date": 1_790_000_000}


def why(flag: str, language: str) -> str:
    """The content's sentence for a flag, as the answer shows it (HTML-escaped)."""

    curriculum = real_curriculum()
    return html.escape(curriculum.advert_flags.flags[flag].why[language])


def files_under(names: set[str]) -> list[bytes]:
    """The contents of the files (and files in folders) of these names in the temporary folder."""
    contents = []
    for name in names:
        for path in [Path(tempfile.gettempdir(), name), *Path(tempfile.gettempdir(), name).rglob("*")]:
            if path.is_file():
                contents.append(path.read_bytes())
    return contents


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def within_limits(answer: Sent) -> None:
    assert utf16(answer.text) <= MAX_UTF16
    for row in answer.buttons:
        for button in row:
            assert len(str(button.get("callback_data", "")).encode()) <= 64


async def started(bot: RunningBot, telegram: FakeTelegram, user_id: int, language: str) -> FakeUser:
    user = telegram.user(user_id, language)
    await start_in(user, LANGUAGE_LABELS[language])
    return user


async def test_a_forwarded_advert_gets_each_red_flag_with_why_and_the_checks_to_do_next(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    user = await started(bot, telegram, 601, "ru")
    await user.forward(FEE_AND_PASSPORTS, channel("stroika_jobs_example"))
    answer = await user.reply()
    for flag in ("fee", "documents_kept", "no_employer"):
        assert why(flag, "ru") in answer.text
    assert "3" in answer.text.split("\n")[0]
    assert html.escape(label(bot, ADVERT_SERIOUS, "ru")) in answer.text
    within_limits(answer)
    assert len(answer.labels()) == 3, "the offer check, the red-flag check, the menu (no desk: no person)"
    await user.press(answer, answer.labels()[0])
    assert (await user.reply()).text == expected_text("contract", "check_intro", "ru")


async def test_an_advert_in_set_js_words_gets_each_of_its_flags(bot: RunningBot, telegram: FakeTelegram) -> None:
    """Set J's classes in one forward: a channel's quoted name (no employer), warehouse work at a
    lure's pay, travel paid "then taken from wages" with no word of a ticket, documents taken at the
    airport, and "tomorrow" in Tajik."""
    user = await started(bot, telegram, 608, "tg")
    await user.forward(
        "Репост аз канали «Кор дар Русия»\n"
        "Ба склад коргарон лозим, маош 190 000 рубл дар як моҳ\n"
        "Роҳхароҷро мо медиҳем, баъд аз маош мегирем\n"
        "Ҳуҷҷатҳоро дар фурудгоҳ мегирем\n"
        "Фардо мефиристем!\n"
        "+7 900 000-00-41",
        channel("kor_rusiya_example"),
    )
    answer = await user.reply()
    for flag in ("pay_too_high", "travel_deducted", "documents_kept", "no_employer", "urgency"):
        assert why(flag, "tg") in answer.text, flag
    assert html.escape(label(bot, ADVERT_SERIOUS, "tg")) in answer.text
    within_limits(answer)


async def test_an_advert_in_set_ks_words_gets_each_of_its_flags(bot: RunningBot, telegram: FakeTelegram) -> None:
    """Set K's classes in one forward: a job title in quotes names no firm, packing work at a lure's
    pay, and the first month "without formalising" (Uzbek "-siz"): none was found before."""
    user = await started(bot, telegram, 609, "uz")
    await user.forward(
        '"Customer care" — Polshada qadoqlash ishi 📦\n'
        "Oylik 3 800 €, tajriba shart emas\n"
        "Birinchi oy rasmiylashtirishsiz ishlaysiz\n"
        "Telegram: @polsha_ish_example",
        channel("polsha_ish_example"),
    )
    answer = await user.reply()
    for flag in ("pay_too_high", "no_contract", "no_employer"):
        assert why(flag, "uz") in answer.text, flag
    assert html.escape(label(bot, ADVERT_SERIOUS, "uz")) in answer.text
    within_limits(answer)


async def test_a_forwarded_plea_for_help_gets_the_hotlines_not_an_advert_check(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    """A brother's message passed on is no job advert: danger in it is answered first, as if typed."""
    user = await started(bot, telegram, 607, "ru")
    await user.forward(
        "Брат помоги, хозяин забрал паспорта у всех, нас закрывают на складе и не выпускают",
        {"type": "hidden_user", "sender_user_name": "Brother", "date": 1_790_000_000},
    )
    alarm = await user.reply()
    assert alarm.text.startswith(html.escape(label(bot, DANGER_FIRST, "ru"))), alarm.text[:80]
    await user.forward(FEE_AND_PASSPORTS, channel("stroika_jobs_example"))  # an advert with the same words
    assert why("documents_kept", "ru") in (await user.reply()).text


async def test_an_advert_with_no_flag_found_is_not_called_safe_and_gets_questions_to_ask(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    user = await started(bot, telegram, 602, "tg")
    await user.forward(HONEST, channel(None, "Private recruiters"))
    answer = await user.reply()
    assert html.escape(label(bot, ADVERT_NO_FLAGS, "tg")) in answer.text
    within_limits(answer)


async def test_warning_signs_alone_are_not_called_dangerous(bot: RunningBot, telegram: FakeTelegram) -> None:
    user = await started(bot, telegram, 603, "uz")
    await user.forward(
        "Toshkentda kafega ofitsiant va idish yuvuvchi kerak\nkunlik 150 000 soʻm + tushlik\ntel: +998 90 000 00 38",
        {"type": "hidden_user", "sender_user_name": "Rustam Recruiter", "date": 1_790_000_000},
    )
    answer = await user.reply()
    assert why("no_employer", "uz") in answer.text
    assert html.escape(label(bot, ADVERT_WARNINGS_ONLY, "uz")) in answer.text
    assert html.escape(label(bot, ADVERT_SERIOUS, "uz")) not in answer.text


async def test_past_service_or_citizenship_asked_of_a_guard_is_not_called_dangerous(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    """Set M's class (adverts13): an honest guard's advert that prefers those who served and lists
    the citizenships it accepts is not called military recruitment; service offered beside such a
    preference still is."""
    user = await started(bot, telegram, 611, "uz")
    await user.forward(
        "«Misol Qoʻriqlash» MChJ savdo markaziga qoʻriqchilar oladi\n"
        "Qurolli kuchlarda xizmat qilganlarga ustunlik beriladi\n"
        "Qozogʻiston, Belarus yoki Rossiya fuqaroligi boʻlishi shart\n"
        "Smena 2/2, oylik 5 000 000 soʻm, mehnat shartnomasi bilan\n"
        "Kadrlar boʻlimi: +998 71 000 00 11",
        channel("ish_toshkent_example"),
    )
    answer = await user.reply()
    assert why("military", "uz") not in answer.text
    assert html.escape(label(bot, ADVERT_SERIOUS, "uz")) not in answer.text
    within_limits(answer)
    await user.forward(
        "Rossiya armiyasi bilan shartnoma, 1 yil\n"
        "Jangovar tajribasi borlarga ustunlik beriladi\n"
        "Oylik 250 000 rubl, yozing: @kontrakt_uz_example",
        channel("kontrakt_uz_example"),
    )
    answer = await user.reply()
    assert why("military", "uz") in answer.text
    assert html.escape(label(bot, ADVERT_SERIOUS, "uz")) in answer.text


async def test_an_advert_telling_the_reader_their_rights_is_not_called_dangerous(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    """An honest employer that states the law on passports is not told to be one that keeps them."""
    user = await started(bot, telegram, 612, "ru")
    await user.forward(
        "ООО «ПримерСклад» (Казань) набирает комплектовщиков\n"
        "Оплата 70 000 ₽ в месяц, трудовой договор\n"
        "Помните: по закону работодатель не вправе удерживать ваш паспорт\n"
        "Отдел кадров: +7 900 000-00-51, hr@primersklad.example",
        channel("kazan_jobs_example"),
    )
    answer = await user.reply()
    assert why("documents_kept", "ru") not in answer.text
    assert html.escape(label(bot, ADVERT_SERIOUS, "ru")) not in answer.text
    within_limits(answer)


async def test_a_list_of_who_is_preferred_or_a_meal_taken_from_wages_is_not_called_dangerous(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    """Set N's class (adverts14): a line headed "Приоритет:" or "Требования:" lists who is wanted in
    every clause, and a meal's cost kept from wages is no ticket to work off, though the fare is
    named on the next line; a ticket and a meal taken together still are."""
    user = await started(bot, telegram, 613, "ru")
    await user.forward(
        "ЧОП «Пример-Охрана» набирает охранников в бизнес-центры Казани\n"
        "Приоритет: бывшие военнослужащие, участники боевых действий, сотрудники полиции\n"
        "Требования: гражданство РФ, лицензия охранника\n"
        "Смена 24/72, 3 000 ₽ за сутки, трудовой договор\n"
        "Отдел кадров: +7 900 000-00-52",
        channel("kazan_ohrana_example"),
    )
    answer = await user.reply()
    assert why("military", "ru") not in answer.text
    assert html.escape(label(bot, ADVERT_SERIOUS, "ru")) not in answer.text
    within_limits(answer)
    user = await started(bot, telegram, 614, "tg")
    await user.forward(
        "Ширкати «НамунаСохт» ба вахта дар Сургут коргар мегирад\n"
        "Маош аз 95 000 ₽, шартномаи меҳнатӣ\n"
        "Хӯроки нисфирӯзӣ: нархаш аз маош нигоҳ дошта мешавад\n"
        "Роҳкиро то Сургут аз ҳисоби ширкат\n"
        "Шӯъбаи кадрҳо: +7 900 000-00-53",
        channel("surgut_vahta_example"),
    )
    answer = await user.reply()
    assert why("travel_deducted", "tg") not in answer.text
    assert html.escape(label(bot, ADVERT_SERIOUS, "tg")) not in answer.text
    await user.forward(
        "Ба вахта дар Сургут коргар лозим, маош 95 000 ₽\n"
        "Роҳкиро ва хӯрок аз маош нигоҳ дошта мешавад\n"
        "Нависед: @surgut_kor_example",
        channel("surgut_kor_example"),
    )
    answer = await user.reply()
    assert why("travel_deducted", "tg") in answer.text
    assert html.escape(label(bot, ADVERT_SERIOUS, "tg")) in answer.text


async def test_a_pasted_advert_is_read_and_a_typed_question_still_goes_to_search(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    user = await started(bot, telegram, 604, "ru")
    await user.send(CLEANER)
    answer = await user.reply()
    for flag in ("pay_too_high", "urgency", "no_employer"):
        assert why(flag, "ru") in answer.text
    await user.send("как продлить патент")
    assert why("no_employer", "ru") not in (await user.reply()).text


async def test_firm_names_are_looked_up_and_quoted_safely(settings: Settings, telegram: FakeTelegram) -> None:
    registry = Path(settings.db_path).parent.parent / "agencies.yaml"
    registry.write_text(
        'source: "test list"\nlist_taken: 2026-11-01\nagencies:\n  - licence: "000123"\n    names: [Safar Plus]\n',
        encoding="utf-8",
    )
    settings.agency_registry_path = registry
    running = RunningBot(settings)
    await running.start()
    try:
        user = await started(running, telegram, 605, "en")
        name = "Tom & Jerry <Recruiting>"
        await user.forward(f"Drivers wanted in Almaty, $700/month\n«{name}»\nWhatsApp +7 700 000 0069", channel(None))
        answer = await user.reply()  # the fake refuses HTML Telegram would refuse: the name must be escaped
        assert label(running, AGENCY_NOT_FOUND, "en").format(typed=html.escape(name)) in answer.text
    finally:
        await running.stop()


@needs_tesseract
async def test_a_screenshot_of_an_advert_is_read_with_ocr_and_kept_nowhere(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    user = await started(bot, telegram, 606, "ru")
    temporary = set(os.listdir(tempfile.gettempdir()))
    picture = screenshot(FEE_AND_PASSPORTS)
    await user.send_photo(picture)
    answer = await user.reply(within=120)  # Tesseract on a loaded machine
    for flag in ("fee", "documents_kept", "no_employer"):
        assert why(flag, "ru") in answer.text
    assert len(telegram.downloads) == 1
    assert not any(picture in content for content in files_under(set(os.listdir(tempfile.gettempdir())) - temporary)), (
        "the picture went to Tesseract through a pipe, never into a file"
    )


@needs_tesseract
async def test_an_album_of_an_advert_is_read_picture_by_picture_and_answered_once(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    user = await started(bot, telegram, 611, "ru")
    lines = FEE_AND_PASSPORTS.splitlines()
    blank = io.BytesIO()
    Image.new("RGB", (320, 240), (231, 235, 240)).save(blank, format="PNG")
    pages = [screenshot("\n".join(lines[:3])), blank.getvalue(), screenshot("\n".join(lines[3:]))]
    await user.send_album(3, "advert-album", files=pages)
    answer = await user.reply(within=240)  # three pictures through Tesseract on a loaded machine
    for flag in ("fee", "documents_kept", "no_employer"):
        assert why(flag, "ru") in answer.text, "the flags of every picture, in one answer"
    assert html.escape(label(bot, ADVERT_PICTURES_UNREAD, "ru").format(unread=1, pictures=3)) in answer.text
    assert sorted(telegram.downloads) == ["advert-album-0", "advert-album-1", "advert-album-2"]
    await user.send("/menu")
    assert (await user.reply()).text != answer.text, "the album was answered once, not once per picture"
    await bot.app.unlinked.flush()
    assert len(await stored(bot.settings, "SELECT week FROM advert_checks")) == 1, "counted as one advert"


@needs_tesseract
async def test_a_burst_of_photos_from_one_person_does_not_hold_up_another(
    settings: Settings, telegram: FakeTelegram, tmp_path: Path
) -> None:
    """The first picture's reading is held open (Tesseract behind a gate the test opens) while
    another person forwards an advert: they are answered, the first person's pictures then are."""
    gate, passed = tmp_path / "gate", tmp_path / "passed"
    os.mkfifo(gate)
    held = tmp_path / "held-tesseract"
    held.write_text(
        f'#!/bin/sh\n[ -e "{passed}" ] || cat "{gate}" > /dev/null\n: > "{passed}"\nexec {shutil.which("tesseract")} "$@"\n'
    )
    held.chmod(0o755)
    settings.advert_ocr_command = str(held)
    running = RunningBot(settings)
    await running.start()
    try:
        sender = await started(running, telegram, 607, "ru")
        other = await started(running, telegram, 608, "ru")
        picture = screenshot(CLEANER)
        for _ in range(3):
            await sender.send_photo(picture)
        await telegram.until(lambda: telegram.downloads, within=60)  # the first picture is being read
        await other.forward(FEE_AND_PASSPORTS, channel(None))
        answer = await other.reply(within=30)
        assert why("fee", "ru") in answer.text
        assert sender.nothing_sent(), "the other person was answered while the first picture was still being read"
        await asyncio.to_thread(lambda: os.close(os.open(gate, os.O_WRONLY)))  # the reading goes on
        for _ in range(3):
            assert why("pay_too_high", "ru") in (await sender.reply(within=240)).text
    finally:
        await running.stop()


async def test_without_tesseract_a_photo_is_offered_to_a_counsellor_or_its_text_asked_for(
    settings: Settings, telegram: FakeTelegram
) -> None:
    settings.advert_ocr_command = "/nonexistent/tesseract"
    running = RunningBot(settings)
    await running.start()
    try:
        user = await started(running, telegram, 609, "tg")
        await user.send_photo(screenshot(CLEANER))
        answer = await user.reply()
        assert html.escape(label(running, ADVERT_NO_PICTURES, "tg")) in answer.text
        assert answer.labels() == [label(running, NAV_LABELS[NavAction.HELP.value], "tg")], "no desk: the hotlines"
        await user.send_album(3, "unread-album")
        assert html.escape(label(running, ADVERT_NO_PICTURES, "tg")) in (await user.reply()).text
        await user.send("/menu")
        told = html.escape(label(running, ADVERT_NO_PICTURES, "tg"))
        assert told not in (await user.reply()).text, "an album is told once, not once per picture"
    finally:
        await running.stop()
    set_up_desk(settings, telegram)
    running = RunningBot(settings)
    await running.start()
    try:
        await user.send_photo(screenshot(CLEANER))
        answer = await user.reply()
        await user.press(answer, label(running, TALK_LABEL, "tg"))
        assert "Hamsafar NGO" in (await user.reply()).text, "the consent screen"
    finally:
        await running.stop()


async def test_with_the_desk_the_answer_offers_a_person_and_an_open_case_relays_a_forward(
    settings: Settings, telegram: FakeTelegram
) -> None:
    set_up_desk(settings, telegram)
    running = RunningBot(settings)
    await running.start()
    try:
        user = await started(running, telegram, 610, "en")
        await user.forward(CLEANER, channel(None))
        answer = await user.reply()
        assert label(running, TALK_LABEL, "en") in answer.labels()
        await open_case(running, user, "en")
        copies = len(telegram.copies)
        await user.forward(CLEANER, channel(None))
        await telegram.until(lambda: len(telegram.copies) > copies)
        told = (await user.reply()).text  # in a case the advert goes to the counsellor, not to the check
        assert told.startswith("📨") and "🚩" not in told
    finally:
        await running.stop()


async def test_the_weekly_warning_names_a_channel_only_once_three_people_forwarded_from_it(
    settings: Settings, telegram: FakeTelegram
) -> None:
    settings.admin_ids = frozenset({STAFF_ID})
    settings.metrics_port = free_port()
    running = RunningBot(settings)
    await running.start()
    try:
        people = [await started(running, telegram, 700 + n, "ru") for n in range(4)]
        for person in people[:3]:
            await person.forward(CLEANER, channel("moscow_jobs_example"))
            await person.reply()
        await people[0].forward(CLEANER.replace("+7 900 000-00-02", "+7 900 000-00-99"), channel("moscow_jobs_example"))
        await people[0].reply()
        for person in people[:2]:
            await person.forward(FEE_AND_PASSPORTS, channel("two_people_example"))
            await person.reply()
        await people[3].forward(HONEST, channel(None, "Secret Recruiters"))
        await people[3].reply()
        await running.app.unlinked.flush()  # written on the hour, with other people's rows
        staff = telegram.user(STAFF_ID, "en")
        await staff.send("/offers")
        figures = (await staff.reply()).text
        assert "Adverts checked, week" in figures and ": 7" in figures
        assert "@moscow_jobs_example: 3 people, 4 adverts" in figures
        assert "two_people_example" not in figures
        assert re.search(r"• 4 copies · @moscow_jobs_example · [a-z_, ]*pay_too_high", figures), figures
        stored = Path(settings.db_path).read_bytes() + Path(f"{settings.db_path}-wal").read_bytes()
        for secret in ("Secret Recruiters", "УБОРЩИЦА", "Рустам", "000-00-02"):
            for encoding in ("utf-8", "utf-16-le"):
                assert secret.encode(encoding) not in stored
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{settings.metrics_port}/metrics") as response,
        ):
            metrics = await response.text()
        assert 'safar_adverts_checked_total{source="forward"}' in metrics
        assert 'safar_advert_flags_total{flag="pay_too_high"}' in metrics
        outsider = telegram.user(799, "en")
        await outsider.send("/offers")
        assert "moscow_jobs_example" not in (await outsider.reply()).text
    finally:
        await running.stop()


@pytest.mark.both_backends
async def test_the_weekly_rows_go_once_their_week_is_older_than_the_retention(
    settings: Settings, telegram: FakeTelegram
) -> None:
    settings.report_retention_days = 365
    first = datetime(2027, 1, 6, 12, 0, tzinfo=UTC)
    clock = ManualClock(first)
    running = RunningBot(settings, clock)
    await running.start()
    try:
        person = await started(running, telegram, 720, "ru")
        weeks = []
        for days in (0, 200, 372):  # a year and a week later, the first week is past the retention
            clock.set(first + timedelta(days=days))
            weeks.append(iso_week(clock.now().date()))
            await person.forward(CLEANER, channel("moscow_jobs_example"))
            await person.reply()
            await running.app.unlinked.flush()
        assert sorted(row[0] for row in await stored(settings, "SELECT week FROM advert_checks")) == weeks
        await running.app.retention.run()
        assert sorted(row[0] for row in await stored(settings, "SELECT week FROM advert_checks")) == weeks[1:]
    finally:
        await running.stop()


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
async def test_every_flag_at_once_fits_in_one_message(bot: RunningBot, telegram: FakeTelegram, language: str) -> None:
    user = await started(bot, telegram, 620 + len(language) + ord(language[0]), language)
    everything = "\n".join(
        [
            CLEANER,
            FEE_AND_PASSPORTS,
            "Билеты покупаем мы, стоимость удерживается из первых двух зарплат",
            "Работаем без договора. Вахта в зоне СВО. Едем по туристическому шенгену",
            "Вылетаете в Белград, там ждёте рабочую визу. Работа в Таиланде оператор чата",
            "Жильё в отеле, выходить в город нельзя, телефон сдаёшь",
        ]
    )
    await user.forward(everything, channel(None))
    answer = await user.reply()
    within_limits(answer)
