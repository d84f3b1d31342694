"""`/reminders` and `/stop`: plan reminders of departure, arrival deadlines, monthly payments and
document expiry; see and cancel them; and the buttons under a delivered reminder."""

from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.content.rendering import day_text, pick
from bot.handlers.callback_data import PickDate, ReminderButton, RemindMenu
from bot.handlers.conversation import move
from bot.handlers.filters import PrivateChat, TypedText
from bot.handlers.reminder_views import TIME_ZONES, calendar_markup, choices, local_time, menu, title_of
from bot.handlers.screens import replace_screen, screen_markup
from bot.handlers.stale import answer_stale
from bot.handlers.states import ReminderDates
from bot.i18n import reminders as text
from bot.services.clock import Clock
from bot.services.content_holder import ContentHolder
from bot.services.engagement import track
from bot.services.reminder_schedule import (
    arrival_dues,
    departure_dues,
    expiry_due,
    local_today,
    next_monthly,
    parse_date,
    tomorrow_delivery,
)
from bot.storage.reminders import MAX_PENDING_PER_ACCOUNT, ReminderStore

HOME_ZONE = "Asia/Dushanbe"
"""Where people are before they leave: the time zone until they arrive or choose another."""
WEEK_CHOICES = (1, 2, 4, 8)


async def _zone(reminders: ReminderStore, user_key: str) -> str | None:
    chat = await reminders.chat(user_key)
    return chat.time_zone if chat else None


async def _user_zone(reminders: ReminderStore, user_key: str) -> str:
    """The user's time zone for dates they pick; home until they arrive or choose another."""
    return await _zone(reminders, user_key) or HOME_ZONE


async def _menu(
    reminders: ReminderStore, content: ContentHolder, user_key: str, language: str
) -> tuple[str, InlineKeyboardMarkup]:
    zone = await _zone(reminders, user_key)
    return menu(await reminders.scheduled(user_key), content.current, language, zone)


async def reminders_command(
    message: Message, state: FSMContext, reminders: ReminderStore, content: ContentHolder, user_key: str, language: str
) -> None:
    await state.set_state(None)
    body, markup = await _menu(reminders, content, user_key, language)
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
    value: str
    state: FSMContext
    reminders: ReminderStore
    content: ContentHolder
    clock: Clock
    user_key: str
    language: str
    callback_answer: CallbackAnswer
    zone: str

    async def show(self, body: str, markup: InlineKeyboardMarkup | None) -> None:
        await replace_screen(self.query, body, markup)

    async def show_menu(self) -> None:
        await self.show(*await _menu(self.reminders, self.content, self.user_key, self.language))

    async def opt_in(self, zone: str | None = None) -> None:
        """Keep the chat id, needed to write first; a time zone already chosen stays."""
        existing = await self.reminders.chat(self.user_key)
        kept_zone = existing.time_zone if existing else zone or self.zone
        await self.reminders.opt_in(self.user_key, self.query.from_user.id, kept_zone, self.language)

    async def schedule(self, kind: str, dues: list[tuple[str, datetime]], payload: dict[str, Any], zone: str) -> None:
        await self.reminders.cancel_kind(self.user_key, kind)
        for item, due in dues:
            if await self.reminders.add(self.user_key, kind, item, due, payload) is None:
                await self.show_too_many()
                return
            track("reminder_scheduled", kind)
        await self.show_planned(zone)

    async def show_too_many(self) -> None:
        await self.show(_(text.TOO_MANY).format(limit=MAX_PENDING_PER_ACCOUNT), choices([]))

    async def show_planned(self, zone: str) -> None:
        lines = [_(text.PLANNED)]
        for reminder in await self.reminders.scheduled(self.user_key):
            title = title_of(reminder, self.content.current, self.language)
            lines.append(f"• {local_time(reminder.due_at, zone)} — {title}")
        await self.show("\n".join(lines), choices([(_(text.ALL_REMINDERS), RemindMenu(action="menu"))]))


async def _show_menu(press: MenuPress) -> bool:
    await press.show_menu()
    return True


async def _ask_date(press: MenuPress, purpose: str) -> bool:
    await press.state.set_state(ReminderDates.departure if purpose == "dep" else ReminderDates.expiry)
    prompt = text.DEPARTURE_DATE if purpose == "dep" else text.EXPIRY_DATE
    today = local_today(press.clock.now(), press.zone)
    await press.show(f"{_(prompt)}\n{_(text.PICK_DATE)}", calendar_markup(purpose, today.year, today.month, today))
    return True


