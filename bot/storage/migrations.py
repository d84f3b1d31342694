"""Numbered schema migrations, applied in order at start-up. Never edit one that has shipped:
add the next number instead."""

MIGRATIONS: tuple[str, ...] = (
    # 1: per-user settings and FSM conversation state, both keyed by a keyed hash, never a raw id.
    """
    CREATE TABLE user_settings (
        user_key   TEXT PRIMARY KEY,
        language   TEXT NOT NULL,
        created_on TEXT NOT NULL  -- the day only: enough for statistics, too coarse to identify
    ) WITHOUT ROWID;
    CREATE TABLE fsm_state (
        storage_key TEXT PRIMARY KEY,
        user_key    TEXT NOT NULL,
        state       TEXT,
        data        TEXT NOT NULL DEFAULT '{}'
    ) WITHOUT ROWID;
    CREATE INDEX fsm_state_by_user ON fsm_state (user_key);
    """,
    # 2: reports of suspicious offers, with no link to who sent them; a per-user daily counter
    # (under the keyed hash) only to stop floods.
    """
    CREATE TABLE offer_reports (
        id           INTEGER PRIMARY KEY,
        created_hour TEXT NOT NULL,  -- UTC, to the hour: 2026-11-22T14
        problem      TEXT NOT NULL,
        country      TEXT NOT NULL,
        agency_typed TEXT NOT NULL,
        agency_key   TEXT NOT NULL,
        details      TEXT NOT NULL DEFAULT '',
        reviewed     INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX offer_reports_open_by_agency ON offer_reports (reviewed, agency_key);
    CREATE TABLE report_quota (
        user_key TEXT NOT NULL,
        day      TEXT NOT NULL,
        reports  INTEGER NOT NULL,
        PRIMARY KEY (user_key, day)
    ) WITHOUT ROWID;
    """,
)
