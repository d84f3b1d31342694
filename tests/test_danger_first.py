"""Someone types that they are in danger: hotlines and what to do come first, in every
language, whatever else the message matches; the country is read from the message, never stored."""

import logging

import pytest

from bot.content.curriculum import NodeId
from bot.handlers.callback_data import ReportChoice
from bot.i18n.messages import DANGER_FIRST, SEARCH_FOUND
from bot.i18n.reminders import BAD_DATE
from bot.i18n.tools import AGENCY_NOT_FOUND, REPORT_AGENCY, REPORT_DETAILS, REPORT_WAITING
from bot.understanding.search import screen_title
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import expected_text, said, started
from tests.support.real_content import real_curriculum
from tests.support.running import RunningBot

CURRICULUM = real_curriculum()
"""A test list of licensed agencies: with none loaded, /agency asks for no name and has no step."""

NO_COUNTRY = {
    "tg": "паспортамро гирифтанд",
    "ru": "у меня забрали паспорт",
    "uz": "pasportimni olib qoʻyishdi",
    "en": "they took my passport",
}
FLAGS = ("🇷🇺", "🇰🇿", "🇺🇿", "🇹🇯")
IN_RUSSIA = {
    "tg": "дар Русия маош намедиҳанд",
    "ru": "в России не платят зарплату",
    "uz": "Rossiyada ish haqi bermayapti",
    "en": "in Russia my boss beats me",
}


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
async def test_a_danger_message_gets_emergency_numbers_a_country_choice_and_what_to_do_first(
    telegram: FakeTelegram, bot: RunningBot, language: str
) -> None:
    user = await started(telegram, language)
    await user.send(NO_COUNTRY[language])
    alarm = await user.reply()
    assert alarm.text == f"{said(DANGER_FIRST, language)}\n\n{expected_text('hotlines', 'start', language)}"
    labels = alarm.labels()
    countries = [label for label in labels if label[:2] in FLAGS]
    assert labels[: len(countries)] == countries and len(countries) >= 2, "one tap per country, first"
    taken = screen_title(CURRICULUM, NodeId("abroad", "documents_taken"), language)
    assert labels[len(countries)] == taken, "then what to do"

    tajikistan = next(label for label in countries if label.startswith("🇹🇯"))
    await user.press(alarm, tajikistan)
    assert (await user.reply()).text == expected_text("hotlines", "tajikistan", language)
    await user.send(NO_COUNTRY[language])
    await user.press(await user.reply(), taken)
    what_to_do = await user.reply()
    assert what_to_do.text == expected_text("abroad", "documents_taken", language)
    await user.press(what_to_do, "🚩")  # the check, one tap further
    assert (await user.reply()).text == expected_text("red_flags", "intro", language)


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
async def test_a_danger_message_naming_russia_shows_the_hotlines_in_russia(
    telegram: FakeTelegram, bot: RunningBot, language: str
) -> None:
    user = await started(telegram, language)
    await user.send(IN_RUSSIA[language])
    alarm = await user.reply()
    assert alarm.text == f"{said(DANGER_FIRST, language)}\n\n{expected_text('hotlines', 'russia', language)}"
    red_flags = CURRICULUM.title("red_flags", language)
    # unpaid wages have their screen (which leads to the check); a beating at work, the check itself
    first = red_flags if language == "en" else screen_title(CURRICULUM, NodeId("abroad", "unpaid"), language)
    assert alarm.labels()[0] == first, "what to do first; no country"
    assert not any(label[:2] in FLAGS for label in alarm.labels())


async def test_danger_typed_in_another_language_than_the_interface_still_raises_the_alarm(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = await started(telegram, "uz")
    await user.send("меня не выпускают с работы")
    alarm = await user.reply()
    assert alarm.text.startswith(said(DANGER_FIRST, "uz")), "answered in the interface language"


async def test_an_ordinary_question_gets_no_alarm_but_the_screen_it_asks_for(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = await started(telegram, "en")
    await user.send("how do i pay for the patnet")
    found = await user.reply()
    assert found.text == said(SEARCH_FOUND, "en")
    await user.press(found, found.labels()[0])
    assert (await user.reply()).text == expected_text("abroad", "patent", "en")


async def test_what_a_person_in_danger_types_is_not_logged(
    telegram: FakeTelegram, bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    user = await started(telegram, "ru")
    await user.send("бригадир Рустам забрал паспорт, я в Казани")
    await user.reply()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for fragment in ("Рустам", "бригадир", "Казани", "забрал"):
        assert fragment not in logged


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
async def test_danger_typed_into_a_report_gets_the_hotlines_first_and_the_report_still_goes(
    telegram: FakeTelegram, bot: RunningBot, language: str
) -> None:
    """While the report waited for typed words they were not read for danger: someone who typed
    "they took my passport" as the details got a thank-you and no hotline."""
    user = await started(telegram, language)
    await user.send("/report")
    await user.press_data(await user.reply(), ReportChoice(step="p", value="passport").pack())
    await user.press_data(await user.reply(), ReportChoice(step="c", value="RU").pack())
    assert (await user.reply()).text == said(REPORT_AGENCY, language)
    await user.send("ООО Ромашка")
    assert (await user.reply()).text.startswith(said(REPORT_DETAILS, language)[:40]), "an agency's name is no alarm"
    await user.send(NO_COUNTRY[language])
    alarm = await user.reply()
    assert alarm.text == f"{said(DANGER_FIRST, language)}\n\n{expected_text('hotlines', 'start', language)}"
    assert screen_title(CURRICULUM, NodeId("abroad", "documents_taken"), language) in alarm.labels()
    assert (await user.reply()).text == said(REPORT_WAITING, language), "and the report is sent as typed"


async def test_danger_typed_as_the_agency_to_check_or_a_date_gets_the_hotlines_first(
    telegram: FakeTelegram, bot_with_registry: RunningBot
) -> None:
    user = await started(telegram, "ru")
    await user.send("/agency")
    await user.reply()
    await user.send(IN_RUSSIA["ru"])
    alarm = await user.reply()
    assert alarm.text == f"{said(DANGER_FIRST, 'ru')}\n\n{expected_text('hotlines', 'russia', 'ru')}"
    checked = (await user.reply()).text
    assert checked.startswith(said(AGENCY_NOT_FOUND, "ru").split("{typed}")[0]), "then the check answers as always"

    await user.send("/reminders")
    await user.press(await user.reply(), "Дата моего отъезда")
    await user.reply()
    await user.send(NO_COUNTRY["ru"])
    assert (await user.reply()).text.startswith(said(DANGER_FIRST, "ru"))
    assert (await user.reply()).text == said(BAD_DATE, "ru"), "and the calendar waits for the date"
