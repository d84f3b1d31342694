"""`/reminders` and `/stop`: plan reminders of departure, arrival deadlines, monthly payments, the
contract copy after a patent and document expiry; see and cancel them; and the buttons under a
delivered reminder."""

from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from typing import get_args

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.common.clock import Clock
from bot.content import NodeId
from bot.content.rendering import Citizenship, day_text, pick
from bot.handlers.callback_data import (
    ArrivedIn,
    CancelReminder,
    DatePurpose,
    DepartingTo,
    PickDate,
    ReminderButton,
    ReminderLater,
    ReminderPaid,
    ReminderStyle,
    RemindMenu,
    RevealPayment,
    SetMonthlyDay,
    SetTimeZone,
    WeeksBeforeExpiry,
)
from bot.handlers.conversation import move
from bot.handlers.filters import NodeFromButton, PrivateChat, TypedText
from bot.handlers.reminder_views import Reveal, calendar_markup, choices, local_time, menu, revealed_text, title_of
from bot.handlers.screens import replace_screen, screen_markup
from bot.handlers.stale import answer_stale
from bot.handlers.states import ReminderDates
from bot.handlers.typed_input import TYPED_ANSWER
from bot.i18n import reminders as text
from bot.services.content_holder import ContentHolder
from bot.services.engagement import track
from bot.services.reminder_schedule import (
    HOME_ZONE,
    TIME_ZONES,
    WEEK_CHOICES,
    arrival_dues,
    contract_copy_due,
    departure_dues,
    expiry_due,
    local_today,
    months_after,
    next_monthly,
    parse_date,
    regular_dues,
    tomorrow_delivery,
)
from bot.storage.stores.reminders import MAX_PENDING_PER_ACCOUNT, NewReminder, Recipient, ReminderStore
from bot.storage.stores.user_settings import UserSettingsStore


async def _zone(reminders: ReminderStore, user_key: str) -> str | None:
    chat = await reminders.chat(user_key)
    return chat.time_zone if chat else None


async def _user_zone(reminders: ReminderStore, user_key: str) -> str:
    """The user's time zone for dates they pick; home until they arrive or choose another."""
    return await _zone(reminders, user_key) or HOME_ZONE


async def _menu(
    reminders: ReminderStore, users: UserSettingsStore, content: ContentHolder, user_key: str, language: str
) -> tuple[str, InlineKeyboardMarkup]:
    zone = await _zone(reminders, user_key)
    plain = await users.plain_reminders(user_key)
    return menu(await reminders.scheduled(user_key), content.current, language, zone, plain)


async def reminders_command(
    message: Message,
    state: FSMContext,
    reminders: ReminderStore,
    users: UserSettingsStore,
    content: ContentHolder,
    user_key: str,
    language: str,
) -> None:
    await state.set_state(None)
    body, markup = await _menu(reminders, users, content, user_key, language)
    await message.answer(body, reply_markup=markup)


async def stop_command(message: Message, state: FSMContext, reminders: ReminderStore, user_key: str) -> None:
    await state.set_state(None)
    had_reminders = await reminders.chat(user_key) is not None
    await reminders.stop(user_key)
    await message.answer(_(text.STOPPED) if had_reminders else _(text.NOTHING_TO_STOP))