async def _ask_arrival(press: MenuPress) -> bool:
    destinations = press.content.current.plans.destinations.items()
    options = [(pick(d.name, press.language), RemindMenu(action="arrived", value=code)) for code, d in destinations]
    await press.show(_(text.WHERE_ARRIVED), choices(options))
    return True


async def _ask_day(press: MenuPress) -> bool:
    options = [(str(day), RemindMenu(action="day", value=str(day))) for day in range(1, 32)]
    await press.show(_(text.PICK_DAY), choices(options, columns=7))
    return True


async def _ask_zone(press: MenuPress) -> bool:
    options = [(name, RemindMenu(action="zone", value=str(i))) for i, name in enumerate(TIME_ZONES)]
    await press.show(_(text.PICK_ZONE), choices(options, columns=2))
    return True


async def _cancel(press: MenuPress) -> bool:
    if not press.value.isdigit():
        return False
    cancelled = await press.reminders.cancel(press.user_key, int(press.value))
    press.callback_answer.text = _(text.CANCELLED) if cancelled else None
    await press.show_menu()
    return True


async def _set_zone(press: MenuPress) -> bool:
    if not (press.value.isdigit() and int(press.value) < len(TIME_ZONES)):
        return False
    zone = TIME_ZONES[int(press.value)]
    await press.opt_in(zone)
    await press.reminders.set_time_zone(press.user_key, zone)
    press.callback_answer.text = _(text.ZONE_SET).format(zone=zone)
    await press.show_menu()
    return True


async def _set_monthly(press: MenuPress) -> bool:
    if not (press.value.isdigit() and 1 <= int(press.value) <= 31):
        return False
    await press.opt_in()
    await press.reminders.cancel_kind(press.user_key, "snooze")
    due = next_monthly(int(press.value), press.clock.now(), press.zone)
    await press.reminders.cancel_kind(press.user_key, "monthly")
    if await press.reminders.add(press.user_key, "monthly", press.value, due, {"day": int(press.value)}) is None:
        await press.show_too_many()
        return True
    track("reminder_scheduled", "monthly")
    await press.show(_(text.MONTHLY_SET).format(day=press.value), choices([]))
    return True


async def _arrived(press: MenuPress) -> bool:
    plans = press.content.current.plans
    destination = plans.destinations.get(press.value)
    if destination is None:
        return False
    zone = destination.time_zone
    await press.opt_in(zone)
    await press.reminders.set_time_zone(press.user_key, zone)
    now = press.clock.now()
    dues = arrival_dues(plans, press.value, local_today(now, zone), zone, now)
    if not dues:
        await press.show(_(text.NO_ARRIVAL_PLAN).format(country=pick(destination.name, press.language)), choices([]))
        return True
    await press.schedule("arrival", dues, {"destination": press.value}, zone)
    return True


async def _departing_to(press: MenuPress) -> bool:
    plans = press.content.current.plans
    departure = str((await press.state.get_data()).get("departure") or "")
    if press.value not in plans.destinations or not departure:
        return False
    await press.state.set_state(None)
    await press.opt_in()
    dues = departure_dues(plans, date.fromisoformat(departure), press.zone, press.clock.now())
    if not dues:
        await press.show(_(text.NONE_AHEAD), choices([]))
        return True
    await press.schedule("departure", dues, {"destination": press.value}, press.zone)
    return True


async def _expiry_weeks(press: MenuPress) -> bool:
    expiry = str((await press.state.get_data()).get("expiry") or "")
    if not (press.value.isdigit() and int(press.value) in WEEK_CHOICES and expiry):
        return False
    await press.state.set_state(None)
    await press.opt_in()
    day = date.fromisoformat(expiry)
    due = expiry_due(day, int(press.value), press.zone, press.clock.now())
    if await press.reminders.add(press.user_key, "expiry", expiry, due, {"date": day_text(day)}) is None:
        await press.show_too_many()
        return True
    track("reminder_scheduled", "expiry")
    await press.show_planned(press.zone)
    return True


MENU_ACTIONS: dict[str, Callable[[MenuPress], Awaitable[bool]]] = {
    "menu": _show_menu,
    "dep": lambda press: _ask_date(press, "dep"),
    "exp": lambda press: _ask_date(press, "exp"),
    "arr": _ask_arrival,
    "mon": _ask_day,
    "tz": _ask_zone,
    "x": _cancel,
    "zone": _set_zone,
    "day": _set_monthly,
    "arrived": _arrived,
    "go": _departing_to,
    "weeks": _expiry_weeks,
}
"""What each reminders-menu button does; it returns False for a button that no longer fits."""


