"""How reminders look: the menu, the calendar, scheduled items, and a delivered reminder.

A delivered reminder is discreet unless the person chose plain texts: its first lines, which a
locked phone shows in the notification, say only that a reminder for a date has come; its detail
(a deadline, a passport, a hotline) appears when they tap "Show". Whoever holds the phone learns
nothing from the notification.
"""

import hashlib
import html
import re
from base64 import urlsafe_b64encode
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from pydantic import ValidationError

from bot.common.navigation import NavAction
from bot.content.curriculum import REF_LENGTH, node_ref
from bot.content.reminder_plans import ArrivalItem, DepartureItem, RegularItem
from bot.content.rendering import day_text, pick
from bot.handlers.callback_data import (
    CancelReminder,
    ReminderButton,
    ReminderLater,
    ReminderPaid,
    ReminderStyle,
    RemindMenu,
    RevealContract,
    RevealExpiry,
    RevealPayment,
    RevealStep,
)
from bot.handlers.screens import add_nav_row
from bot.i18n import reminders as text
from bot.services.content_holder import LoadedContent
from bot.services.reminder_kinds import PAYMENT, PLAN_STEPS, ReminderKind
from bot.services.reminder_schedule import HOME_ZONE
from bot.services.sender import Outgoing
from bot.storage.stores.reminders import DueReminder, Reminder

_TAG = re.compile(r"<[^>]+>")


