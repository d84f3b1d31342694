"""`/reminders` and `/stop`, thin: read the press or the typed date, ask `ReminderPlanner`
(services/reminder_planning.py) to plan, change or cancel, and render what it did; and the buttons
under a delivered reminder."""

from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, timedelta
from typing import get_args

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

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
    StartTool,
    WeeksBeforeExpiry,
)
from bot.handlers.conversation import move
from bot.handlers.date_picker import ARRIVAL_DAYS_BACK, calendar_markup
from bot.handlers.filters import NodeFromButton, PrivateChat, TypedText
from bot.handlers.reminder_views import (
    Reveal,
    arrival_step_title,
    choices,
    local_time,
    menu,
    revealed_text,
    title_of,
)
from bot.handlers.screens import replace_screen, screen_markup
from bot.handlers.stale import answer_stale
from bot.handlers.states import ReminderDates
from bot.handlers.typed_input import TYPED_ANSWER
from bot.i18n import reminders as text
from bot.services.content_holder import ContentHolder
from bot.services.counsellor_desk import CounsellorDesk, desk_open
from bot.services.engagement import track
from bot.services.reminder_planning import Change, Outcome, Person, ReminderPlanner, TypedDay
from bot.services.reminder_schedule import TIME_ZONES, WEEK_CHOICES
from bot.storage.stores.reminders import MAX_PENDING_PER_ACCOUNT

REMINDERS_TOOL = "reminders"
"""The `tool:` of a lesson button that opens the reminders menu."""


async def reminders_command(
    message: Message, state: FSMContext, planner: ReminderPlanner, content: ContentHolder, user_key: str, language: str
) -> None:
    await state.set_state(None)
    body, markup = await _menu(planner, content, user_key, language)
    await message.answer(body, reply_markup=markup)


async def opened_from_lesson(
    query: CallbackQuery,
    state: FSMContext,
    planner: ReminderPlanner,
    content: ContentHolder,
    user_key: str,
    language: str,
) -> None:
    """A lesson's "⏰ Remind me" opens the reminders menu itself, in place of the screen."""
    await state.set_state(None)
    await replace_screen(query, *await _menu(planner, content, user_key, language))


async def _menu(
    planner: ReminderPlanner, content: ContentHolder, user_key: str, language: str
) -> tuple[str, InlineKeyboardMarkup]:
    overview = await planner.overview(user_key)
    return menu(overview.scheduled, content.current, language, overview.zone, overview.plain)


async def stop_command(message: Message, state: FSMContext, planner: ReminderPlanner, user_key: str) -> None:
    await state.set_state(None)
    had_reminders = await planner.stop(user_key)
    await message.answer(_(text.STOPPED) if had_reminders else _(text.NOTHING_TO_STOP))


async def planned(
    planner: ReminderPlanner, content: ContentHolder, user_key: str, language: str, change: Change
) -> tuple[str, InlineKeyboardMarkup]:
    """The reminders now waiting, or why nothing changed; and the arrival steps too close to be
    reminded of, with their deadlines, to check at once."""
    if change.outcome is Outcome.OVER_LIMIT:
        return _over_limit(change), choices([])
    lines = []
    if scheduled := await planner.scheduled(user_key):
        lines.append(_(text.PLANNED))
    for reminder in scheduled:
        title = title_of(reminder, content.current, language)
        lines.append(f"• {local_time(reminder.due_at, change.zone)} — {title}")
    if change.late:
        lines += ["", _(text.LATE_STEPS)] if lines else [_(text.LATE_STEPS)]
        for item, deadline in change.late:
            title = arrival_step_title(content.current, change.destination or "", item, language)
            lines.append(f"• {day_text(deadline)} — {title}")
    return "\n".join(lines), choices([(_(text.ALL_REMINDERS), RemindMenu(action="menu"))])


def _over_limit(change: Change) -> str:
    """Nothing was changed: the answer says why, for one reminder or for a plan."""
    limit_text = text.TOO_MANY if change.adding == 1 else text.PLAN_TOO_MANY
    return _(limit_text).format(limit=MAX_PENDING_PER_ACCOUNT)


@dataclass
class MenuPress:
    """One press of a reminders-menu button, with what every action needs."""

    query: CallbackQuery
    state: FSMContext
    planner: ReminderPlanner
    content: ContentHolder
    user_key: str
    language: str
    callback_answer: CallbackAnswer

    @property
    def person(self) -> Person:
        return Person(self.user_key, self.query.from_user.id, self.language)

    async def show(self, body: str, markup: InlineKeyboardMarkup | None) -> None:
        await replace_screen(self.query, body, markup)

    async def show_menu(self) -> None:
        await self.show(*await _menu(self.planner, self.content, self.user_key, self.language))

    async def show_planned(self, change: Change) -> None:
        await self.show(*await planned(self.planner, self.content, self.user_key, self.language, change))

    async def show_no_patent(self) -> None:
        await self.show(_(text.NO_PATENT_FOR_EAEU), choices([(_(text.ALL_REMINDERS), RemindMenu(action="menu"))]))


