"""A reminder lights up a locked phone: whoever holds it (an employer, a recruiter, the police)
reads the notification. By default it says only that a reminder for a date has come; the person
taps "Show" to read it, or chooses plain texts in /reminders."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.common.languages import LANGUAGES
from bot.config import Settings
from bot.content.curriculum import REF_LENGTH
from bot.content.models import Localized
from bot.content.reminder_plans import ReminderPlans
from bot.handlers.callback_data import RevealExpiry, RevealStep
from bot.handlers.reminder_views import step_ref
from bot.privacy.pseudonyms import Pseudonymizer
from bot.storage.stores.reminders import ReminderStore
from tests.support.clock import ManualClock
from tests.support.fake_telegram import FakeTelegram, FakeUser, Sent, parse_html
from tests.support.journeys import LANGUAGE_LABELS, start_in
from tests.support.reminding import arrived_today
from tests.support.running import RunningBot
from tests.support.stored import stored

START = datetime(2027, 2, 22, 12, 0, tzinfo=UTC)
PREVIEW = 100
"""About what a phone shows of a message in a notification on the locked screen."""
GIVING_AWAY = {
    "en": ("traffick", "hotline", "forced", "police", "report", "passport", "migra", "patent", "document", "agency",
           "contract", "registration", "fingerprint", "medical", "employer", "deport", "border", "labour", "legal"),
    "ru": ("торговл", "горяч", "принуд", "полици", "сообщ", "паспорт", "мигра", "патент", "документ", "агентств",
           "договор", "регистрац", "учёт", "учет", "дактилоскоп", "медосвид", "работодат", "границ", "мвд", "законн"),
    "tg": ("савдо", "боварӣ", "маҷбурӣ", "милиса", "полис", "шиноснома", "муҳоҷир", "патент", "ҳуҷҷат", "агентӣ",
           "шартнома", "бақайдгирӣ", "корфармо", "сарҳад", "вкд", "изи ангушт", "тиббӣ"),
    "uz": ("savdo", "ishonch telefon", "majburiy", "politsiya", "militsiya", "xabar ber", "pasport", "migratsiya",
           "patent", "hujjat", "agentlik", "shartnoma", "roʻyxat", "ish beruvchi", "chegara", "iiv", "barmoq izi",
           "tibbiy"),
}  # fmt: skip
"""Stems that tell a reader the person is a migrant, or in trouble, in any of the four languages."""
EVERY_WORD = [word for words in GIVING_AWAY.values() for word in words]


def giving_away(text: str) -> list[str]:
    """The giving-away words in what a locked phone shows of `text` (its visible start)."""
    preview = parse_html(text)[0][:PREVIEW].lower()
    return [word for word in EVERY_WORD if word in preview]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
async def reminding_bot(settings: Settings, clock: ManualClock) -> AsyncIterator[RunningBot]:
    settings.reminder_check_seconds = 0.1
    settings.bulk_messages_per_second = 30
    running = RunningBot(settings, clock)
    await running.start()
    yield running
    await running.stop()


def every_reminder(plans: ReminderPlans) -> list[tuple[str, str, dict[str, object]]]:
    """(kind, item, payload) of every reminder the content can send: each arrival step and regular
    reminder of each destination, each departure step, the monthly payment, its snooze and a
    document's expiry."""
    found: list[tuple[str, str, dict[str, object]]] = [
        ("arrival", step.id, {"destination": code})
        for code, place in plans.destinations.items()
        for step in place.arrival
    ]
    found += [
        ("regular", step.id, {"destination": code, "every": step.every_days})
        for code, place in plans.destinations.items()
        for step in place.regular
    ]
    found += [("departure", step.id, {"destination": "RU"}) for step in plans.departure]
    found += [("monthly", "15", {"day": 15, "early": 4}), ("snooze", "15", {"day": "15"})]
    found += [("contract", "2027-02-15", {"deadline": "15.04.2027"})]
    return [*found, ("expiry", "2027-06-01", {"date": "01.06.2027"})]


async def deliver_everything(
    bot: RunningBot, telegram: FakeTelegram, clock: ManualClock
) -> dict[tuple[str, int], tuple[str, str]]:
    """Every reminder of the content, in every language, each to a chat of its own, delivered by
    the running bot; returns (language, chat) → (kind, item) of what was sent there."""
    store = ReminderStore(bot.app.database, bot.app.cipher)
    sent_to: dict[tuple[str, int], tuple[str, str]] = {}
    chat = 7000
    for language in LANGUAGES:
        for kind, item, payload in every_reminder(bot.app.content.current.plans):
            chat += 1
            await store.opt_in(f"user{chat}", chat, "Europe/Moscow", language)
            await store.add(f"user{chat}", kind, item, START + timedelta(hours=1), payload)
            sent_to[(language, chat)] = (kind, item)
    clock.set(START + timedelta(hours=2))  # 16:00 in Moscow
    await telegram.delivered_at_least(len(sent_to))
    return sent_to


async def test_every_reminder_in_every_language_arrives_with_nothing_giving_the_person_away(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock
) -> None:
    sent_to = await deliver_everything(reminding_bot, telegram, clock)
    delivered = {to: text for _, to, text in telegram.delivered}
    # 9 arrival steps (RU, RU_MSK, KZ), Moscow's regular Amina check, 3 departure steps, the monthly
    # payment, its snooze, the contract copy, an expiry
    assert len(delivered) == len(sent_to) == len(LANGUAGES) * 17
    for (language, chat), what in sent_to.items():
        assert giving_away(delivered[chat]) == [], (language, what, delivered[chat])
        assert "22.02.2027" in delivered[chat], "the day it is for"
    # The words are the ones the texts behind "Show" use: the list is worth checking against.
    plans = reminding_bot.app.content.current.plans
    texts: list[Localized] = [step.text for place in plans.destinations.values() for step in place.arrival]
    texts += [step.text for place in plans.destinations.values() for step in place.regular]
    texts += [step.text for step in plans.departure] + [plans.monthly_payment, plans.document_expiry]
    texts.append(plans.contract_copy)
    caught = [bool(giving_away(text[language])) for text in texts for language in LANGUAGES]
    assert caught.count(True) >= 0.9 * len(caught), "most full texts would give the person away"


