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
    # 3: reminders. A chat id is kept only for users who asked for reminders (reminder_chats),
    # and goes with them on /stop and /forget. Reminders are rows claimed by a dispatcher.
    """
    CREATE TABLE reminder_chats (
        user_key  TEXT PRIMARY KEY,
        chat_id   INTEGER NOT NULL,
        time_zone TEXT NOT NULL,
        language  TEXT NOT NULL,
        active    INTEGER NOT NULL DEFAULT 1  -- 0 once Telegram says the user blocked the bot
    ) WITHOUT ROWID;
    CREATE TABLE reminders (
        id          INTEGER PRIMARY KEY,
        user_key    TEXT NOT NULL,
        kind        TEXT NOT NULL,     -- departure | arrival | monthly | snooze | expiry
        item        TEXT NOT NULL,     -- which step of the plan, or the monthly day
        payload     TEXT NOT NULL DEFAULT '{}',
        due_at      INTEGER NOT NULL,  -- unix seconds, UTC, already out of quiet hours
        state       TEXT NOT NULL DEFAULT 'pending',  -- pending | claimed | sent | failed
        lease_until INTEGER,
        attempts    INTEGER NOT NULL DEFAULT 0,
        sent_at     INTEGER
    );
    CREATE INDEX reminders_due ON reminders (state, due_at);
    CREATE INDEX reminders_by_user ON reminders (user_key, state);
    CREATE TABLE events (
        hour     TEXT NOT NULL,  -- UTC, to the hour
        user_key TEXT NOT NULL,
        name     TEXT NOT NULL,
        detail   TEXT NOT NULL DEFAULT ''
    );
    """,
    # 4: statistics that stay fast whatever the number of events: daily counts and a
    # HyperLogLog sketch of each day's users, rolled up from raw events, which then expire.
    # Broadcasts, each recipient once.
    """
    CREATE INDEX events_by_hour ON events (hour);
    CREATE TABLE daily_counts (
        day    TEXT NOT NULL,
        name   TEXT NOT NULL,
        detail TEXT NOT NULL,
        events INTEGER NOT NULL,
        PRIMARY KEY (day, name, detail)
    ) WITHOUT ROWID;
    CREATE TABLE daily_users (
        day    TEXT PRIMARY KEY,
        sketch BLOB NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE broadcasts (
        id                  INTEGER PRIMARY KEY,
        created_hour        TEXT NOT NULL,
        text                TEXT NOT NULL,
        language            TEXT,             -- NULL: every language
        state               TEXT NOT NULL,    -- running | done | cancelled
        admin_chat          INTEGER NOT NULL,
        progress_message_id INTEGER
    );
    CREATE TABLE broadcast_recipients (
        broadcast_id INTEGER NOT NULL,
        user_key     TEXT NOT NULL,
        chat_id      INTEGER NOT NULL,
        state        TEXT NOT NULL DEFAULT 'pending',  -- pending | claimed | sent | failed
        lease_until  INTEGER,
        PRIMARY KEY (broadcast_id, user_key)
    ) WITHOUT ROWID;
    CREATE INDEX broadcast_recipients_pending ON broadcast_recipients (broadcast_id, state);
    """,
    # 5: roll-ups advance hour by hour, so only the last hours are ever read raw.
    """
    CREATE TABLE rollup_state (
        id           INTEGER PRIMARY KEY CHECK (id = 1),
        rolled_until TEXT NOT NULL  -- hours before this ('YYYY-MM-DDTHH') are in the roll-ups
    );
    INSERT INTO rollup_state (id, rolled_until) VALUES (1, '0000-00-00T00');
    """,
    # 6: no chat id in plain form. Delivery addresses are sealed with the delivery key (AES-GCM,
    # a nonce per row), which SQL cannot do: the plain tables are renamed *_plain here and
    # emptied into the new ones at start-up (storage/sealing.py), then dropped. News is a
    # separate opt-in; a broadcast counts what it sent instead of keeping a row per recipient.
    # The fingerprints of the keys tell a wrong key from the right one.
    """
    DROP INDEX broadcast_recipients_pending;
    ALTER TABLE reminder_chats RENAME TO reminder_chats_plain;
    ALTER TABLE broadcast_recipients RENAME TO broadcast_recipients_plain;
    ALTER TABLE broadcasts RENAME TO broadcasts_plain;
    CREATE TABLE reminder_chats (
        user_key  TEXT PRIMARY KEY,
        chat_box  BLOB NOT NULL,     -- the chat id, sealed with the delivery key
        time_zone TEXT NOT NULL,
        language  TEXT NOT NULL,
        news      INTEGER NOT NULL DEFAULT 0  -- 1: asked for news broadcasts (/news)
    ) WITHOUT ROWID;
    CREATE TABLE broadcasts (
        id                  INTEGER PRIMARY KEY,
        created_hour        TEXT NOT NULL,
        text                TEXT NOT NULL,
        language            TEXT,
        state               TEXT NOT NULL,
        admin_box           BLOB NOT NULL,   -- the staff member's chat, sealed
        progress_message_id INTEGER,
        sent                INTEGER NOT NULL DEFAULT 0,
        failed              INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE broadcast_recipients (
        broadcast_id INTEGER NOT NULL,
        user_key     TEXT NOT NULL,
        chat_box     BLOB NOT NULL,
        state        TEXT NOT NULL DEFAULT 'pending',  -- pending | claimed; deleted once delivered
        lease_until  INTEGER,
        PRIMARY KEY (broadcast_id, user_key)
    ) WITHOUT ROWID;
    CREATE INDEX broadcast_recipients_pending ON broadcast_recipients (broadcast_id, state);
    CREATE TABLE key_fingerprints (
        name        TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    # 7: a report keeps only its day (an hour could be matched with the hours someone was active),
    # and the report limit is keyed with a salt that lives in memory for that day only, so its
    # rows say nothing about anyone afterwards; the old ones were keyed with the pseudonym key.
    """
    ALTER TABLE offer_reports RENAME COLUMN created_hour TO created_day;
    UPDATE offer_reports SET created_day = substr(created_day, 1, 10);
    DELETE FROM report_quota;
    CREATE INDEX offer_reports_by_day ON offer_reports (created_day);
    """,
    # 8: conversation state on disk keeps only the place in the lessons; the way back, check
    # answers, tool steps and anything typed (a report's agency name) now live in memory only.
    """
    UPDATE fsm_state SET state = NULL, data = CASE
        WHEN json_valid(data) AND json_type(data, '$.conversation.position') = 'array'
        THEN json_object('conversation', json_object('position', json_extract(data, '$.conversation.position')))
        ELSE '{}' END;
    """,
    # 9: the day an account was made is not kept (it could be matched with the day of a report);
    # new users are counted from the anonymous 'started' events instead.
    """
    ALTER TABLE user_settings DROP COLUMN created_on;
    """,
    # 10: reach and contact health, counted per ISO week with no user key, no phone number and no
    # time finer than the week: nothing links a campaign, a call or a flag to anyone.
    """
    CREATE TABLE campaign_weeks (
        week      TEXT NOT NULL,  -- ISO week: 2026-W49
        campaign  TEXT NOT NULL,
        opens     INTEGER NOT NULL,
        new_users INTEGER NOT NULL,
        PRIMARY KEY (week, campaign)
    ) WITHOUT ROWID;
    CREATE TABLE contact_answers (
        week    TEXT NOT NULL,
        contact TEXT NOT NULL,  -- the contact's id in contacts.yaml
        outcome TEXT NOT NULL,  -- answered | no_answer | wrong_number
        answers INTEGER NOT NULL,
        PRIMARY KEY (week, contact, outcome)
    ) WITHOUT ROWID;
    CREATE TABLE screen_flags (
        week   TEXT NOT NULL,
        screen TEXT NOT NULL,  -- lesson/node
        reason TEXT NOT NULL,  -- number | outdated | other
        flags  INTEGER NOT NULL,
        PRIMARY KEY (week, screen, reason)
    ) WITHOUT ROWID;
    """,
    # 11: staff security. A broadcast is a proposal until a second staff member approves it (or
    # its delay passes unchallenged); staff actions are audited. Staff ids only, no user data.
    """
    CREATE TABLE broadcast_proposals (
        id           INTEGER PRIMARY KEY,
        proposed_at  INTEGER NOT NULL,  -- unix seconds
        proposed_by  INTEGER NOT NULL,  -- staff Telegram id
        text         TEXT NOT NULL,
        language     TEXT,              -- NULL: every language
        release_at   INTEGER,           -- goes out by itself then, unless cancelled; NULL: needs approval
        state        TEXT NOT NULL DEFAULT 'proposed',  -- proposed | approved | cancelled
        decided_by   INTEGER,           -- staff id who approved or cancelled; NULL when released by delay
        broadcast_id INTEGER            -- the broadcast it became
    );
    CREATE INDEX broadcast_proposals_open ON broadcast_proposals (state, release_at);
    CREATE TABLE staff_audit (
        id       INTEGER PRIMARY KEY,
        at       INTEGER NOT NULL,  -- unix seconds
        staff_id INTEGER NOT NULL,
        action   TEXT NOT NULL,     -- reports_reviewed | reload | broadcast_proposed | ...
        detail   TEXT NOT NULL DEFAULT ''  -- counts and numbers only, never what users wrote
    );
    """,
    # 12: reminders arrive discreetly (the first line gives nothing away on a locked phone) unless
    # the person chose plain texts; kept with their language, erased by /forget.
    """
    ALTER TABLE user_settings ADD COLUMN plain_reminders INTEGER NOT NULL DEFAULT 0;
    """,
    # 13: a /reload that succeeded, so that the other processes of the bot (several web workers and
    # schedulers on PostgreSQL) read the content again too. Only the newest row is kept.
    """
    CREATE TABLE content_reloads (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL  -- unix seconds
    );
    """,
    # 14: the daily report limit leaves the database: a row written at the moment someone sends a
    # report sat next to their other writes. It is counted in memory (or Redis) with the day's salt.
    """
    DROP TABLE report_quota;
    """,
    # 15: the counsellors' desk (issue 30). `counsellor_cases` is the only link between a case and a
    # person: their pseudonym and chat, sealed, kept while the case is open and for its grace period.
    # `counsellor_topics` is the case as the counsellors' group knows it, linked to no one, kept until
    # its topic is deleted; times to the hour only.
    """
    CREATE TABLE counsellor_cases (
        user_key  TEXT PRIMARY KEY,
        chat_box  BLOB NOT NULL,     -- the chat id, sealed with the delivery key
        case_id   INTEGER NOT NULL,  -- counsellor_topics.id
        topic_id  INTEGER NOT NULL,
        language  TEXT NOT NULL,
        closed_at INTEGER            -- unix seconds, to the hour; NULL while open
    );
    CREATE INDEX counsellor_cases_topic ON counsellor_cases (topic_id);
    CREATE TABLE counsellor_topics (
        id           INTEGER PRIMARY KEY,  -- the case number
        topic_id     INTEGER NOT NULL,
        opened_hour  INTEGER NOT NULL,     -- unix seconds, to the hour
        closed_hour  INTEGER,
        answered_hour INTEGER,
        overdue_told INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX counsellor_topics_topic ON counsellor_topics (topic_id);
    """,
)