async def _show_menu(press: MenuPress) -> None:
    await press.show_menu()


async def _ask_date(press: MenuPress, purpose: DatePurpose) -> None:
    await press.state.set_state(ReminderDates.departure if purpose == "dep" else ReminderDates.expiry)
    prompt = text.DEPARTURE_DATE if purpose == "dep" else text.EXPIRY_DATE
    today = await press.planner.today(press.user_key)
    markup = calendar_markup(purpose, today.year, today.month, today, press.language)
    await press.show(f"{_(prompt)}\n{_(text.PICK_DATE)}", markup)


async def _ask_arrival(press: MenuPress) -> None:
    destinations = press.content.current.plans.destinations.items()
    options = [(pick(d.name, press.language), ArrivedIn(destination=code)) for code, d in destinations]
    await press.show(_(text.WHERE_ARRIVED), choices(options))


async def _ask_day(press: MenuPress) -> None:
    if await press.planner.needs_no_patent(press.user_key):
        await press.show_no_patent()
        return
    options = [(str(day), SetMonthlyDay(day=day)) for day in range(1, 32)]
    await press.show(_(text.PICK_DAY), choices(options, columns=7))


async def _ask_patent_issued(press: MenuPress) -> None:
    if await press.planner.needs_no_patent(press.user_key):
        await press.show_no_patent()
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
    cancelled = await press.planner.cancel(press.user_key, reminder_id)
    press.callback_answer.text = _(text.CANCELLED) if cancelled else None
    await press.show_menu()
    return True


async def _set_zone(press: MenuPress, zone: str) -> bool:
    await press.planner.move_to(press.person, zone)
    press.callback_answer.text = _(text.ZONE_SET).format(zone=zone)
    await press.show_menu()
    return True


async def _set_style(press: MenuPress, plain: bool) -> bool:
    await press.planner.set_style(press.person, plain)
    press.callback_answer.text = _(text.PLAIN_SET if plain else text.DISCREET_SET)
    await press.show_menu()
    return True


async def _set_monthly(press: MenuPress, day: int) -> bool:
    change = await press.planner.plan_monthly(press.person, day)
    if change.outcome is Outcome.NO_PATENT:
        await press.show_no_patent()
    elif change.outcome is Outcome.OVER_LIMIT:
        await press.show(_over_limit(change), choices([]))
    else:
        early = press.content.current.plans.monthly_remind_days_before
        await press.show(_(text.MONTHLY_SET).format(day=day, days=early), choices([]))
    return True


async def _arrived(press: MenuPress, code: str) -> bool:
    """Where they arrived; then on which day, since the deadlines count from it (kept in the
    conversation, like a departure date, until the day is chosen)."""
    today = press.planner.today_at(code)
    if today is None:
        return False
    await press.state.set_state(ReminderDates.arrival)
    await press.state.update_data(arrival_to=code)
    markup = calendar_markup("arr", today.year, today.month, today, press.language)
    await press.show(f"{_(text.ARRIVAL_DATE)}\n{_(text.PICK_DATE)}", markup)
    return True


async def _after_arrival(
    state: FSMContext, planner: ReminderPlanner, person: Person, day: date, content: ContentHolder
) -> tuple[str, InlineKeyboardMarkup] | None:
    """The plan from the day of arrival chosen or typed; None when the place kept is gone."""
    code = str((await state.get_data()).get("arrival_to") or "")
    language = person.language
    today = planner.today_at(code) if code else None
    if today is not None and day < today - timedelta(days=ARRIVAL_DAYS_BACK):  # a year mistyped
        return _(text.LONG_AGO_ARRIVAL), calendar_markup("arr", today.year, today.month, today, language)
    change = await planner.plan_arrival(person, code, day) if code else Change(Outcome.GONE)
    match change.outcome:
        case Outcome.GONE:
            return None
        case Outcome.NOT_YET:
            today = planner.today_at(code) or day
            return _(text.FUTURE_ARRIVAL), calendar_markup("arr", today.year, today.month, today, language)
        case Outcome.NO_PLAN:
            await state.set_state(None)
            country = pick(content.current.plans.destinations[code].name, language)
            return _(text.NO_ARRIVAL_PLAN).format(country=country), choices([])
    await state.set_state(None)
    return await planned(planner, content, person.user_key, language, change)


