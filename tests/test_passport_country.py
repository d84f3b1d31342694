"""The country of the reader's passport: asked where their embassy first matters, in every language;
each answer changes which embassy and home contacts they see; kept like the language, erased by
/forget, listed in /privacy (on SQLite and PostgreSQL)."""

import pytest

from bot.config import Settings
from bot.i18n.passport import CHANGE, COUNTRY_NAMES, QUESTION
from tests.support.fake_telegram import FakeTelegram, FakeUser, Sent, parse_html
from tests.support.journeys import LANGUAGE_LABELS, said, start_in
from tests.support.reminding import arrived_today
from tests.support.running import RunningBot
from tests.support.stored import stored

pytestmark = pytest.mark.both_backends

TAJIK_MINISTRY_PHONE = "+7 966 031-22-22"
"""molmep_ru_central_1: for citizens of Tajikistan."""
UZBEK_AGENCY_PHONE = "+7 925 045 4744"
"""uz_migration_agency_ru: for citizens of Uzbekistan."""


async def countries_stored(settings: Settings) -> list[str | None]:
    return [row[0] for row in await stored(settings, "SELECT passport_country FROM user_settings")]


async def ask(user: FakeUser) -> Sent:
    await user.send("/country")
    return await user.reply()


async def choose(user: FakeUser, question: Sent, country: str, language: str) -> Sent:
    await user.press(question, said(COUNTRY_NAMES[country], language))
    return await user.reply()


@pytest.mark.parametrize("language", list(LANGUAGE_LABELS))
async def test_the_question_in_every_language_and_each_answer_shows_that_countrys_contacts(
    telegram: FakeTelegram, bot: RunningBot, settings: Settings, language: str
) -> None:
    user = telegram.user(user_id=7100, language_code=language)
    await start_in(user, LANGUAGE_LABELS[language])
    question = await ask(user)
    assert question.text == said(QUESTION, language)
    if language != "en":
        assert said(QUESTION, language) != QUESTION, "the question is translated"
    assert all(said(label, language) in question.labels() for label in COUNTRY_NAMES.values())

    tajik = await choose(user, question, "TJ", language)
    assert TAJIK_MINISTRY_PHONE in tajik.text and UZBEK_AGENCY_PHONE not in tajik.text
    assert await countries_stored(settings) == ["TJ"]

    await user.press(tajik, said(CHANGE, language))
    again = await user.reply()
    assert again.text == said(QUESTION, language)
    uzbek = await choose(user, again, "UZ", language)
    assert UZBEK_AGENCY_PHONE in uzbek.text and TAJIK_MINISTRY_PHONE not in uzbek.text
    assert await countries_stored(settings) == ["UZ"]
    assert len(parse_html(uzbek.text)[0]) < 4096


