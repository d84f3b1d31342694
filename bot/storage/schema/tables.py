"""Every table and index, described once for SQLAlchemy: PostgreSQL's schema is created from it,
and a test checks that SQLite's numbered migrations (bot/storage/schema/sqlite_migrations.py) arrive at the same
tables, columns and indexes, so the two backends cannot drift apart.

Types: BIGINT for unix seconds, counts and ids (Telegram's ids pass 2³¹), BYTEA for sealed chat
ids and sketches, TEXT for the rest (days and hours are ISO text, compared as text on both).
"""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Index,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    text,
)

metadata = MetaData()


def _text(name: str, *, nullable: bool = False, default: str | None = None, primary: bool = False) -> Column[str]:
    server_default = text(f"'{default}'") if default is not None else None
    return Column(name, Text, nullable=nullable, server_default=server_default, primary_key=primary)


def _integer(name: str, *, nullable: bool = False, default: int | None = None) -> Column[int]:
    server_default = text(str(default)) if default is not None else None
    return Column(name, BigInteger, nullable=nullable, server_default=server_default)


def _id() -> Column[int]:
    return Column("id", BigInteger, primary_key=True, autoincrement=True)


user_settings = Table(
    "user_settings",
    metadata,
    _text("user_key", primary=True),
    _text("language"),
    _integer("plain_reminders", default=0),  # 1: reminders in full, not discreet (SQLite migration 12)
)

fsm_state = Table(
    "fsm_state",
    metadata,
    _text("storage_key", primary=True),
    _text("user_key"),
    _text("state", nullable=True),
    _text("data", default="{}"),
    Index("fsm_state_by_user", "user_key"),
)

offer_reports = Table(
    "offer_reports",
    metadata,
    _id(),
    _text("created_day"),
    _text("problem"),
    _text("country"),
    _text("agency_typed"),
    _text("agency_key"),
    _text("details", default=""),
    _integer("reviewed", default=0),
    Index("offer_reports_open_by_agency", "reviewed", "agency_key"),
    Index("offer_reports_by_day", "created_day"),
)

reminders = Table(
    "reminders",
    metadata,
    _id(),
    _text("user_key"),
    _text("kind"),
    _text("item"),
    _text("payload", default="{}"),
    _integer("due_at"),
    _text("state", default="pending"),
    _integer("lease_until", nullable=True),
    _integer("attempts", default=0),
    _integer("sent_at", nullable=True),
    Index("reminders_due", "state", "due_at"),
    Index("reminders_by_user", "user_key", "state"),
)

events = Table(
    "events",
    metadata,
    _text("hour"),
    _text("user_key"),
    _text("name"),
    _text("detail", default=""),
    Index("events_by_hour", "hour"),
)

daily_counts = Table(
    "daily_counts",
    metadata,
    _text("day"),
    _text("name"),
    _text("detail"),
    _integer("events"),
    PrimaryKeyConstraint("day", "name", "detail"),
)

daily_users = Table("daily_users", metadata, _text("day", primary=True), Column("sketch", LargeBinary, nullable=False))

rollup_state = Table(
    "rollup_state",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    _text("rolled_until"),
    CheckConstraint("id = 1", name="rollup_state_single_row"),
)

reminder_chats = Table(
    "reminder_chats",
    metadata,
    _text("user_key", primary=True),
    Column("chat_box", LargeBinary, nullable=False),
    _text("time_zone"),
    _text("language"),
    _integer("news", default=0),
)

broadcasts = Table(
    "broadcasts",
    metadata,
    _id(),
    _text("created_hour"),
    _text("text"),
    _text("language", nullable=True),
    _text("state"),
    Column("admin_box", LargeBinary, nullable=False),
    _integer("progress_message_id", nullable=True),
    _integer("sent", default=0),
    _integer("failed", default=0),
)

broadcast_recipients = Table(
    "broadcast_recipients",
    metadata,
    _integer("broadcast_id"),
    _text("user_key"),
    Column("chat_box", LargeBinary, nullable=False),
    _text("state", default="pending"),
    _integer("lease_until", nullable=True),
    PrimaryKeyConstraint("broadcast_id", "user_key"),
    Index("broadcast_recipients_pending", "broadcast_id", "state"),
)

key_fingerprints = Table("key_fingerprints", metadata, _text("name", primary=True), _text("fingerprint"))

campaign_weeks = Table(
    "campaign_weeks",
    metadata,
    _text("week"),
    _text("campaign"),
    _integer("opens"),
    _integer("new_users"),
    PrimaryKeyConstraint("week", "campaign"),
)

contact_answers = Table(
    "contact_answers",
    metadata,
    _text("week"),
    _text("contact"),
    _text("outcome"),
    _integer("answers"),
    PrimaryKeyConstraint("week", "contact", "outcome"),
)

screen_flags = Table(
    "screen_flags",
    metadata,
    _text("week"),
    _text("screen"),
    _text("reason"),
    _integer("flags"),
    PrimaryKeyConstraint("week", "screen", "reason"),
)

broadcast_proposals = Table(
    "broadcast_proposals",
    metadata,
    _id(),
    _integer("proposed_at"),
    _integer("proposed_by"),
    _text("text"),
    _text("language", nullable=True),
    _integer("release_at", nullable=True),
    _text("state", default="proposed"),
    _integer("decided_by", nullable=True),
    _integer("broadcast_id", nullable=True),
    Index("broadcast_proposals_open", "state", "release_at"),
)

staff_audit = Table(
    "staff_audit",
    metadata,
    _id(),
    _integer("at"),
    _integer("staff_id"),
    _text("action"),
    _text("detail", default=""),
)

content_reloads = Table("content_reloads", metadata, _id(), _integer("at"))

counsellor_cases = Table(
    "counsellor_cases",
    metadata,
    _text("user_key", primary=True),
    Column("chat_box", LargeBinary, nullable=False),
    _integer("case_id"),
    _integer("topic_id"),
    _text("language"),
    _integer("closed_at", nullable=True),
    Index("counsellor_cases_topic", "topic_id"),
)

counsellor_topics = Table(
    "counsellor_topics",
    metadata,
    _id(),
    _integer("topic_id"),
    _integer("opened_hour"),
    _integer("closed_hour", nullable=True),
    _integer("answered_hour", nullable=True),
    _integer("overdue_told", default=0),
    Index("counsellor_topics_topic", "topic_id"),
)

FIRST_ROWS = ((rollup_state, {"id": 1, "rolled_until": "0000-00-00T00"}),)
"""Rows a new database starts with (SQLite's migration 5 inserts the same)."""