@dataclass
class MenuPress:
    """One press of a reminders-menu button, with what every action needs."""

    query: CallbackQuery
    state: FSMContext
    reminders: ReminderStore
    users: UserSettingsStore
    content: ContentHolder
    clock: Clock
    user_key: str
    language: str
    callback_answer: CallbackAnswer
    zone: str

    async def show(self, body: str, markup: InlineKeyboardMarkup | None) -> None:
        await replace_screen(self.query, body, markup)

    async def show_menu(self) -> None:
        await self.show(*await _menu(self.reminders, self.users, self.content, self.user_key, self.language))

    def recipient(self, moved_to: str | None = None) -> Recipient:
        """This chat, needed to write first; a time zone already chosen stays unless the person
        says where they are now (`moved_to`)."""
        zone = moved_to or self.zone
        return Recipient(self.query.from_user.id, self.language, zone, moved=moved_to is not None)

    async def plan(
        self, recipient: Recipient, replacing: tuple[str, ...] = (), adding: Sequence[NewReminder] = ()
    ) -> bool:
        """Make one change to the person's reminders, whole; False after telling them it would
        take them over the limit (nothing was changed then)."""
        if not await self.reminders.update_plan(self.user_key, recipient, replacing, adding):
            limit_text = text.TOO_MANY if len(adding) == 1 else text.PLAN_TOO_MANY
            await self.show(_(limit_text).format(limit=MAX_PENDING_PER_ACCOUNT), choices([]))
            return False
        for reminder in adding:
            track("reminder_scheduled", reminder.kind)
        return True

    async def show_planned(self, zone: str) -> None:
        lines = [_(text.PLANNED)]
        for reminder in await self.reminders.scheduled(self.user_key):
            title = title_of(reminder, self.content.current, self.language)
            lines.append(f"• {local_time(reminder.due_at, zone)} — {title}")
        await self.show("\n".join(lines), choices([(_(text.ALL_REMINDERS), RemindMenu(action="menu"))]))


async def _show_menu(press: MenuPress) -> None:
    await press.show_menu()


async def _ask_date(press: MenuPress, purpose: DatePurpose) -> None:
    await press.state.set_state(ReminderDates.departure if purpose == "dep" else ReminderDates.expiry)
    prompt = text.DEPARTURE_DATE if purpose == "dep" else text.EXPIRY_DATE
    today = local_today(press.clock.now(), press.zone)
    await press.show(f"{_(prompt)}\n{_(text.PICK_DATE)}", calendar_markup(purpose, today.year, today.month, today))


async def _ask_arrival(press: MenuPress) -> None:
    destinations = press.content.current.plans.destinations.items()
    options = [(pick(d.name, press.language), ArrivedIn(destination=code)) for code, d in destinations]
    await press.show(_(text.WHERE_ARRIVED), choices(options))


async def _needs_no_patent(press: MenuPress) -> bool:
    """A Kyrgyz citizen (by the passport's country they gave) is told there is no patent to pay."""
    if await press.users.passport_country(press.user_key) != "KG":
        return False
    await press.show(_(text.NO_PATENT_FOR_EAEU), choices([(_(text.ALL_REMINDERS), RemindMenu(action="menu"))]))
    return True


async def _ask_day(press: MenuPress) -> None:
    if await _needs_no_patent(press):
        return
    options = [(str(day), SetMonthlyDay(day=day)) for day in range(1, 32)]
    await press.show(_(text.PICK_DAY), choices(options, columns=7))


async def _ask_patent_issued(press: MenuPress) -> None:
    if await _needs_no_patent(press):
        return
    await press.state.set_state(ReminderDates.patent_issued)
    await press.show(_(text.PATENT_ISSUED), choices([]))


async def _ask_zone(press: MenuPress) -> None:
    options = [(name, SetTimeZone(zone_index=i)) for i, name in enumerate(TIME_ZONES)]
    await press.show(_(text.PICK_ZONE), choices(options, columns=2))


SCREENS: dict[str, Callable[[MenuPress], Awaitable[None]]] = {
    "menu": _show_menu,
    "dep": lambda press: _ask_date(press, "dep"),
    "exp": lambda press: _ask_date(press, "exp"),
    "arr": _ask_arrival,
    "mon": _ask_day,
    "con": _ask_patent_issued,
    "tz": _ask_zone,
}
"""The screens the reminders menu opens, by RemindMenu.action."""


async def _cancel(press: MenuPress, reminder_id: int) -> bool:
    cancelled = await press.reminders.cancel(press.user_key, reminder_id)
    press.callback_answer.text = _(text.CANCELLED) if cancelled else None
    await press.show_menu()
    return True


async def _set_zone(press: MenuPress, zone: str) -> bool:
    await press.plan(press.recipient(moved_to=zone))
    press.callback_answer.text = _(text.ZONE_SET).format(zone=zone)
    await press.show_menu()
    return True


async def _set_style(press: MenuPress, plain: bool) -> bool:
    await press.users.set_plain_reminders(press.user_key, plain, press.language)
    press.callback_answer.text = _(text.PLAIN_SET if plain else text.DISCREET_SET)
    await press.show_menu()
    return True


