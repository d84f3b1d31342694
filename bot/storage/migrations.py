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
)
