"""Safar's schema, written once: every table as it stood at SQLite's migration 14 (PostgreSQL's
version 4), then the steps that changed it since. SQLite's numbered migrations after 14 and
PostgreSQL's created tables and upgrades are generated from this (`sqlite_migrations.py`,
`tables.py`); a test checks both backends arrive at the same tables, column by column.

A new table, column or index is one step at the end of `STEPS`; a step that has shipped is never
edited. What a column holds and why is said where it is added (here, or in the legacy SQLite
migration that made it)."""

from bot.storage.schema.vocabulary import AddColumn, AddTable, Index, Step, Table, blob, integer, numbered_table, text

BASELINE: tuple[Table, ...] = (
    Table(
        "user_settings",
        (text("user_key"), text("language"), integer("plain_reminders", default=0)),
        ("user_key",),
    ),
    Table(
        "fsm_state",
        (text("storage_key"), text("user_key"), text("state", nullable=True), text("data", default="{}")),
        ("storage_key",),
        (Index("fsm_state_by_user", ("user_key",)),),
    ),
    numbered_table(
        "offer_reports",
        text("created_day"),
        text("problem"),
        text("country"),
        text("agency_typed"),
        text("agency_key"),
        text("details", default=""),
        integer("reviewed", default=0),
        indexes=(
            Index("offer_reports_open_by_agency", ("reviewed", "agency_key")),
            Index("offer_reports_by_day", ("created_day",)),
        ),
    ),
    numbered_table(
        "reminders",
        text("user_key"),
        text("kind"),
        text("item"),
        text("payload", default="{}"),
        integer("due_at"),
        text("state", default="pending"),
        integer("lease_until", nullable=True),
        integer("attempts", default=0),
        integer("sent_at", nullable=True),
        indexes=(Index("reminders_due", ("state", "due_at")), Index("reminders_by_user", ("user_key", "state"))),
    ),
    Table(
        "events",
        (text("hour"), text("user_key"), text("name"), text("detail", default="")),
        indexes=(Index("events_by_hour", ("hour",)),),
    ),
    Table(
        "daily_counts",
        (text("day"), text("name"), text("detail"), integer("events")),
        ("day", "name", "detail"),
    ),
    Table("daily_users", (text("day"), blob("sketch")), ("day",)),
    Table("rollup_state", (integer("id"), text("rolled_until")), ("id",), check="id = 1"),
    Table(
        "reminder_chats",
        (text("user_key"), blob("chat_box"), text("time_zone"), text("language"), integer("news", default=0)),
        ("user_key",),
    ),
    numbered_table(
        "broadcasts",
        text("created_hour"),
        text("text"),
        text("language", nullable=True),
        text("state"),
        blob("admin_box"),
        integer("progress_message_id", nullable=True),
        integer("sent", default=0),
        integer("failed", default=0),
    ),
    Table(
        "broadcast_recipients",
        (
            integer("broadcast_id"),
            text("user_key"),
            blob("chat_box"),
            text("state", default="pending"),
            integer("lease_until", nullable=True),
        ),
        ("broadcast_id", "user_key"),
        (Index("broadcast_recipients_pending", ("broadcast_id", "state")),),
    ),
    Table("key_fingerprints", (text("name"), text("fingerprint")), ("name",)),
    Table(
        "campaign_weeks",
        (text("week"), text("campaign"), integer("opens"), integer("new_users")),
        ("week", "campaign"),
    ),
    Table(
        "contact_answers",
        (text("week"), text("contact"), text("outcome"), integer("answers")),
        ("week", "contact", "outcome"),
    ),
    Table(
        "screen_flags",
        (text("week"), text("screen"), text("reason"), integer("flags")),
        ("week", "screen", "reason"),
    ),
    numbered_table(
        "broadcast_proposals",
        integer("proposed_at"),
        integer("proposed_by"),
        text("text"),
        text("language", nullable=True),
        integer("release_at", nullable=True),
        text("state", default="proposed"),
        integer("decided_by", nullable=True),
        integer("broadcast_id", nullable=True),
        indexes=(Index("broadcast_proposals_open", ("state", "release_at")),),
    ),
    numbered_table(
        "staff_audit",
        integer("at"),
        integer("staff_id"),
        text("action"),
        text("detail", default=""),
    ),
    numbered_table("content_reloads", integer("at")),
)
"""The schema at SQLite's migration 14 and PostgreSQL's version 4 (both backends' last
hand-written step). Never edited: a change is a step in `STEPS`."""