async def show(user: FakeUser, message: Sent, label: str) -> Sent:
    await user.press(message, label)
    return await user.reply()


async def test_show_brings_the_detail_in_place_with_its_facts_unchanged(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock
) -> None:
    user = telegram.user(language_code="uz")
    await start_in(user, LANGUAGE_LABELS["uz"])
    await user.send("/reminders")
    await user.press(await user.reply(), "Men yetib keldim")
    await user.press(await user.reply(), "Rossiya")
    await arrived_today(user)
    await user.reply()
    clock.set(datetime(2027, 3, 6, 7, 0, tzinfo=UTC))  # 10:00 in Moscow, 15 − 3 days after arrival
    reminder = await user.reply(within=5)
    assert reminder.text == "⏰ <b>06.03.2027 uchun eslatma</b>\nOʻqish uchun «Koʻrsatish» tugmasini bosing."
    for button in (b for row in reminder.buttons for b in row):
        assert len(str(button["callback_data"]).encode()) <= 64
    await reminding_bot.restart()  # the button carries what it needs: a restart loses nothing
    detail = await show(user, reminder, "Koʻrsatish")
    assert detail.method == "editMessageText", "in place: an edit makes no new notification"
    registration = reminding_bot.app.content.current.plans.destinations["RU"].arrival[0]
    assert detail.text == registration.text["uz"], "the sourced text as written, deadline and all"
    assert detail.labels() == ["📖 Darsni ochish"]


async def test_a_show_button_whose_step_left_the_content_says_so(
    telegram: FakeTelegram, reminding_bot: RunningBot
) -> None:
    user = telegram.user(language_code="en")
    menu = await start_in(user, "English")
    gone = RevealStep(ref=step_ref("arrival", "RU", "a_step_removed_since")).pack()
    answer = await user.press_data(menu, gone)
    assert answer["text"] == "This reminder is no longer in Safar's plans."
    assert user.nothing_sent()


def test_show_buttons_stay_within_64_bytes_whatever_the_ids() -> None:
    longest = RevealStep(ref=step_ref("departure", "X" * 16, "y" * 40)).pack()
    assert len(longest.encode()) <= 64 and len(longest) == len("rmd:step:") + REF_LENGTH
    assert len(RevealExpiry(expiry="31.12.2199").pack().encode()) <= 64


async def settings_row(settings: Settings, user_key: str) -> list[tuple[object, ...]]:
    return await stored(settings, "SELECT plain_reminders FROM user_settings WHERE user_key = :key", {"key": user_key})


async def test_plain_texts_are_a_choice_that_survives_a_restart_and_goes_with_forget(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock, settings: Settings
) -> None:
    user = telegram.user(user_id=7777, language_code="en")
    await start_in(user, "English")
    await user.send("/reminders")
    menu = await user.reply()
    assert "a locked phone shows only their date" in menu.text
    answer = await user.press(menu, "Send reminders in full")
    assert answer["text"] == "Reminders will arrive in full."
    menu = await user.reply()
    assert "Reminders arrive in full" in menu.text and "🔒 Hide reminder details" in menu.labels()

    await reminding_bot.restart()
    await user.send("/reminders")
    menu = await user.reply()
    assert "🔒 Hide reminder details" in menu.labels(), "the choice is kept"
    await user.press(menu, "A document expires")
    await user.reply()
    await user.send("01.06.2027")
    await user.press(await user.reply(), "8 week(s) before")
    await user.reply()
    clock.set(datetime(2027, 4, 6, 5, 0, tzinfo=UTC))  # 10:00 in Dushanbe, 8 weeks before
    reminder = await user.reply(within=5)
    assert reminder.text == "<b>Document expiry</b>\nYour document expires on 01.06.2027. Start renewing it now."
    assert reminder.labels() == ["📖 Open the lesson"]

    assert settings.key_dir is not None
    key = Pseudonymizer((settings.key_dir / "pseudonym.key").read_bytes().strip()).user_key(7777)
    assert await settings_row(settings, key) == [(1,)]
    await user.send("/forget")
    await user.press(await user.reply(), "Yes, erase")
    await user.reply()
    assert await settings_row(settings, key) == [], "erased with everything else"
    await start_in(user, "English")
    await user.send("/reminders")
    assert "a locked phone shows only their date" in (await user.reply()).text, "discreet again, the default"


async def test_switching_back_to_discreet_texts(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock
) -> None:
    user = telegram.user(language_code="ru")
    await start_in(user, "Русский")
    await user.send("/reminders")
    await user.press(await user.reply(), "Присылать напоминания полностью")
    menu = await user.reply()
    answer = await user.press(menu, "Скрывать подробности")
    assert answer["text"] == "Напоминания будут приходить без подробностей."
    menu = await user.reply()
    await user.press(menu, "Ежемесячный платёж за патент")
    await user.press(await user.reply(), "28")
    await user.reply()
    clock.set(datetime(2027, 2, 24, 5, 0, tzinfo=UTC))  # 10:00 in Dushanbe, 4 days before 28 February
    reminder = await user.reply(within=5)
    assert giving_away(reminder.text) == [] and reminder.text.startswith("⏰ <b>Напоминание на 24.02.2027</b>")
