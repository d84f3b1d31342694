"""What migrants ask about medical insurance in Russia, answered with sourced facts on the screens
they reach: the DMS policy among the patent's documents, what care is free without a policy, when
an OMS policy becomes possible; and a consular contact for Uzbek citizens in Kazakhstan, whose
help screen listed no office of their own country.

Each test taps through the bot as a user does and reads what Telegram is sent.
"""

import pytest

from bot.common.languages import LANGUAGES
from bot.i18n import load_i18n
from bot.i18n.passport import COUNTRY_NAMES, QUESTION
from tests.support.fake_telegram import FakeTelegram, FakeUser, Sent
from tests.support.journeys import LANGUAGE_LABELS, start_in
from tests.support.running import RunningBot

I18N = load_i18n()
UZBEK_MISSION_SITE = "https://almaty.mfa.uz"


async def tap(user: FakeUser, message: Sent, label: str) -> Sent:
    await user.press(message, label)
    return await user.reply()


async def russia(user: FakeUser, language: str) -> Sent:
    """Main menu → I am abroad now → Arriving in Russia or Kazakhstan → Russia."""
    menu = await start_in(user, LANGUAGE_LABELS[language])
    return await tap(user, await tap(user, await tap(user, menu, "🌍"), "🛂"), "🇷🇺")


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_patent_screen_lists_the_dms_policy_with_its_law(
    language: str, telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code=language)
    patent = await tap(user, await russia(user, language), "💳")
    dms = {
        "tg": "суғуртаи ихтиёрии тиббӣ (ДМС)",
        "ru": "добровольного медицинского страхования (ДМС)",
        "uz": "ixtiyoriy tibbiy sugʻurta (DMS)",
        "en": "voluntary medical insurance (DMS) policy",
    }
    region = {
        "tg": "дар минтақае, ки кор мекунед",
        "ru": "в регионе, где вы работаете",
        "uz": "siz ishlaydigan mintaqada",
        "en": "covers the region where you work",
    }
    assert dms[language] in patent.text and region[language] in patent.text
    assert patent.text.count("13.3") == 2, "the DMS policy and the contract copy each name Article 13.3"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_doctor_screen_says_what_is_free_without_a_policy_and_when_oms_is_possible(
    language: str, telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code=language)
    documents = await tap(user, await russia(user, language), "📄")
    doctor = await tap(user, documents, "🩺")
    free = {
        "tg": "<b>ёрии тиббии таъҷилӣ</b> ройгон",
        "ru": "бесплатно оказывают <b>экстренную медицинскую помощь</b>",
        "uz": "<b>shoshilinch tibbiy yordam</b> bepul",
        "en": "<b>emergency medical care</b> free of charge",
    }
    five_years = {"tg": "<b>5 соли</b>", "ru": "<b>5 лет</b>", "uz": "<b>5 yillik</b>", "en": "<b>5 years</b>"}
    assert free[language] in doctor.text and "631" in doctor.text and "2025" in doctor.text
    assert five_years[language] in doctor.text and "<b>112</b>" in doctor.text
    no_information_on_free_care = {
        "tg": "кадом ёрии тиббӣ ройгон аст",
        "ru": "какая помощь без полиса бесплатна",
        "uz": "qaysi tibbiy yordam bepul",
        "en": "which care is free without an insurance policy",
    }
    assert no_information_on_free_care[language] not in doctor.text


async def kazakhstan_hotlines(user: FakeUser, passport: str) -> Sent:
    await start_in(user, LANGUAGE_LABELS["ru"])
    await user.send("/country")
    question = await user.reply()
    assert question.text == I18N.gettext(QUESTION, locale="ru")
    await tap(user, question, I18N.gettext(COUNTRY_NAMES[passport], locale="ru"))
    await user.send("/sos")
    return await tap(user, await user.reply(), "🇰🇿")


async def test_an_uzbek_citizen_in_kazakhstan_is_given_the_uzbek_missions_site(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    uzbek = await kazakhstan_hotlines(telegram.user(user_id=7810, language_code="ru"), "UZ")
    assert UZBEK_MISSION_SITE in uzbek.text and "Актау" in uzbek.text
    assert "+7 727 269 70 59" not in uzbek.text, "the Tajik consulate is for Tajik citizens"

    tajik = await kazakhstan_hotlines(telegram.user(user_id=7811, language_code="ru"), "TJ")
    assert UZBEK_MISSION_SITE not in tajik.text, "an Uzbek office is for Uzbek citizens"
    assert "+7 727 269 70 59" in tajik.text