def local_time(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y %H:%M")


def plan_step(reminder: Reminder, content: LoadedContent) -> DepartureItem | ArrivalItem | RegularItem | None:
    """The content step a departure, arrival or regular reminder stands for; None if it was removed."""
    plans = content.plans
    steps: list[DepartureItem] | list[ArrivalItem] | list[RegularItem] = plans.departure
    if reminder.kind in (ReminderKind.ARRIVAL, ReminderKind.REGULAR):
        destination = plans.destinations.get(str(reminder.payload.get("destination")))
        if destination is None:
            return None
        steps = destination.arrival if reminder.kind == ReminderKind.ARRIVAL else destination.regular
    return next((step for step in steps if step.id == reminder.item), None)


def arrival_step_title(content: LoadedContent, destination: str, item: str, language: str) -> str:
    """A short name for a destination's arrival step (the first line of its text)."""
    place = content.plans.destinations.get(destination)
    step = next((step for step in place.arrival if step.id == item), None) if place else None
    return _TAG.sub("", pick(step.text, language).splitlines()[0]) if step else item


def title_of(reminder: Reminder, content: LoadedContent, language: str) -> str:
    """A short name for a scheduled reminder: the first line of its text."""
    body: str | None = None
    if reminder.kind in PLAN_STEPS:
        step = plan_step(reminder, content)
        body = pick(step.text, language) if step else None
    elif reminder.kind in PAYMENT:
        return _(text.MONTHLY_ITEM).format(day=reminder.payload.get("day", reminder.item))
    elif reminder.kind == ReminderKind.EXPIRY:
        return _(text.EXPIRES_ON).format(date=reminder.payload.get("date", ""))
    elif reminder.kind == ReminderKind.CONTRACT:
        return _(text.CONTRACT_ITEM).format(deadline=reminder.payload.get("deadline", ""))
    return _TAG.sub("", body.splitlines()[0]) if body else reminder.item


def menu(
    reminders: list[Reminder], content: LoadedContent, language: str, zone: str | None, plain: bool = False
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [_(text.MENU), ""]
    if reminders:
        lines.append(_(text.SCHEDULED))
        for number, reminder in enumerate(reminders[:10], start=1):
            when = local_time(reminder.due_at, zone or HOME_ZONE)
            lines.append(f"{number}. {when} — {html.escape(title_of(reminder, content, language))}")
    else:
        lines.append(_(text.NOTHING_SCHEDULED))
    if zone:
        lines += ["", _(text.TIME_ZONE).format(zone=zone)]
    lines += ["", _(text.PLAIN_ON if plain else text.DISCREET_ON)]
    builder = InlineKeyboardBuilder()
    actions = (
        ("dep", text.DEPARTURE), ("arr", text.ARRIVED), ("mon", text.MONTHLY), ("con", text.CONTRACT),
        ("exp", text.EXPIRY),
    )  # fmt: skip
    for action, label in actions:
        builder.button(text=_(label), callback_data=RemindMenu(action=action))
    for number, reminder in enumerate(reminders[:10], start=1):
        builder.button(text=_(text.CANCEL).format(number=number), callback_data=CancelReminder(reminder_id=reminder.id))
    if zone:
        builder.button(text=_(text.CHANGE_ZONE), callback_data=RemindMenu(action="tz"))
    builder.adjust(1, 1, 1, 1, 1, *([3] * 4), 1)
    style = text.USE_DISCREET if plain else text.USE_PLAIN
    builder.row(InlineKeyboardButton(text=_(style), callback_data=ReminderStyle(plain=not plain).pack()))
    add_nav_row(builder, [NavAction.HOME, NavAction.HELP])
    return "\n".join(lines), builder.as_markup()


def choices(options: Sequence[tuple[str, CallbackData]], columns: int = 2) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for label, data in options:
        builder.button(text=label, callback_data=data)
    builder.adjust(columns)
    add_nav_row(builder, [NavAction.HOME, NavAction.HELP])
    return builder.as_markup()


def step_ref(kind: str, destination: str, item: str) -> str:
    """A short, stable name for a plan step in a "Show" button, whatever length its ids have."""
    digest = hashlib.blake2b(f"{kind}/{destination}/{item}".encode(), digest_size=6).digest()
    return urlsafe_b64encode(digest).decode()[:REF_LENGTH]


Reveal = RevealStep | RevealPayment | RevealExpiry | RevealContract
"""The data of a "Show" button under a discreet reminder: enough to find its text again."""


@dataclass(frozen=True)
class ReminderText:
    """What a due reminder says in full, and what goes with it."""

    body: str
    lesson: str | None
    reveal: Reveal | None
    """The "Show" button that brings `body` back; None when it cannot (then the text goes in full)."""
    payment: bool = False
    """A payment reminder: 'Paid' and 'remind me tomorrow' go under it."""


def reminder_text(reminder: Reminder, content: LoadedContent, language: str) -> ReminderText | None:
    """The full text of a due reminder in `language`; None when its plan step is gone."""
    plans = content.plans
    if reminder.kind in PLAN_STEPS:
        step = plan_step(reminder, content)
        if step is None:
            return None
        place = str(reminder.payload.get("destination")) if reminder.kind != ReminderKind.DEPARTURE else ""
        ref = step_ref(reminder.kind, place, step.id)
        return ReminderText(pick(step.text, language), step.lesson, RevealStep(ref=ref))
    if reminder.kind in PAYMENT:
        return ReminderText(pick(plans.monthly_payment, language), plans.monthly_lesson, RevealPayment(), True)
    if reminder.kind == ReminderKind.EXPIRY:
        expiry = str(reminder.payload.get("date"))
        try:
            shown: Reveal | None = RevealExpiry(expiry=expiry)
        except ValidationError:  # not a date as Safar writes them (a row from elsewhere): no button can carry it
            shown = None
        return ReminderText(_expiry_text(content, language, expiry), plans.document_expiry_lesson, shown)
    if reminder.kind == ReminderKind.CONTRACT:
        deadline = str(reminder.payload.get("deadline"))
        try:
            contract: Reveal | None = RevealContract(deadline=deadline)
        except ValidationError:
            contract = None
        return ReminderText(_contract_text(content, language, deadline), plans.contract_copy_lesson, contract)
    return None


def _contract_text(content: LoadedContent, language: str, deadline: str) -> str:
    return pick(content.plans.contract_copy, language).replace("{date}", html.escape(deadline))


def _expiry_text(content: LoadedContent, language: str, expiry: str) -> str:
    return pick(content.plans.document_expiry, language).replace("{date}", html.escape(expiry))


def revealed_text(data: Reveal, content: LoadedContent, language: str) -> str | None:
    """The detail a "Show" button stands for, from the content as it is now; None when its step is gone."""
    plans = content.plans
    match data:
        case RevealPayment():
            return pick(plans.monthly_payment, language)
        case RevealExpiry():
            return _expiry_text(content, language, data.expiry)
        case RevealContract():
            return _contract_text(content, language, data.deadline)
        case RevealStep():
            steps: list[tuple[str, str, DepartureItem | ArrivalItem | RegularItem]] = [
                (ReminderKind.DEPARTURE, "", step) for step in plans.departure
            ]
            for code, place in plans.destinations.items():
                steps += [(ReminderKind.ARRIVAL, code, step) for step in place.arrival]
                steps += [(ReminderKind.REGULAR, code, step) for step in place.regular]
            found = (step for kind, place, step in steps if step_ref(kind, place, step.id) == data.ref)
            step = next(found, None)
            return pick(step.text, language) if step else None


def discreet_text(entry: DueReminder, i18n: I18n) -> str:
    """The first lines a locked phone shows: a reminder has come for a date, nothing more."""
    language = entry.chat.language
    day = day_text(entry.reminder.due_at.astimezone(ZoneInfo(entry.chat.time_zone)).date())
    title = i18n.gettext(text.DISCREET_TITLE, locale=language).format(date=day)
    return f"{title}\n{i18n.gettext(text.DISCREET_HINT, locale=language)}"


def delivered_message(entry: DueReminder, content: LoadedContent, i18n: I18n, plain: bool = False) -> Outgoing | None:
    """The message of a due reminder in the user's language, with its buttons: discreet, with a
    "Show" button, unless the user chose plain texts."""
    reminder, language = entry.reminder, entry.chat.language
    full = reminder_text(reminder, content, language)
    if full is None:
        return None
    discreet = not plain and full.reveal is not None
    builder = InlineKeyboardBuilder()
    if discreet and full.reveal is not None:
        builder.button(text=i18n.gettext(text.SHOW, locale=language), callback_data=full.reveal)
    if full.payment:
        builder.button(text=i18n.gettext(text.PAID, locale=language), callback_data=ReminderPaid())
        builder.button(text=i18n.gettext(text.TOMORROW, locale=language), callback_data=_later_button(reminder))
    if full.lesson and full.lesson in content.curriculum.lessons:
        ref = node_ref(content.curriculum.start_of(full.lesson))
        builder.button(text=i18n.gettext(text.OPEN_LESSON, locale=language), callback_data=ReminderButton(ref=ref))
    builder.adjust(1)
    body = discreet_text(entry, i18n) if discreet else full.body
    return Outgoing(entry.chat.chat_id, body, builder.as_markup())


def _later_button(reminder: Reminder) -> ReminderLater:
    """'Remind me tomorrow', keeping the payment's day of the month (older snoozes stored it as text)."""
    try:
        return ReminderLater(day=reminder.payload.get("day") or None)
    except ValidationError:  # no day of the month: tomorrow's reminder is a plain monthly one
        return ReminderLater()
