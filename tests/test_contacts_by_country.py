"""Contacts follow the reader's passport country on every lesson screen: an Uzbek citizen reads
Uzbek offices and no Tajik-only ones, a reader who has not said sees every country's, each named,
with the button that asks; and a new answer changes the lists at once."""

import pytest

from bot.content.curriculum import Curriculum, NodeId
from bot.content.rendering import READER_COUNTRIES, Citizenship
from bot.i18n.passport import COUNTRY_NAMES, QUESTION
from bot.services.lesson_engine import Conversation, DialogueEngine
from tests.support.fake_telegram import FakeTelegram, FakeUser, Sent
from tests.support.journeys import LANGUAGE_LABELS, said, start_in
from tests.support.real_content import real_curriculum
from tests.support.running import RunningBot

LANGUAGES = list(LANGUAGE_LABELS)
TAJIK_OFFICE_PHONES = ("+7 966 031-22-22", "+7 936 174-19-92", "+7 926 311-52-53", "+7 495 967-98-44")
"""The Tajik Labour Ministry's numbers in Russia (molmep_ru_*): for citizens of Tajikistan."""
UZBEK_AGENCY_PHONE = "+7 925 045 4744"
"""uz_migration_agency_ru: for citizens of Uzbekistan."""
UZBEK_EMBASSY_SITE = "http://uzembassy.ru"
"""uz_embassy_ru: Uzbekistan's embassy in Moscow, for citizens of Uzbekistan."""
MY_COUNTRY = "🪪 My country's embassy and contacts"
FOR_TAJIKS = "🇹🇯 For citizens of Tajikistan"
FOR_UZBEKS = "🇺🇿 For citizens of Uzbekistan"
NONE_FOR_UZBEKS = (
    "ℹ️ For citizens of Uzbekistan we have not found such a contact from an official source. "
    "/country shows the contacts we have for you."
)
NONE_FOR_KYRGYZ = NONE_FOR_UZBEKS.replace("Uzbekistan", "Kyrgyzstan")
PASSPORT_BUTTON = {
    "tg": "🪪 Шиноснома гум",
    "ru": "🪪 Паспорт потерян",
    "uz": "🪪 Pasport yoʻqoldi",
    "en": "🪪 Passport lost",
}
"""The hotlines' button to the lost-passport screen, which lists consulates (all of them Tajik)."""
TAJIK_CONSULATE = {
    "tg": "Консулгарии генералии Тоҷикистон дар Санкт-Петербург",
    "ru": "Генеральное консульство Таджикистана в Санкт-Петербурге",
    "uz": "Tojikistonning Sankt-Peterburgdagi Bosh konsulligi",
    "en": "Consulate General of Tajikistan in St Petersburg",
}


async def choose_country(user: FakeUser, country: str, language: str) -> Sent:
    await user.send("/country")
    question = await user.reply()
    if question.text != said(QUESTION, language):  # answered before: change it
        await user.press(question, "✏️")
        question = await user.reply()
    await user.press(question, said(COUNTRY_NAMES[country], language))
    return await user.reply()


async def russian_hotlines(user: FakeUser) -> Sent:
    await user.send("/start hotlines-ru")
    return await user.reply()


@pytest.mark.parametrize("language", LANGUAGES)
async def test_an_uzbek_citizen_reads_uzbek_offices_and_no_tajik_only_ones(
    telegram: FakeTelegram, bot: RunningBot, language: str
) -> None:
    user = telegram.user(user_id=7710, language_code=language)
    await start_in(user, LANGUAGE_LABELS[language])
    await choose_country(user, "UZ", language)

    hotlines = await russian_hotlines(user)
    assert UZBEK_AGENCY_PHONE in hotlines.text
    assert not [phone for phone in TAJIK_OFFICE_PHONES if phone in hotlines.text]
    assert said(FOR_UZBEKS, language) not in hotlines.text, "their own country goes without saying"
    assert not [label for label in hotlines.labels() if said(MY_COUNTRY, language) in label], "they have answered"

    await user.send("/sos")
    await user.press(await user.reply(), PASSPORT_BUTTON[language])
    passport = await user.reply()
    assert TAJIK_CONSULATE[language] not in passport.text
    assert UZBEK_EMBASSY_SITE in passport.text, "their own embassy instead of another country's consulates"
    assert said(NONE_FOR_UZBEKS, language) not in passport.text


