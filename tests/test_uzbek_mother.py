"""An Uzbek mother whose son in Russia stopped answering: the "relative not answering" screen and
the Russian hotlines give her Uzbekistan's own channels, first, whether or not she has said her
passport's country; a Tajik reader keeps Tajikistan's first, and nobody loses a contact."""

import pytest

from bot.content.curriculum import Curriculum
from bot.content.rendering import pick
from tests.support.fake_telegram import FakeTelegram, FakeUser, Sent
from tests.support.journeys import LANGUAGE_LABELS, said, start_in
from tests.support.real_content import real_curriculum
from tests.support.running import RunningBot
from tests.test_contacts_by_country import (
    FOR_TAJIKS,
    FOR_UZBEKS,
    MY_COUNTRY,
    NONE_FOR_UZBEKS,
    TAJIK_CONSULATE,
    TAJIK_OFFICE_PHONES,
    UZBEK_AGENCY_PHONE,
    UZBEK_EMBASSY_SITE,
    choose_country,
    russian_hotlines,
)

NOT_ANSWERING = "📵"
RU_EMERGENCY = "☎️ 112"


async def not_answering_screen(user: FakeUser) -> Sent:
    await user.send("/start families")
    families = await user.reply()
    await user.press(families, NOT_ANSWERING)
    return await user.reply()


@pytest.mark.parametrize("language", ["uz", "ru"])
async def test_a_mother_who_has_not_said_her_country_sees_both_countries_named_and_is_asked(
    telegram: FakeTelegram, bot: RunningBot, language: str
) -> None:
    user = telegram.user(user_id=8801, language_code=language)
    await start_in(user, LANGUAGE_LABELS[language])
    screen = await not_answering_screen(user)
    assert UZBEK_EMBASSY_SITE in screen.text and TAJIK_CONSULATE[language] in screen.text
    assert said(FOR_UZBEKS, language) in screen.text and said(FOR_TAJIKS, language) in screen.text
    assert [label for label in screen.labels() if said(MY_COUNTRY, language) in label], "the question that narrows it"
    uzbek_first = screen.text.index(UZBEK_EMBASSY_SITE) < screen.text.index(TAJIK_CONSULATE[language])
    assert uzbek_first == (language == "uz"), (
        "an Uzbek interface puts Uzbekistan's embassy first; others keep the file order"
    )


async def test_with_uzbekistan_said_the_screen_names_her_embassy_and_no_tajik_consulate(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(user_id=8802, language_code="uz")
    await start_in(user, LANGUAGE_LABELS["uz"])
    await choose_country(user, "UZ", "uz")
    screen = await not_answering_screen(user)
    assert UZBEK_EMBASSY_SITE in screen.text
    assert TAJIK_CONSULATE["uz"] not in screen.text
    assert said(NONE_FOR_UZBEKS, "uz") not in screen.text, "no longer 'not found' for Uzbek citizens"

    country = (await choose_country(user, "UZ", "uz")).text
    assert UZBEK_EMBASSY_SITE in country and UZBEK_AGENCY_PHONE in country


@pytest.mark.parametrize(("language", "own_first"), [("uz", UZBEK_AGENCY_PHONE), ("tg", TAJIK_OFFICE_PHONES[0])])
async def test_the_russian_hotlines_put_the_interface_languages_country_first(
    telegram: FakeTelegram, bot: RunningBot, language: str, own_first: str
) -> None:
    user = telegram.user(user_id=8803, language_code=language)
    await start_in(user, LANGUAGE_LABELS[language])
    text = (await russian_hotlines(user)).text
    tajik = min(text.index(phone) for phone in TAJIK_OFFICE_PHONES)
    uzbek = text.index(UZBEK_AGENCY_PHONE)
    assert text.index(RU_EMERGENCY) < min(tajik, uzbek), "the number for everyone stays first"
    assert text.index(own_first) == min(tajik, uzbek)


async def test_a_russian_interface_keeps_the_order_of_the_contacts_file(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(user_id=8804, language_code="ru")
    await start_in(user, LANGUAGE_LABELS["ru"])
    text = (await russian_hotlines(user)).text
    assert text.index(TAJIK_OFFICE_PHONES[0]) < text.index(UZBEK_AGENCY_PHONE)


@pytest.fixture(scope="module")
def curriculum() -> Curriculum:
    return real_curriculum()


def test_no_two_contacts_share_a_title(curriculum: Curriculum) -> None:
    """Two cards with one title (two numbers of "the representative, central region") read as a
    mistake: each contact's name is its own in every language."""
    for language in LANGUAGE_LABELS:
        names = [pick(contact.name, language) for contact in curriculum.contacts.values()]
        assert sorted({name for name in names if names.count(name) > 1}) == [], language