async def _calendar_today(state: FSMContext, planner: ReminderPlanner, user_key: str, purpose: DatePurpose) -> date:
    """The day a calendar starts from: where the person arrived, for a day of arrival; else theirs."""
    if purpose == "arr":
        code = str((await state.get_data()).get("arrival_to") or "")
        if (today := planner.today_at(code)) is not None:
            return today
    return await planner.today(user_key)


async def _plan_from_date(press: MenuPress, key: str, plan: Callable[[date], Awaitable[Change]]) -> bool:
    """A plan made from the date picked or typed before, kept in the conversation under `key`;
    False when that date or what the button names is gone."""
    kept = str((await press.state.get_data()).get(key) or "")
    if not kept:
        return False
    change = await plan(date.fromisoformat(kept))
    if change.outcome is Outcome.GONE:
        return False
    await press.state.set_state(None)
    if change.outcome is Outcome.NOTHING_AHEAD:
        await press.show(_(text.NONE_AHEAD), choices([]))
    else:
        await press.show_planned(change)
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
    planner, person = press.planner, press.person
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
            code = data.destination
            return await _plan_from_date(press, "departure", lambda day: planner.plan_departure(person, day, code))
        case WeeksBeforeExpiry():
            weeks = data.weeks
            return await _plan_from_date(press, "expiry", lambda day: planner.plan_expiry(person, day, weeks))
        case ReminderStyle():
            return await _set_style(press, data.plain)


async def menu_button(
    query: CallbackQuery,
    callback_data: MenuButton,
    state: FSMContext,
    planner: ReminderPlanner,
    content: ContentHolder,
    user_key: str,
    language: str,
    callback_answer: CallbackAnswer,
) -> None:
    press = MenuPress(query, state, planner, content, user_key, language, callback_answer)
    if not await _act(press, callback_data):
        await answer_stale(query, state, content, language, callback_answer)


async def date_chosen(
    query: CallbackQuery,
    callback_data: PickDate,
    state: FSMContext,
    content: ContentHolder,
    planner: ReminderPlanner,
    user_key: str,
    language: str,
    callback_answer: CallbackAnswer,
) -> None:
    """A day pressed, or a month to show. A day that does not exist (31.02, forged or from an old
    calendar) is answered like a date that cannot be read, with the calendar to choose again."""
    purpose, year, month = callback_data.purpose, callback_data.year, callback_data.month
    today = await _calendar_today(state, planner, user_key, purpose)
    if callback_data.day == 0:
        await replace_screen(query, _(text.PICK_DATE), calendar_markup(purpose, year, month, today, language))
        return
    try:
        chosen = date(year, month, callback_data.day)
    except ValueError:
        await replace_screen(query, _(text.BAD_DATE), calendar_markup(purpose, year, month, today, language))
        return
    if purpose == "arr":
        person = Person(user_key, query.from_user.id, language)
        answer = await _after_arrival(state, planner, person, chosen, content)
        if answer is None:
            await answer_stale(query, state, content, language, callback_answer)
            return
        body, markup = answer
    else:
        body, markup = await _after_date(state, purpose, TypedDay(today, chosen), content, language)
    await replace_screen(query, body, markup)


async def date_typed(
    message: Message, state: FSMContext, content: ContentHolder, planner: ReminderPlanner, user_key: str, language: str
) -> None:
    purpose = PURPOSES.get(await state.get_state() or "", "exp")
    if purpose == "arr":
        code = str((await state.get_data()).get("arrival_to") or "")
        typed = planner.read_arrival(code, message.text or "") or await planner.read_day(user_key, "")
    else:
        typed = await planner.read_day(user_key, message.text or "")
    if typed.day is None:
        today = typed.today
        markup = calendar_markup(purpose, today.year, today.month, today, language)
        await message.answer(_(text.BAD_DATE), reply_markup=markup)
        return
    if purpose == "arr":
        person = Person(user_key, message.chat.id, language)
        answer = await _after_arrival(state, planner, person, typed.day, content)
        body, markup = answer or await _menu(planner, content, user_key, language)
    else:
        body, markup = await _after_date(state, purpose, typed, content, language)
    await message.answer(body, reply_markup=markup)


PURPOSES: dict[str, DatePurpose] = {
    str(ReminderDates.departure.state): "dep",
    str(ReminderDates.expiry.state): "exp",
    str(ReminderDates.arrival.state): "arr",
}
"""What a typed date is for, by the step the conversation is at."""