async def _set_monthly(press: MenuPress, day: int) -> bool:
    if await _needs_no_patent(press):
        return True
    early = press.content.current.plans.monthly_remind_days_before
    due = next_monthly(day, press.clock.now(), press.zone, early, catch_up=True)
    monthly = NewReminder("monthly", str(day), due, {"day": day, "early": early})
    if not await press.plan(press.recipient(), ("snooze", "monthly"), [monthly]):
        return True
    await press.show(_(text.MONTHLY_SET).format(day=day, days=early), choices([]))
    return True


async def _arrived(press: MenuPress, code: str) -> bool:
    plans = press.content.current.plans
    destination = plans.destinations.get(code)
    if destination is None:
        return False
    zone = destination.time_zone
    now = press.clock.now()
    citizens_of = await press.users.passport_country(press.user_key)
    today = local_today(now, zone)
    dues = arrival_dues(plans, code, today, zone, now, citizens_of)
    if not dues:
        await press.plan(press.recipient(moved_to=zone))  # the time zone of where they are, all the same
        await press.show(_(text.NO_ARRIVAL_PLAN).format(country=pick(destination.name, press.language)), choices([]))
        return True
    adding = [NewReminder("arrival", item, due, {"destination": code}) for item, due in dues]
    adding += [
        NewReminder("regular", item, due, {"destination": code, "every": every})
        for item, every, due in regular_dues(plans, code, today, zone, citizens_of)
    ]
    if await press.plan(press.recipient(moved_to=zone), ("arrival", "regular"), adding):
        await press.show_planned(zone)
    return True


async def _departing_to(press: MenuPress, code: str) -> bool:
    plans = press.content.current.plans
    departure = str((await press.state.get_data()).get("departure") or "")
    if code not in plans.destinations or not departure:
        return False
    await press.state.set_state(None)
    dues = departure_dues(plans, date.fromisoformat(departure), press.zone, press.clock.now())
    if not dues:
        await press.show(_(text.NONE_AHEAD), choices([]))
        return True
    adding = [NewReminder("departure", item, due, {"destination": code}) for item, due in dues]
    if await press.plan(press.recipient(), ("departure",), adding):
        await press.show_planned(press.zone)
    return True


async def _expiry_weeks(press: MenuPress, weeks: int) -> bool:
    expiry = str((await press.state.get_data()).get("expiry") or "")
    if weeks not in WEEK_CHOICES or not expiry:
        return False
    await press.state.set_state(None)
    day = date.fromisoformat(expiry)
    due = expiry_due(day, weeks, press.zone, press.clock.now())
    if await press.plan(press.recipient(), adding=[NewReminder("expiry", expiry, due, {"date": day_text(day)})]):
        await press.show_planned(press.zone)
    return True


MenuButton = (
    RemindMenu
    | CancelReminder
    | SetTimeZone
    | SetMonthlyDay
    | ArrivedIn
    | DepartingTo
    | WeeksBeforeExpiry
    | ReminderStyle
)
"""Every button of the reminders menu and its screens (all with the prefix `rm`)."""


async def _act(press: MenuPress, data: MenuButton) -> bool:
    """Do what the button says; False for a button that no longer fits (its target or step is gone)."""
    match data:
        case RemindMenu():
            await SCREENS[data.action](press)
            return True
        case CancelReminder():
            return await _cancel(press, data.reminder_id)
        case SetTimeZone():
            return await _set_zone(press, TIME_ZONES[data.zone_index])
        case SetMonthlyDay():
            return await _set_monthly(press, data.day)
        case ArrivedIn():
            return await _arrived(press, data.destination)
        case DepartingTo():
            return await _departing_to(press, data.destination)
        case WeeksBeforeExpiry():
            return await _expiry_weeks(press, data.weeks)
        case ReminderStyle():
            return await _set_style(press, data.plain)