async def test_a_kyrgyz_citizen_reads_the_eaeu_rules_and_no_tajik_or_uzbek_number(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(user_id=7200, language_code="ru")
    await start_in(user, "Русский")
    kyrgyz = await choose(user, await ask(user), "KG", "ru")
    assert "без патента" in kyrgyz.text and "ЕАЭС" in kyrgyz.text and "30 дней" in kyrgyz.text
    assert "не нашли" in kyrgyz.text, "an honest line where no sourced number was found"
    assert TAJIK_MINISTRY_PHONE not in kyrgyz.text and UZBEK_AGENCY_PHONE not in kyrgyz.text

    other = telegram.user(user_id=7201, language_code="en")
    await start_in(other, "English")
    elsewhere = await choose(other, await ask(other), "other", "en")
    assert "Ministry of Foreign Affairs" in elsewhere.text and "/sos" in elsewhere.text
    assert TAJIK_MINISTRY_PHONE not in elsewhere.text and UZBEK_AGENCY_PHONE not in elsewhere.text


async def test_the_hotlines_passport_screen_is_neutral_and_asks_once(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(user_id=7300, language_code="uz")
    await start_in(user, "Oʻzbekcha")
    await user.send("/sos")
    hotlines = await user.reply()
    await user.press(hotlines, "Pasport yoʻqoldi")
    passport = await user.reply()
    assert "oʻz mamlakatingiz elchixonasi" in passport.text, "before the answer: the reader's own country's embassy"
    await user.press(passport, "Mamlakatim elchixonasi")
    question = await user.reply()
    assert "Pasportingiz qaysi davlatniki?" in question.text
    uzbek = await choose(user, question, "UZ", "uz")
    assert UZBEK_AGENCY_PHONE in uzbek.text

    await user.send("/sos")
    hotlines = await user.reply()
    await user.press(hotlines, "Pasport yoʻqoldi")
    await user.press(await user.reply(), "Mamlakatim elchixonasi")
    answered = await user.reply()
    assert UZBEK_AGENCY_PHONE in answered.text and "qaysi davlatniki" not in answered.text, "asked only once"


async def test_forget_erases_the_country_and_privacy_lists_it(
    telegram: FakeTelegram, bot: RunningBot, settings: Settings
) -> None:
    user = telegram.user(user_id=7400, language_code="tg")
    await start_in(user, "Тоҷикӣ")
    await user.send("/privacy")
    assert "кишвари шиносномаи шумо" in (await user.reply()).text
    await choose(user, await ask(user), "TJ", "tg")
    assert await countries_stored(settings) == ["TJ"]

    await user.send("/forget")
    await user.press(await user.reply(), "Ҳа, нест кунед")
    await user.reply()
    assert await countries_stored(settings) == []
    await start_in(user, "Тоҷикӣ")
    assert (await ask(user)).text == said(QUESTION, "tg"), "asked again after /forget"


async def test_a_forged_country_button_gets_a_clear_answer_and_stores_nothing(
    telegram: FakeTelegram, bot: RunningBot, settings: Settings
) -> None:
    user = telegram.user(user_id=7500, language_code="en")
    await start_in(user, "English")
    question = await ask(user)
    answer = await user.press_data(question, "pc:RU")
    assert answer.get("text") == "This menu has changed. Here is the current one."
    assert await countries_stored(settings) == [None]


async def test_a_kyrgyz_citizen_gets_no_patent_reminder_and_a_tajik_one_does(
    telegram: FakeTelegram, bot: RunningBot, settings: Settings
) -> None:
    kyrgyz = telegram.user(user_id=7600, language_code="ru")
    await start_in(kyrgyz, "Русский")
    await choose(kyrgyz, await ask(kyrgyz), "KG", "ru")
    await kyrgyz.send("/reminders")
    await kyrgyz.press(await kyrgyz.reply(), "Я приехал(а)")
    await kyrgyz.press(await kyrgyz.reply(), "Москва или Московская область")
    await arrived_today(kyrgyz)
    planned = (await kyrgyz.reply()).text
    assert planned.startswith("Готово. Я напомню вам:") and "Документы на патент" not in planned
    assert "Учёт через «Амину»" not in planned, "the 15 days are Tajik citizens' term, not an EAEU citizen's"
    await kyrgyz.send("/reminders")
    await kyrgyz.press(await kyrgyz.reply(), "Ежемесячный платёж")
    refused = (await kyrgyz.reply()).text
    assert refused.startswith("Граждане Кыргызстана работают в России без патента")

    tajik = telegram.user(user_id=7601, language_code="ru")
    await start_in(tajik, "Русский")
    await choose(tajik, await ask(tajik), "TJ", "ru")
    await tajik.send("/reminders")
    await tajik.press(await tajik.reply(), "Я приехал(а)")
    await tajik.press(await tajik.reply(), "Москва или Московская область")
    await arrived_today(tajik)
    assert "Документы на патент" in (await tajik.reply()).text

    kinds = [row[0] for row in await stored(settings, "SELECT item FROM reminders ORDER BY item")]
    assert kinds.count("patent_application") == 1, "only the Tajik citizen's"