async def patent_issue_typed(
    message: Message, state: FSMContext, planner: ReminderPlanner, user_key: str, language: str
) -> None:
    """The patent's date of issue, typed: the contract copy is reminded of before its 2 months end."""
    change = await planner.plan_contract(Person(user_key, message.chat.id, language), message.text or "")
    match change.outcome:
        case Outcome.NOT_A_DATE:
            await message.answer(_(text.BAD_PATENT_DATE))
            return
        case Outcome.NOT_YET:
            await message.answer(_(text.FUTURE_PATENT_DATE))
            return
        case Outcome.TOO_LATE:
            body = _(text.CONTRACT_LATE).format(deadline=_day(change.deadline))
        case Outcome.OVER_LIMIT:
            body = _over_limit(change)
        case _:
            body = _(text.CONTRACT_SET).format(deadline=_day(change.deadline), day=_day(change.reminded_on))
    await state.set_state(None)
    await message.answer(body, reply_markup=choices([]) if change.outcome is Outcome.PLANNED else None)


def _day(day: date | None) -> str:
    return day_text(day) if day is not None else ""


async def _after_date(
    state: FSMContext, purpose: DatePurpose, chosen: TypedDay, content: ContentHolder, language: str
) -> tuple[str, InlineKeyboardMarkup]:
    today = chosen.today
    if not chosen.ahead or chosen.day is None:
        return _(text.PAST_DATE), calendar_markup(purpose, today.year, today.month, today, language)
    if chosen.too_far:
        return _(text.TOO_FAR_DATE), calendar_markup(purpose, today.year, today.month, today, language)
    if purpose == "dep":
        await state.update_data(departure=chosen.day.isoformat())
        destinations = content.current.plans.destinations.items()
        return _(text.WHERE_TO), choices(
            [(pick(d.name, language), DepartingTo(destination=code)) for code, d in destinations]
        )
    await state.update_data(expiry=chosen.day.isoformat())
    weeks = [(_(text.WEEKS).format(weeks=w), WeeksBeforeExpiry(weeks=w)) for w in WEEK_CHOICES]
    return _(text.WEEKS_BEFORE), choices(weeks)


async def open_from_reminder(
    query: CallbackQuery,
    node: NodeId,
    state: FSMContext,
    content: ContentHolder,
    language: str,
    desk: CounsellorDesk | None = None,
    passport_country: Citizenship = None,
) -> None:
    track("reminder_opened", node.lesson)
    screen = await move(state, lambda c: content.current.engine.open(c, node, language, passport_country))
    if query.bot is not None:
        await query.bot.send_message(
            query.from_user.id, screen.text, reply_markup=screen_markup(screen, talk=desk_open(desk))
        )


async def payment_noted(
    query: CallbackQuery,
    callback_data: ReminderPaid | ReminderLater,
    state: FSMContext,
    content: ContentHolder,
    planner: ReminderPlanner,
    user_key: str,
    language: str,
    callback_answer: CallbackAnswer,
) -> None:
    """'Paid' or 'remind me tomorrow' under a monthly payment reminder; the buttons then go."""
    if isinstance(callback_data, ReminderLater):
        outcome = await planner.snooze(user_key, callback_data.day)
        noted = text.NOTED_TOMORROW
    else:
        outcome = await planner.paid(user_key)
        noted = text.NOTED_PAID
    if outcome is Outcome.GONE:  # the user sent /stop since
        await answer_stale(query, state, content, language, callback_answer)
        return
    if outcome is Outcome.OVER_LIMIT:
        callback_answer.text = _(text.TOO_MANY).format(limit=MAX_PENDING_PER_ACCOUNT)
        callback_answer.show_alert = True
    else:
        callback_answer.text = _(noted)
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
    router.callback_query.register(opened_from_lesson, StartTool.filter(F.name == REMINDERS_TOOL))
    for menu_data in get_args(MenuButton):
        router.callback_query.register(menu_button, menu_data.filter())
    router.callback_query.register(date_chosen, PickDate.filter())
    router.callback_query.register(open_from_reminder, ReminderButton.filter(), NodeFromButton())
    router.callback_query.register(payment_noted, ReminderPaid.filter())
    router.callback_query.register(payment_noted, ReminderLater.filter())
    for reveal in get_args(Reveal):
        router.callback_query.register(show_reminder, reveal.filter())
    dates = StateFilter(ReminderDates.departure, ReminderDates.expiry, ReminderDates.arrival)
    router.message.register(date_typed, dates, TypedText(), flags=TYPED_ANSWER)
    patent = StateFilter(ReminderDates.patent_issued)
    router.message.register(patent_issue_typed, patent, TypedText(), flags=TYPED_ANSWER)
    return router