async def menu_button(
    query: CallbackQuery,
    callback_data: MenuButton,
    state: FSMContext,
    reminders: ReminderStore,
    users: UserSettingsStore,
    content: ContentHolder,
    clock: Clock,
    user_key: str,
    language: str,
    callback_answer: CallbackAnswer,
) -> None:
    zone = await _user_zone(reminders, user_key)
    press = MenuPress(query, state, reminders, users, content, clock, user_key, language, callback_answer, zone)
    if not await _act(press, callback_data):
        await answer_stale(query, state, content, language, callback_answer)


async def date_chosen(
    query: CallbackQuery,
    callback_data: PickDate,
    state: FSMContext,
    content: ContentHolder,
    reminders: ReminderStore,
    clock: Clock,
    user_key: str,
    language: str,
    callback_answer: CallbackAnswer,
) -> None:
    today = local_today(clock.now(), await _user_zone(reminders, user_key))
    if callback_data.day == 0:
        markup = calendar_markup(callback_data.purpose, callback_data.year, callback_data.month, today)
        await replace_screen(query, _(text.PICK_DATE), markup)
        return
    try:
        chosen = date(callback_data.year, callback_data.month, callback_data.day)
    except ValueError:
        await answer_stale(query, state, content, language, callback_answer)
        return
    body, markup = await _after_date(state, callback_data.purpose, chosen, today, content, language)
    await replace_screen(query, body, markup)


async def date_typed(
    message: Message, state: FSMContext, content: ContentHolder, reminders: ReminderStore, clock: Clock,
    user_key: str, language: str,
) -> None:  # fmt: skip
    today = local_today(clock.now(), await _user_zone(reminders, user_key))
    purpose: DatePurpose = "dep" if await state.get_state() == ReminderDates.departure.state else "exp"
    chosen = parse_date(message.text or "", today)
    if chosen is None:
        await message.answer(_(text.BAD_DATE), reply_markup=calendar_markup(purpose, today.year, today.month, today))
        return
    body, markup = await _after_date(state, purpose, chosen, today, content, language)
    await message.answer(body, reply_markup=markup)


async def patent_issue_typed(
    message: Message, state: FSMContext, content: ContentHolder, reminders: ReminderStore, clock: Clock,
    user_key: str, language: str,
) -> None:  # fmt: skip
    """The patent's date of issue, typed: the contract copy is reminded of before its 2 months end."""
    zone = await _user_zone(reminders, user_key)
    now = clock.now()
    issued = parse_date(message.text or "", local_today(now, zone))
    if issued is None or issued > local_today(now, zone):
        await message.answer(_(text.BAD_PATENT_DATE if issued is None else text.FUTURE_PATENT_DATE))
        return
    await state.set_state(None)
    plans = content.current.plans
    dues = contract_copy_due(issued, plans.contract_copy_months, plans.contract_copy_remind_days_before, zone, now)
    if dues is None:
        deadline = day_text(months_after(issued, plans.contract_copy_months))
        await message.answer(_(text.CONTRACT_LATE).format(deadline=deadline))
        return
    deadline_day, due = dues
    deadline = day_text(deadline_day)
    contract = NewReminder("contract", issued.isoformat(), due, {"deadline": deadline})
    recipient = Recipient(message.chat.id, language, zone)
    if not await reminders.update_plan(user_key, recipient, ("contract",), [contract]):
        await message.answer(_(text.TOO_MANY).format(limit=MAX_PENDING_PER_ACCOUNT))
        return
    track("reminder_scheduled", "contract")
    day = day_text(local_today(due, zone))
    await message.answer(_(text.CONTRACT_SET).format(deadline=deadline, day=day), reply_markup=choices([]))


async def _after_date(
    state: FSMContext, purpose: DatePurpose, chosen: date, today: date, content: ContentHolder, language: str
) -> tuple[str, InlineKeyboardMarkup]:
    if chosen <= today:
        return _(text.PAST_DATE), calendar_markup(purpose, today.year, today.month, today)
    if purpose == "dep":
        await state.update_data(departure=chosen.isoformat())
        plans = content.current.plans
        destinations = plans.destinations.items()
        return _(text.WHERE_TO), choices(
            [(pick(d.name, language), DepartingTo(destination=code)) for code, d in destinations]
        )
    await state.update_data(expiry=chosen.isoformat())
    weeks = [(_(text.WEEKS).format(weeks=w), WeeksBeforeExpiry(weeks=w)) for w in WEEK_CHOICES]
    return _(text.WEEKS_BEFORE), choices(weeks)