STEPS: tuple[Step, ...] = (
    # The country of the person's passport (TJ, UZ, KG or other), asked when it first matters (their
    # embassy and home contacts depend on it); kept with their language, erased by /forget.
    AddColumn("user_settings", text("passport_country", nullable=True)),
    # The counsellors' desk (issue 30). `counsellor_cases` is the only link between a case and a
    # person: their pseudonym and chat (`chat_box`, sealed with the delivery key), kept while the case
    # is open and for its grace period; `closed_at` in unix seconds to the hour, NULL while open.
    AddTable(
        Table(
            "counsellor_cases",
            (
                text("user_key"),
                blob("chat_box"),
                integer("case_id"),
                integer("topic_id"),
                text("language"),
                integer("closed_at", nullable=True),
            ),
            ("user_key",),
            (Index("counsellor_cases_topic", ("topic_id",)),),
        )
    ),
    # `counsellor_topics` is the case as the counsellors' group knows it (its id is the case number),
    # linked to no one, kept until its topic is deleted; times in unix seconds to the hour.
    AddTable(
        numbered_table(
            "counsellor_topics",
            integer("topic_id"),
            integer("opened_hour"),
            integer("closed_hour", nullable=True),
            integer("answered_hour", nullable=True),
            integer("overdue_told", default=0),
            indexes=(Index("counsellor_topics_topic", ("topic_id",)),),
        )
    ),
    # `counsellor_blocks`: people the counsellors blocked (abuse), until when (unix seconds to the hour).
    # Keyed by a keyed hash of the person's pseudonym made for this table alone, so it joins no other
    # table and names no case; a row is deleted when its block ends (docs/privacy.md).
    AddTable(Table("counsellor_blocks", (text("block_key"), integer("until_hour")), ("block_key",))),
    # The relay queue (issue 30): a message to copy into a case's topic or to the person, written
    # before the update is acknowledged and deleted once Telegram took the copy. It holds what
    # copyMessage needs, never content: the case, the direction ('topic' or 'person'), the person's
    # chat sealed with the delivery key, the topic and the message id; 'held' marks a discreet answer
    # waiting for the person's "Show" ('telling' while its notice is on its way). Personal
    # (`user_key`): erased by /forget and the grace end.
    AddTable(
        numbered_table(
            "counsellor_relays",
            text("user_key"),
            integer("case_id"),
            text("direction"),
            blob("chat_box"),
            integer("topic_id"),
            integer("message_id"),
            text("language"),
            text("state", default="new"),
            indexes=(Index("counsellor_relays_case", ("case_id",)), Index("counsellor_relays_user", ("user_key",))),
        )
    ),
    # The desk's figures (issue 30): one row per thing that happened to some case (opened, answered
    # first, closed, blocked, "did this help?" answered), with its hour (unix seconds to the hour),
    # the wait before a first answer in whole hours, or the answer. No case number, no person, no
    # chat: written in shuffled batches with other people's rows (services/unlinked_writes.py).
    AddTable(
        numbered_table(
            "desk_figures",
            text("event"),
            integer("hour"),
            integer("wait_hours", nullable=True),
            text("answer", nullable=True),
            indexes=(Index("desk_figures_by_event", ("event", "hour")),),
        )
    ),
    # Whether the person has answered "Did this help?" for their closed case (1) or may still
    # (0): the question is counted once, and only while the case's row lives (its grace period).
    AddColumn("counsellor_cases", integer("helped_answered", default=0)),
    # Telegram's file_id of each recording and picture sent (issue 33), against the sha256 of the
    # file's bytes: a file is uploaded once, every worker and restart reuses it, and a changed file
    # (another hash) is uploaded again. Content only: nothing about who listened.
    AddTable(Table("telegram_files", (text("content_hash"), text("kind"), text("file_id")), ("content_hash",))),
    # Listen mode (issue 33): the person chose to hear screens first, the text on request. A setting
    # like the others: erased with the person's settings row by /forget.
    AddColumn("user_settings", integer("listen_first", default=0)),
    # The advert check's early warning (issue 32): one row per advert someone had Safar read, with its
    # ISO week, the flags found, the public channel it was forwarded from (an @username, else empty),
    # whether this was the first advert from that channel the person sent that week (counted in the
    # week's salted tally, never stored), and a similarity fingerprint. No text, no person, no chat:
    # written in shuffled batches with other people's rows (services/unlinked_writes.py).
    AddTable(
        numbered_table(
            "advert_checks",
            text("week"),
            text("flags"),
            text("channel"),
            integer("new_person"),
            integer("fingerprint"),
            indexes=(Index("advert_checks_by_week", ("week",)),),
        )
    ),
)
"""Each step after the baseline, in order: SQLite's migration 15 + n and PostgreSQL's version 5 + n.
Append only."""

FIRST_ROWS: tuple[tuple[str, dict[str, str | int]], ...] = (
    ("rollup_state", {"id": 1, "rolled_until": "0000-00-00T00"}),
)
"""Rows a new database starts with (SQLite's migration 5 inserts the same)."""