async def menu_button(
    query: CallbackQuery,
    callback_data: RemindMenu,
    state: FSMContext,
    reminders: ReminderStore,
    content: ContentHolder,
    clock: Clock,
    user_key: str,
    language: str,
    callback_answer: CallbackAnswer,
) -> None:
    zone = await _user_zone(reminders, user_key)
    press = MenuPress(query, callback_data.value, state, reminders, content, clock, user_key, language,
                      callback_answer, zone)  # fmt: skip
    action = MENU_ACTIONS.get(callback_data.action)
    if action is None or not await action(press):
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
    if not 1 <= callback_data.month <= 12:
        await answer_stale(query, state, content, language, callback_answer)
        return
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
    purpose = "dep" if await state.get_state() == ReminderDates.departure.state else "exp"
    chosen = parse_date(message.text or "", today)
    if chosen is None:
        await message.answer(_(text.BAD_DATE), reply_markup=calendar_markup(purpose, today.year, today.month, today))
        return
    body, markup = await _after_date(state, purpose, chosen, today, content, language)
    await message.answer(body, reply_markup=markup)


async def _after_date(
    state: FSMContext, purpose: str, chosen: date, today: date, content: ContentHolder, language: str
) -> tuple[str, InlineKeyboardMarkup]:
    if chosen <= today:
        return _(text.PAST_DATE), calendar_markup(purpose, today.year, today.month, today)
    if purpose == "dep":
        await state.update_data(departure=chosen.isoformat())
        plans = content.current.plans
        options = [
            (pick(d.name, language), RemindMenu(action="go", value=code)) for code, d in plans.destinations.items()
        ]
        return _(text.WHERE_TO), choices(options)
    await state.update_data(expiry=chosen.isoformat())
    options = [(_(text.WEEKS).format(weeks=w), RemindMenu(action="weeks", value=str(w))) for w in WEEK_CHOICES]
    return _(text.WEEKS_BEFORE), choices(options)


async def reminder_button(
    query: CallbackQuery,
    callback_data: ReminderButton,
    state: FSMContext,
    content: ContentHolder,
    reminders: ReminderStore,
    clock: Clock,
    user_key: str,
    language: str,
    callback_answer: CallbackAnswer,
) -> None:
    now = clock.now()
    if callback_data.action == "open":
        target = content.current.curriculum.by_ref(callback_data.ref)
        if target is None:
            await answer_stale(query, state, content, language, callback_answer)
            return
        track("reminder_opened", target.lesson)
        screen = await move(state, lambda c: content.current.engine.open(c, target, language))
        if query.bot is not None:
            await query.bot.send_message(query.from_user.id, screen.text, reply_markup=screen_markup(screen))
        return
    chat = await reminders.chat(user_key)
    if chat is None:  # the user sent /stop since
        await answer_stale(query, state, content, language, callback_answer)
        return
    if callback_data.action == "later":
        day = callback_data.ref if callback_data.ref.isdigit() else ""
        due = tomorrow_delivery(now, chat.time_zone)
        if await reminders.add(user_key, "snooze", day or "monthly", due, {"day": day}) is None:
            callback_answer.text = _(text.TOO_MANY).format(limit=MAX_PENDING_PER_ACCOUNT)
            callback_answer.show_alert = True
        else:
            callback_answer.text = _(text.NOTED_TOMORROW)
    else:
        callback_answer.text = _(text.NOTED_PAID)
    if query.message is not None and query.bot is not None:
        with suppress(TelegramBadRequest):  # pressed again: the buttons are already gone
            await query.bot.edit_message_reply_markup(
                chat_id=query.from_user.id, message_id=query.message.message_id, reply_markup=None
            )


def build_router() -> Router:
    router = Router(name="reminders")
    router.message.filter(PrivateChat())
    router.message.register(reminders_command, Command("reminders"))
    router.message.register(stop_command, Command("stop"))
    router.callback_query.register(menu_button, RemindMenu.filter())
    router.callback_query.register(date_chosen, PickDate.filter())
    router.callback_query.register(reminder_button, ReminderButton.filter())
    router.message.register(date_typed, StateFilter(ReminderDates.departure, ReminderDates.expiry), TypedText())
    return router
