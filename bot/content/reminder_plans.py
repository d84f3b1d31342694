"""Reminder plans as content: the pre-departure checklist and each destination's arrival
deadlines, with the source of every deadline. Loaded and checked like the lessons."""

from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from bot.common.languages import LANGUAGES
from bot.content.errors import ContentError, Problem
from bot.content.facts import RegisteredFact, load_fact_registry
from bot.content.loader import read_yaml_mapping
from bot.content.models import Identifier, Localized, PassportCountry
from bot.content.plain_errors import validation_problems
from bot.content.telegram_html import message_problems
from bot.content.yaml_source import line_of

PLANS_FILE = "reminders.yaml"
DestinationCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]{1,16}$")]
"""A destination's key, such as RU: short and plain, because reminder buttons carry it."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DepartureItem(_Strict):
    id: Identifier
    days_before: int = Field(ge=0, le=365)
    text: Localized
    lesson: Identifier | None = None
    """The lesson the reminder's button opens."""


class ArrivalItem(_Strict):
    id: Identifier
    deadline_days: int = Field(ge=1, le=365)
    """Days after arrival by which the step must be done, as the cited source says."""
    remind_days_before: int = Field(ge=0, le=60)
    text: Localized
    fact: Identifier
    """The fact in facts.yaml the deadline comes from; its `value` must equal `deadline_days`."""
    lesson: Identifier | None = None
    not_for_citizens: list[PassportCountry] = []
    """Citizens whom this deadline does not bind (Kyrgyz citizens need no patent in Russia), by the
    country of the passport the person gave; someone who has not said gets every step."""


class RegularItem(_Strict):
    """A reminder that comes again every `every_days` days from arrival until the person cancels
    it (Moscow's Amina app, whose silence for 3 working days costs the registration)."""

    id: Identifier
    every_days: int = Field(ge=1, le=31)
    text: Localized
    fact: Identifier
    """The fact in facts.yaml the rule comes from."""
    lesson: Identifier | None = None
    not_for_citizens: list[PassportCountry] = []


class Destination(_Strict):
    name: Localized
    time_zone: str
    arrival: list[ArrivalItem] = []
    regular: list[RegularItem] = []
    """Reminders planned with the arrival that repeat until switched off."""

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"'{value}' is not a time zone name such as Europe/Moscow") from error
        return value


class ReminderPlans(_Strict):
    destinations: dict[DestinationCode, Destination] = Field(min_length=1)
    departure: list[DepartureItem] = []
    monthly_payment: Localized
    """The text of the monthly reminder (for example the patent's advance tax payment)."""
    monthly_fact: Identifier
    """The fact in facts.yaml the monthly payment rule comes from."""
    monthly_remind_days_before: int = Field(ge=0, le=14)
    """How many days before the paid month ends the monthly reminder comes (as the cited fact advises)."""
    monthly_early_fact: Identifier
    """The fact that advises paying that early; its `value` must equal `monthly_remind_days_before`."""
    document_expiry: Localized
    """The text of a user's own document-expiry reminder; {date} is the expiry date."""
    monthly_lesson: Identifier | None = None
    document_expiry_lesson: Identifier | None = None
    contract_copy: Localized
    """The text of the contract-copy reminder; {date} is the day the copy must have reached the
    Interior Ministry by."""
    contract_copy_fact: Identifier
    """The fact the contract-copy term comes from."""
    contract_copy_months: int = Field(ge=1, le=12)
    """Months from the patent's issue by which the copy must have reached the Ministry."""
    contract_copy_remind_days_before: int = Field(ge=0, le=30)
    contract_copy_lesson: Identifier | None = None


def load_reminder_plans(root: Path, lessons: set[str]) -> ReminderPlans:
    tree = read_yaml_mapping(root / PLANS_FILE, PLANS_FILE)
    try:
        plans = ReminderPlans.model_validate(tree)
    except ValidationError as error:
        raise ContentError(validation_problems(PLANS_FILE, error, tree)) from error
    facts, fact_problems = load_fact_registry(root)
    problems = fact_problems + _cross_check(plans, lessons, tree) + _check_facts(plans, facts, tree)
    if any(not p.is_warning for p in problems):
        raise ContentError(problems)
    return plans


def _cross_check(plans: ReminderPlans, lessons: set[str], tree: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    texts: list[tuple[tuple[str | int, ...], Localized, str | None]] = [
        (("monthly_payment",), plans.monthly_payment, plans.monthly_lesson),
        (("document_expiry",), plans.document_expiry, plans.document_expiry_lesson),
        (("contract_copy",), plans.contract_copy, plans.contract_copy_lesson),
    ]
    texts += [(("departure", i, "text"), item.text, item.lesson) for i, item in enumerate(plans.departure)]
    for code, destination in plans.destinations.items():
        texts += [
            (("destinations", code, "arrival", i, "text"), item.text, item.lesson)
            for i, item in enumerate(destination.arrival)
        ]
        texts += [
            (("destinations", code, "regular", i, "text"), item.text, item.lesson)
            for i, item in enumerate(destination.regular)
        ]
    for location, text, lesson in texts:
        line = line_of(tree, location)
        if lesson is not None and lesson not in lessons:
            problems.append(Problem(PLANS_FILE, line, f"points to unknown lesson '{lesson}'"))
        for language, body in text.items():
            for problem in message_problems(body.replace("{date}", "01.01.2027")):
                problems.append(Problem(PLANS_FILE, line_of(tree, (*location, language)), problem))
        missing = [language for language in LANGUAGES if language not in text]
        if missing:
            where = ".".join(str(p) for p in location)
            problems.append(Problem(PLANS_FILE, line, f"{where}: no translation for {', '.join(missing)}", True))
    return problems


def _check_facts(plans: ReminderPlans, facts: dict[str, RegisteredFact], tree: dict[str, Any]) -> list[Problem]:
    """Every deadline names a registered fact, and a number the bot computes with agrees with it."""
    cited: list[tuple[tuple[str | int, ...], str, int | None]] = [
        (("monthly_fact",), plans.monthly_fact, None),
        (("monthly_early_fact",), plans.monthly_early_fact, plans.monthly_remind_days_before),
        (("contract_copy_fact",), plans.contract_copy_fact, plans.contract_copy_months),
    ]
    for code, destination in plans.destinations.items():
        cited += [
            (("destinations", code, "arrival", i, "fact"), item.fact, item.deadline_days)
            for i, item in enumerate(destination.arrival)
        ]
        cited += [
            (("destinations", code, "regular", i, "fact"), item.fact, None)
            for i, item in enumerate(destination.regular)
        ]
    problems = []
    for location, fact_id, number in cited:
        line = line_of(tree, location)
        fact = facts.get(fact_id)
        if fact is None:
            problems.append(Problem(PLANS_FILE, line, f"'{fact_id}' is not a fact in facts.yaml"))
        elif number is not None and fact.value is not None and fact.value != number:
            problems.append(
                Problem(
                    PLANS_FILE, line, f"the plan says {number} but fact '{fact_id}' says {fact.value}: make them agree"
                )
            )
    return problems
