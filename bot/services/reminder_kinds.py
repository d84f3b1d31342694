"""The kinds of reminder a person can plan, named once.

A stored row keeps its kind as text (`reminders.kind`); a `StrEnum` member compares equal to that
text, so rows written before this enum existed read the same. A new kind of reminder starts here
(docs/architecture.md, "A new reminder kind").
"""

from enum import StrEnum


class ReminderKind(StrEnum):
    DEPARTURE = "departure"
    """A step of the pre-departure checklist in reminders.yaml, days before the departure."""
    ARRIVAL = "arrival"
    """A destination's deadline counted from the day of arrival (registration, patent, ...)."""
    REGULAR = "regular"
    """A destination's check that comes again every few days from arrival (Moscow's Amina app)."""
    MONTHLY = "monthly"
    """The patent's monthly payment, a few days before the paid month ends; comes every month."""
    SNOOZE = "snooze"
    """'Remind me tomorrow' under a monthly payment: once, the next day."""
    EXPIRY = "expiry"
    """A document the person said expires on a date, weeks before it does."""
    CONTRACT = "contract"
    """The labour contract's copy, due at the Interior Ministry two months after the patent's issue."""


PLAN_STEPS = frozenset({ReminderKind.DEPARTURE, ReminderKind.ARRIVAL, ReminderKind.REGULAR})
"""Kinds whose text is a step of the plans in reminders.yaml (the row names the step)."""
PAYMENT = frozenset({ReminderKind.MONTHLY, ReminderKind.SNOOZE})
"""Kinds that remind of the monthly payment: 'Paid' and 'Remind me tomorrow' go under them."""