async def test_typed_danger_answers_with_the_readers_own_countrys_offices(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(user_id=7740, language_code="ru")
    await start_in(user, "Русский")
    await choose_country(user, "UZ", "ru")
    await user.send("бригадир забрал паспорт, я в России")
    alarm = await user.reply()
    assert UZBEK_AGENCY_PHONE in alarm.text and "112" in alarm.text
    assert not [phone for phone in TAJIK_OFFICE_PHONES if phone in alarm.text]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_reader_who_has_not_said_sees_every_country_named_and_the_button_that_asks(
    telegram: FakeTelegram, bot: RunningBot, language: str
) -> None:
    user = telegram.user(user_id=7720, language_code=language)
    await start_in(user, LANGUAGE_LABELS[language])
    hotlines = await russian_hotlines(user)
    assert UZBEK_AGENCY_PHONE in hotlines.text and TAJIK_OFFICE_PHONES[0] in hotlines.text
    assert said(FOR_TAJIKS, language) in hotlines.text and said(FOR_UZBEKS, language) in hotlines.text
    if language != "en":
        assert said(FOR_TAJIKS, language) != FOR_TAJIKS, "translated"

    await user.press(hotlines, said(MY_COUNTRY, language))
    assert (await user.reply()).text == said(QUESTION, language)


async def test_a_new_answer_changes_the_lists_at_once(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(user_id=7730, language_code="ru")
    await start_in(user, "Русский")
    before = await russian_hotlines(user)
    assert UZBEK_AGENCY_PHONE in before.text and TAJIK_OFFICE_PHONES[0] in before.text

    await choose_country(user, "TJ", "ru")
    tajik = await russian_hotlines(user)
    assert TAJIK_OFFICE_PHONES[0] in tajik.text and UZBEK_AGENCY_PHONE not in tajik.text

    await choose_country(user, "UZ", "ru")
    uzbek = await russian_hotlines(user)
    assert UZBEK_AGENCY_PHONE in uzbek.text and TAJIK_OFFICE_PHONES[0] not in uzbek.text

    other = telegram.user(user_id=7731, language_code="ru")
    await start_in(other, "Русский")
    unchanged = await russian_hotlines(other)
    assert unchanged.text == before.text, "another reader who has not said still sees every country's"


@pytest.fixture(scope="module")
def curriculum() -> Curriculum:
    return real_curriculum()


def _serves(curriculum: Curriculum, contact_id: str, reader: Citizenship) -> bool:
    citizens = curriculum.contacts[contact_id].citizens
    return reader is None or not citizens or reader in citizens


@pytest.mark.parametrize("reader", READER_COUNTRIES)
def test_every_screen_shows_a_reader_only_contacts_meant_for_them(curriculum: Curriculum, reader: Citizenship) -> None:
    """Every screen of the real content, in every language: the contacts shown, their numbers and
    the "I called" buttons are the reader's country's (or everyone's)."""
    engine = DialogueEngine(curriculum)
    others = [cid for cid in curriculum.contacts if not _serves(curriculum, cid, reader)]
    other_phones = {curriculum.contacts[cid].phone for cid in others} - {None}
    for node_id in curriculum.node_ids():
        shown = curriculum.contacts_on(node_id, reader)
        assert [cid for cid in shown if not _serves(curriculum, cid, reader)] == [], node_id
        assert set(engine.callable_contacts(node_id, reader)) <= set(shown), node_id
        for language in LANGUAGES:
            text = engine.screen(Conversation(position=node_id), language, reader).text
            assert [phone for phone in other_phones if phone and phone in text] == [], (node_id, language)


def test_a_kyrgyz_citizen_is_told_honestly_where_a_tajik_office_would_be(curriculum: Curriculum) -> None:
    documents = NodeId("abroad", "documents_taken")
    for language in LANGUAGES:
        kyrgyz = curriculum.render_node(documents, language, citizen_of="KG").text
        assert said(NONE_FOR_KYRGYZ, language) in kyrgyz
        assert TAJIK_OFFICE_PHONES[0] not in kyrgyz
        tajik = curriculum.render_node(documents, language, citizen_of="TJ").text
        assert TAJIK_OFFICE_PHONES[0] in tajik and said(FOR_TAJIKS, language) not in tajik
    uzbek = curriculum.render_node(documents, "uz", citizen_of="UZ").text
    assert UZBEK_AGENCY_PHONE in uzbek


def test_texts_without_country_contacts_are_cached_once_for_every_reader(curriculum: Curriculum) -> None:
    """The render cache grows by country only for texts that show one country's contacts."""
    menu = curriculum.home
    russia = NodeId("hotlines", "russia")
    for reader in READER_COUNTRIES:
        curriculum.render_node(menu, "en", citizen_of=reader)
        curriculum.render_node(russia, "en", citizen_of=reader)
    cached = [key for key in curriculum._rendered if key[2] == "en" and key[0] in (menu, russia)]
    assert sorted((key[0].node, str(key[3])) for key in cached) == sorted(
        [("menu", "None")] + [("russia", str(reader)) for reader in READER_COUNTRIES]
    )
