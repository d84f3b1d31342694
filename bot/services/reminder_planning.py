"""Planning reminders: what each thing a person does in /reminders changes, without aiogram.

Each action (plan a departure, an arrival, the monthly payment, a document's expiry, the contract
copy; move to another time zone; cancel; snooze; stop) is one method and one unit of work through
`ReminderStore`: its writes land together or not at all, and a plan that would take the person
over `MAX_PENDING_PER_ACCOUNT` changes nothing. The handlers (bot/handlers/reminders.py) read the
update, call one method and render the `Change` it returns.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import Enum, auto

from bot.common.clock import Clock
from bot.content.rendering import day_text
from bot.services.content_holder import ContentHolder
from bot.services.engagement import track
from bot.services.reminder_kinds import ReminderKind
from bot.services.reminder_schedule import (
    HOME_ZONE,
    WEEK_CHOICES,
    arrival_dues,
    contract_copy_due,
    departure_dues,
    expiry_due,
    late_arrival_steps,
    local_today,
    months_after,
    next_monthly,
    parse_date,
    regular_dues,
    tomorrow_delivery,
)
from bot.storage.stores.reminders import NewReminder, Recipient, Reminder, ReminderStore
from bot.storage.stores.user_settings import UserSettingsStore

NO_PATENT_NEEDED = frozenset({"KG"})
"""Passport countries whose citizens work in Russia without a patent (Eurasian Economic Union)."""


@dataclass(frozen=True)
class Person:
    """Who acts: their pseudonymous key, the chat reminders will be sent to, the language they read."""

    user_key: str
    chat_id: int
    language: str


class Outcome(Enum):
    PLANNED = auto()
    """The reminders were added (or the setting changed)."""
    OVER_LIMIT = auto()
    """Nothing changed: the person would have more than MAX_PENDING_PER_ACCOUNT waiting."""
    NOTHING_AHEAD = auto()
    """The date is too close: no step of the plan is still ahead, so nothing was planned."""
    NO_PLAN = auto()
    """The destination has no sourced deadlines: only the time zone moved there."""
    NO_PATENT = auto()
    """A citizen who needs no patent (NO_PATENT_NEEDED): there is no payment or copy to remind of."""
    GONE = auto()
    """What the button named (a destination, a date kept in the conversation) is not there any more."""
    NOT_A_DATE = auto()
    NOT_YET = auto()
    """A date that should have passed (a patent's issue) is still ahead."""
    TOO_LATE = auto()
    """The deadline has passed already: nothing was planned."""


@dataclass(frozen=True)
class Change:
    """What one action did, with what its answer shows."""

    outcome: Outcome
    zone: str = HOME_ZONE
    """The time zone the person's reminders are shown in after the action."""
    adding: int = 0
    """How many reminders the action meant to add (one, or a whole plan)."""
    deadline: date | None = None
    reminded_on: date | None = None
    """The local day the reminder planned comes (the contract copy's)."""
    late: tuple[tuple[str, date], ...] = ()
    """Arrival steps too close to be reminded of, or past, with their deadlines: shown at once."""
    destination: str | None = None
    """The destination whose arrival steps `late` names."""


@dataclass(frozen=True)
class Overview:
    """What the reminders menu shows."""

    scheduled: list[Reminder]
    zone: str | None
    """The chat's time zone; None while Safar keeps no chat for the person."""
    plain: bool
    """Reminders arrive in full rather than discreetly."""


@dataclass(frozen=True)
class TypedDay:
    """A date as the person typed or picked it, against their local today."""

    today: date
    day: date | None
    """None when the text was not a date."""

    @property
    def ahead(self) -> bool:
        return self.day is not None and self.day > self.today

    @property
    def too_far(self) -> bool:
        """Further ahead than any departure or document could be (a year mistyped: 2072 for 2027)."""
        return self.day is not None and self.day > latest_day(self.today)


def _after(due: datetime, every_days: int, now: datetime) -> datetime:
    """A repeating reminder's first time after `now`, stepping on from an arrival days ago."""
    while due <= now:
        due += timedelta(days=every_days)
    return due


LATEST_YEARS_AHEAD = 20
"""The furthest a departure or an expiry date can sensibly be: passports and permits run for years,
not decades; a later date is a typing slip, refused with a word on checking the year."""


def latest_day(today: date) -> date:
    """The last day the calendar offers and a typed date may be: `LATEST_YEARS_AHEAD` years on."""
    try:
        return today.replace(year=today.year + LATEST_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + LATEST_YEARS_AHEAD, day=28)


class ReminderPlanner:
    """The person's side of reminders; the dispatcher (services/reminder_dispatcher.py) delivers them."""

    def __init__(
        self, reminders: ReminderStore, users: UserSettingsStore, content: ContentHolder, clock: Clock
    ) -> None:
        self._reminders = reminders
        self._users = users
        self._content = content
        self._clock = clock

    async def _chat_zone(self, user_key: str) -> str | None:
        chat = await self._reminders.chat(user_key)
        return chat.time_zone if chat else None

    async def zone(self, user_key: str) -> str:
        """The time zone for dates the person picks: home until they arrive or choose another."""
        return await self._chat_zone(user_key) or HOME_ZONE

    async def overview(self, user_key: str) -> Overview:
        zone = await self._chat_zone(user_key)
        return Overview(await self._reminders.scheduled(user_key), zone, await self._users.plain_reminders(user_key))

    async def scheduled(self, user_key: str) -> list[Reminder]:
        return await self._reminders.scheduled(user_key)

    async def today(self, user_key: str) -> date:
        """The person's local date, which a calendar starts from."""
        return local_today(self._clock.now(), await self.zone(user_key))

    async def read_day(self, user_key: str, typed: str) -> TypedDay:
        today = await self.today(user_key)
        return TypedDay(today, parse_date(typed, today))

    async def needs_no_patent(self, user_key: str) -> bool:
        """By the passport's country the person gave: no patent to pay or to send a contract for."""
        return await self._users.passport_country(user_key) in NO_PATENT_NEEDED

    async def stop(self, user_key: str) -> bool:
        """Cancel every reminder and forget the chat; False when Safar did not write to them first."""
        had_reminders = await self._reminders.chat(user_key) is not None
        await self._reminders.stop(user_key)
        return had_reminders

    async def cancel(self, user_key: str, reminder_id: int) -> bool:
        return await self._reminders.cancel(user_key, reminder_id)

    async def set_style(self, person: Person, plain: bool) -> None:
        await self._users.set_plain_reminders(person.user_key, plain, person.language)

    async def move_to(self, person: Person, zone: str) -> Change:
        """The person says which time zone they are in: their chat is kept with it."""
        return await self._plan(person, zone, moved=True)

    async def plan_monthly(self, person: Person, day: int) -> Change:
        """The patent's payment on `day` of every month, replacing any earlier one and its snooze."""
        if await self.needs_no_patent(person.user_key):
            return Change(Outcome.NO_PATENT)
        zone = await self.zone(person.user_key)
        early = self._content.current.plans.monthly_remind_days_before
        due = next_monthly(day, self._clock.now(), zone, early, catch_up=True)
        monthly = NewReminder(ReminderKind.MONTHLY, str(day), due, {"day": day, "early": early})
        return await self._plan(person, zone, replacing=(ReminderKind.SNOOZE, ReminderKind.MONTHLY), adding=[monthly])

    def today_at(self, destination: str) -> date | None:
        """The local date where the person arrived, which the arrival calendar starts from."""
        place = self._content.current.plans.destinations.get(destination)
        return None if place is None else local_today(self._clock.now(), place.time_zone)

    def read_arrival(self, destination: str, typed: str) -> TypedDay | None:
        """A typed day of arrival: "20 февраля" is the last 20 February, not the next."""
        today = self.today_at(destination)
        return None if today is None else TypedDay(today, parse_date(typed, today, past=True))

    async def plan_arrival(self, person: Person, destination: str, arrived_on: date | None = None) -> Change:
        """Arrived on `arrived_on` (today when not said): the destination's deadlines counted from
        it and its regular checks, in its time zone. A step whose reminder day is gone is not
        scheduled (its words would be wrong) but returned in `late` with its deadline."""
        plans = self._content.current.plans
        place = plans.destinations.get(destination)
        if place is None:
            return Change(Outcome.GONE)
        zone, now = place.time_zone, self._clock.now()
        citizens_of = await self._users.passport_country(person.user_key)
        today = local_today(now, zone)
        arrival = today if arrived_on is None else arrived_on
        if arrival > today:
            return Change(Outcome.NOT_YET, zone)
        dues = arrival_dues(plans, destination, arrival, zone, now, citizens_of)
        if not dues:  # the time zone of where they are, all the same
            moved = await self._plan(person, zone, moved=True)
            return Change(Outcome.NO_PLAN, moved.zone)
        late = tuple(late_arrival_steps(plans, destination, arrival, today, citizens_of))
        gone = {item for item, _deadline in late}
        adding = [
            NewReminder(ReminderKind.ARRIVAL, item, due, {"destination": destination})
            for item, due in dues
            if item not in gone
        ]
        adding += [
            NewReminder(
                ReminderKind.REGULAR, item, _after(due, every, now), {"destination": destination, "every": every}
            )
            for item, every, due in regular_dues(plans, destination, arrival, zone, citizens_of)
        ]
        replacing = (ReminderKind.ARRIVAL, ReminderKind.REGULAR)
        change = await self._plan(person, zone, moved=True, replacing=replacing, adding=adding)
        return replace(change, late=late, destination=destination)

    async def plan_departure(self, person: Person, departure: date, destination: str) -> Change:
        """The checklist's steps still ahead of `departure`, replacing an earlier departure's."""
        plans = self._content.current.plans
        if destination not in plans.destinations:
            return Change(Outcome.GONE)
        zone = await self.zone(person.user_key)
        dues = departure_dues(plans, departure, zone, self._clock.now())
        if not dues:
            return Change(Outcome.NOTHING_AHEAD, zone)
        adding = [NewReminder(ReminderKind.DEPARTURE, item, due, {"destination": destination}) for item, due in dues]
        return await self._plan(person, zone, replacing=(ReminderKind.DEPARTURE,), adding=adding)

    async def plan_expiry(self, person: Person, expiry: date, weeks: int) -> Change:
        """A document expiring on `expiry`, reminded `weeks` before (one of WEEK_CHOICES)."""
        if weeks not in WEEK_CHOICES:
            return Change(Outcome.GONE)
        zone = await self.zone(person.user_key)
        due = expiry_due(expiry, weeks, zone, self._clock.now())
        reminder = NewReminder(ReminderKind.EXPIRY, expiry.isoformat(), due, {"date": day_text(expiry)})
        return await self._plan(person, zone, adding=[reminder])

    async def plan_contract(self, person: Person, typed: str) -> Change:
        """The patent's date of issue, typed: the contract copy is reminded of before its months end."""
        zone, now = await self.zone(person.user_key), self._clock.now()
        today = local_today(now, zone)
        issued = parse_date(typed, today)
        if issued is None:
            return Change(Outcome.NOT_A_DATE, zone)
        if issued > today:
            return Change(Outcome.NOT_YET, zone)
        plans = self._content.current.plans
        months = plans.contract_copy_months
        dues = contract_copy_due(issued, months, plans.contract_copy_remind_days_before, zone, now)
        if dues is None:
            return Change(Outcome.TOO_LATE, zone, deadline=months_after(issued, months))
        deadline, due = dues
        contract = NewReminder(ReminderKind.CONTRACT, issued.isoformat(), due, {"deadline": day_text(deadline)})
        change = await self._plan(person, zone, replacing=(ReminderKind.CONTRACT,), adding=[contract])
        return Change(change.outcome, zone, 1, deadline, local_today(due, zone))

    async def snooze(self, user_key: str, day: int | None) -> Outcome:
        """'Remind me tomorrow' under a monthly payment; GONE when the person sent /stop since."""
        chat = await self._reminders.chat(user_key)
        if chat is None:
            return Outcome.GONE
        due = tomorrow_delivery(self._clock.now(), chat.time_zone)
        text_day = str(day) if day else ""
        added = await self._reminders.add(user_key, ReminderKind.SNOOZE, text_day or "monthly", due, {"day": text_day})
        return Outcome.OVER_LIMIT if added is None else Outcome.PLANNED

    async def paid(self, user_key: str) -> Outcome:
        """'Paid' under a monthly payment: nothing to change (the next month is planned already)."""
        return Outcome.GONE if await self._reminders.chat(user_key) is None else Outcome.PLANNED

    async def _plan(
        self,
        person: Person,
        zone: str,
        *,
        moved: bool = False,
        replacing: Collection[ReminderKind] = (),
        adding: Sequence[NewReminder] = (),
    ) -> Change:
        """One change to the person's reminders, whole: the chat kept (its time zone moved to `zone`
        when `moved`; else `zone` is the one it has), the kinds `replacing` cancelled, `adding` added."""
        recipient = Recipient(person.chat_id, person.language, zone, moved=moved)
        if not await self._reminders.update_plan(person.user_key, recipient, tuple(replacing), adding):
            return Change(Outcome.OVER_LIMIT, zone, len(adding))
        for reminder in adding:
            track("reminder_scheduled", reminder.kind)
        return Change(Outcome.PLANNED, zone, len(adding))
