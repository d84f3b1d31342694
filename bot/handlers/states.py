"""Conversation states in which typed text is an answer, not a search."""

from aiogram.fsm.state import State, StatesGroup


class AgencyCheck(StatesGroup):
    query = State()


class ReportOffer(StatesGroup):
    problem = State()
    country = State()
    agency = State()
    details = State()


class ReminderDates(StatesGroup):
    departure = State()
    expiry = State()
    arrival = State()
    patent_issued = State()


class AdminBroadcast(StatesGroup):
    text = State()
