"""`/reminders` and `/stop`: plan reminders of departure, arrival deadlines, monthly payments and
document expiry; see and cancel them; and the buttons under a delivered reminder."""

from datetime import date

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.content.rendering import pick
from bot.handlers.callbacks import PickDate, ReminderButton, RemindMenu
from bot.handlers.conversation import move
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
from bot.storage.reminders import ReminderStore

HOME_ZONE = "Asia/Dushanbe"
"""Where people are before they leave: the time zone until they arrive or choose another."""
WEEK_CHOICES = (1, 2, 4, 8)


async def _zone(reminders: ReminderStore, user_key: str) -> str | None:
    chat = await reminders.chat(user_key)
    return chat.time_zone if chat else None


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
    action, value = callback_data.action, callback_data.value
    zone = await _zone(reminders, user_key) or HOME_ZONE
    today = local_today(clock.now(), zone)
    plans = content.current.plans
    destinations = [(pick(d.name, language), code) for code, d in plans.destinations.items()]
    if action == "menu":
        body, markup = await _menu(reminders, content, user_key, language)
        await replace_screen(query, body, markup)
    elif action in ("dep", "exp"):
        await state.set_state(ReminderDates.departure if action == "dep" else ReminderDates.expiry)
        prompt = text.DEPARTURE_DATE if action == "dep" else text.EXPIRY_DATE
        body = f"{_(prompt)}\n{_(text.PICK_DATE)}"
        await replace_screen(query, body, calendar_markup(action, today.year, today.month, today))
    elif action == "arr":
        options = [(name, RemindMenu(action="arrived", value=code)) for name, code in destinations]
        await replace_screen(query, _(text.WHERE_ARRIVED), choices(options))
    elif action == "mon":
        options = [(str(day), RemindMenu(action="day", value=str(day))) for day in range(1, 32)]
        await replace_screen(query, _(text.PICK_DAY), choices(options, columns=7))
    elif action == "tz":
        options = [(name, RemindMenu(action="zone", value=str(i))) for i, name in enumerate(TIME_ZONES)]
        await replace_screen(query, _(text.PICK_ZONE), choices(options, columns=2))
    elif action == "x" and value.isdigit():
        callback_answer.text = _(text.CANCELLED) if await reminders.cancel(user_key, int(value)) else None
        body, markup = await _menu(reminders, content, user_key, language)
        await replace_screen(query, body, markup)
    elif action == "zone" and value.isdigit() and int(value) < len(TIME_ZONES):
        await _opt_in(query, reminders, user_key, language, TIME_ZONES[int(value)])
        await reminders.set_time_zone(user_key, TIME_ZONES[int(value)])
        callback_answer.text = _(text.ZONE_SET).format(zone=TIME_ZONES[int(value)])
        body, markup = await _menu(reminders, content, user_key, language)
        await replace_screen(query, body, markup)
    elif action == "day" and value.isdigit() and 1 <= int(value) <= 31:
        await _opt_in(query, reminders, user_key, language, zone)
        await reminders.cancel_kind(user_key, "monthly")
        await reminders.cancel_kind(user_key, "snooze")
        due = next_monthly(int(value), clock.now(), zone)
        await reminders.add(user_key, "monthly", value, due, {"day": int(value)})
        track("reminder_scheduled", "monthly")
        await replace_screen(query, _(text.MONTHLY_SET).format(day=value), choices([]))
    elif action == "arrived" and value in plans.destinations:
        destination = plans.destinations[value]
        await _opt_in(query, reminders, user_key, language, destination.time_zone)
        await reminders.set_time_zone(user_key, destination.time_zone)
        arrival = local_today(clock.now(), destination.time_zone)
        dues = arrival_dues(plans, value, arrival, destination.time_zone, clock.now())
        if not dues:
            body = _(text.NO_ARRIVAL_PLAN).format(country=pick(destination.name, language))
            await replace_screen(query, body, choices([]))
            return
        await reminders.cancel_kind(user_key, "arrival")
        for item, due in dues:
            await reminders.add(user_key, "arrival", item, due, {"destination": value})
            track("reminder_scheduled", "arrival")
        await _planned(query, reminders, content, user_key, language, destination.time_zone)
    elif action == "go" and value in plans.destinations:
        departure = date.fromisoformat(str((await state.get_data()).get("departure", "")) or "1970-01-01")
        await state.set_state(None)
        await _opt_in(query, reminders, user_key, language, zone)
        dues = departure_dues(plans, departure, zone, clock.now())
        if not dues:
            await replace_screen(query, _(text.NONE_AHEAD), choices([]))
            return
        await reminders.cancel_kind(user_key, "departure")
        for item, due in dues:
            await reminders.add(user_key, "departure", item, due, {"destination": value})
            track("reminder_scheduled", "departure")
        await _planned(query, reminders, content, user_key, language, zone)
    elif action == "weeks" and value.isdigit() and int(value) in WEEK_CHOICES:
        expiry = str((await state.get_data()).get("expiry", ""))
        if not expiry:
            await answer_stale(query, state, content, language, callback_answer)
            return
        await state.set_state(None)
        await _opt_in(query, reminders, user_key, language, zone)
        due = expiry_due(date.fromisoformat(expiry), int(value), zone, clock.now())
        shown = date.fromisoformat(expiry).strftime("%d.%m.%Y")
        await reminders.add(user_key, "expiry", expiry, due, {"date": shown})
        track("reminder_scheduled", "expiry")
        await _planned(query, reminders, content, user_key, language, zone)
    else:
        await answer_stale(query, state, content, language, callback_answer)


async def _opt_in(query: CallbackQuery, reminders: ReminderStore, user_key: str, language: str, zone: str) -> None:
    existing = await reminders.chat(user_key)
    await reminders.opt_in(user_key, query.from_user.id, existing.time_zone if existing else zone, language)


async def _planned(
    query: CallbackQuery, reminders: ReminderStore, content: ContentHolder, user_key: str, language: str, zone: str
) -> None:
    lines = [_(text.PLANNED)]
    for reminder in await reminders.scheduled(user_key):
        lines.append(f"• {local_time(reminder.due_at, zone)} — {title_of(reminder, content.current, language)}")
    await replace_screen(query, "\n".join(lines), choices([(_(text.ALL_REMINDERS), RemindMenu(action="menu"))]))


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
    zone = await _zone(reminders, user_key) or HOME_ZONE
    today = local_today(clock.now(), zone)
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
    zone = await _zone(reminders, user_key) or HOME_ZONE
    today = local_today(clock.now(), zone)
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
        await reminders.add(user_key, "snooze", day or "monthly", tomorrow_delivery(now, chat.time_zone), {"day": day})
        callback_answer.text = _(text.NOTED_TOMORROW)
    else:
        callback_answer.text = _(text.NOTED_PAID)
    if query.message is not None and query.bot is not None:
        await query.bot.edit_message_reply_markup(
            chat_id=query.from_user.id, message_id=query.message.message_id, reply_markup=None
        )


def build_router() -> Router:
    router = Router(name="reminders")
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(reminders_command, Command("reminders"))
    router.message.register(stop_command, Command("stop"))
    router.callback_query.register(menu_button, RemindMenu.filter())
    router.callback_query.register(date_chosen, PickDate.filter())
    router.callback_query.register(reminder_button, ReminderButton.filter())
    router.message.register(date_typed, ReminderDates.departure, F.text, ~F.text.startswith("/"))
    router.message.register(date_typed, ReminderDates.expiry, F.text, ~F.text.startswith("/"))
    return router