async def open_from_reminder(
    query: CallbackQuery,
    node: NodeId,
    state: FSMContext,
    content: ContentHolder,
    language: str,
    passport_country: Citizenship = None,
) -> None:
    track("reminder_opened", node.lesson)
    screen = await move(state, lambda c: content.current.engine.open(c, node, language, passport_country))
    if query.bot is not None:
        await query.bot.send_message(query.from_user.id, screen.text, reply_markup=screen_markup(screen))


async def payment_noted(
    query: CallbackQuery,
    callback_data: ReminderPaid | ReminderLater,
    state: FSMContext,
    content: ContentHolder,
    reminders: ReminderStore,
    clock: Clock,
    user_key: str,
    language: str,
    callback_answer: CallbackAnswer,
) -> None:
    """'Paid' or 'remind me tomorrow' under a monthly payment reminder; the buttons then go."""
    chat = await reminders.chat(user_key)
    if chat is None:  # the user sent /stop since
        await answer_stale(query, state, content, language, callback_answer)
        return
    if isinstance(callback_data, ReminderLater):
        day = str(callback_data.day) if callback_data.day else ""
        due = tomorrow_delivery(clock.now(), chat.time_zone)
        if await reminders.add(user_key, "snooze", day or "monthly", due, {"day": day}) is None:
            callback_answer.text = _(text.TOO_MANY).format(limit=MAX_PENDING_PER_ACCOUNT)
            callback_answer.show_alert = True
        else:
            callback_answer.text = _(text.NOTED_TOMORROW)
    else:
        callback_answer.text = _(text.NOTED_PAID)
    if query.message is not None and query.bot is not None:
        kept = _buttons_except(query, lambda data: data != RevealPayment().pack())  # "Show" stays if not pressed yet
        with suppress(TelegramBadRequest):  # pressed again: the buttons are already gone
            await query.bot.edit_message_reply_markup(
                chat_id=query.from_user.id, message_id=query.message.message_id, reply_markup=kept
            )


def _buttons_except(query: CallbackQuery, dropped: Callable[[str | None], bool]) -> InlineKeyboardMarkup | None:
    """The buttons of the message pressed, without those whose data `dropped` picks; None if none is left."""
    markup = query.message.reply_markup if isinstance(query.message, Message) else None
    rows: list[list[InlineKeyboardButton]] = []
    for row in markup.inline_keyboard if markup else []:
        kept = [button for button in row if not dropped(button.callback_data)]
        if kept:
            rows.append(kept)
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


async def show_reminder(
    query: CallbackQuery, callback_data: Reveal, content: ContentHolder, language: str, callback_answer: CallbackAnswer
) -> None:
    """ "Show" under a discreet reminder: its detail replaces the neutral lines, in place (an edit
    makes no new notification); the other buttons stay."""
    detail = revealed_text(callback_data, content.current, language)
    if detail is None:
        callback_answer.text = _(text.GONE)
        return
    await replace_screen(query, detail, _buttons_except(query, lambda data: data == query.data))


def build_router() -> Router:
    router = Router(name="reminders")
    router.message.filter(PrivateChat())
    router.message.register(reminders_command, Command("reminders"))
    router.message.register(stop_command, Command("stop"))
    for menu_data in get_args(MenuButton):
        router.callback_query.register(menu_button, menu_data.filter())
    router.callback_query.register(date_chosen, PickDate.filter())
    router.callback_query.register(open_from_reminder, ReminderButton.filter(), NodeFromButton())
    router.callback_query.register(payment_noted, ReminderPaid.filter())
    router.callback_query.register(payment_noted, ReminderLater.filter())
    for reveal in get_args(Reveal):
        router.callback_query.register(show_reminder, reveal.filter())
    dates = StateFilter(ReminderDates.departure, ReminderDates.expiry)
    router.message.register(date_typed, dates, TypedText(), flags=TYPED_ANSWER)
    patent = StateFilter(ReminderDates.patent_issued)
    router.message.register(patent_issue_typed, patent, TypedText(), flags=TYPED_ANSWER)
    return router
