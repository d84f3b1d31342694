"""The counsellors' desk as rows: which topic belongs to which case, and, only while a case is open
(and for its grace period), which person's chat it answers, sealed with the delivery key.

`counsellor_cases` is the link (personal: erased by /forget, re-sealed and re-keyed by
`safar keys rotate`); `counsellor_topics` is what the counsellors' group already knows (a case
number and its topic), linked to no one, kept until the topic is deleted. No message is stored.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.privacy.secret_keys import ChatCipher
from bot.storage.backends.sqlite import Database, Row

WaitsFrom = Callable[[datetime], datetime]
"""When a case opened at a moment starts waiting for its answer (the desk's working hours)."""


def _hour(moment: datetime) -> int:
    """Unix seconds to the hour: a row's time does not tell which minute someone acted."""
    return int(moment.timestamp()) // 3600 * 3600


@dataclass(frozen=True)
class OpenCase:
    """A case with the chat it answers."""

    user_key: str
    chat_id: int
    case_id: int
    topic_id: int
    language: str
    closed: bool


@dataclass(frozen=True)
class ClosedTopic:
    case_id: int
    topic_id: int
    closed: bool = True
    """False for an open case /forget ended."""


class CounsellorCaseStore:
    def __init__(self, database: Database, cipher: ChatCipher) -> None:
        self._db = database
        self._cipher = cipher

    def _case(self, row: Row) -> OpenCase:
        user_key, box, case_id, topic_id, language, closed_at = row
        return OpenCase(
            str(user_key),
            self._cipher.open(bytes(box)),
            int(str(case_id)),
            int(str(topic_id)),
            str(language),
            closed_at is not None,
        )

    async def new_case_number(self, now: datetime) -> int:
        """A case number before its topic exists: the topic is named by it."""
        row = await self._db.fetchone(
            "INSERT INTO counsellor_topics (topic_id, opened_hour) VALUES (0, :hour) RETURNING id",
            {"hour": _hour(now)},
        )
        assert row is not None  # RETURNING gives the inserted row
        return int(str(row[0]))

    async def drop_case_number(self, case_id: int) -> None:
        """Its topic could not be created: nothing is left of the attempt."""
        await self._db.execute("DELETE FROM counsellor_topics WHERE id = :id AND topic_id = 0", {"id": case_id})

    async def open(self, user_key: str, chat_id: int, case_id: int, topic_id: int, language: str) -> None:
        """The case's topic exists: link it to the person (a closed case of theirs in its grace is replaced)."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE counsellor_topics SET topic_id = :topic WHERE id = :id", {"topic": topic_id, "id": case_id}
            )
            await tx.execute("DELETE FROM counsellor_cases WHERE user_key = :user_key", {"user_key": user_key})
            await tx.execute(
                "INSERT INTO counsellor_cases (user_key, chat_box, case_id, topic_id, language) "
                "VALUES (:user_key, :box, :case_id, :topic_id, :language)",
                {"user_key": user_key, "box": self._cipher.seal(chat_id), "case_id": case_id, "topic_id": topic_id,
                 "language": language},
            )  # fmt: skip

    async def of_person(self, user_key: str) -> OpenCase | None:
        row = await self._db.fetchone(
            "SELECT user_key, chat_box, case_id, topic_id, language, closed_at FROM counsellor_cases "
            "WHERE user_key = :user_key",
            {"user_key": user_key},
        )
        return self._case(row) if row is not None else None

    async def of_topic(self, topic_id: int) -> OpenCase | None:
        """The case a topic answers, open or in its grace period; None once the link is gone."""
        row = await self._db.fetchone(
            "SELECT user_key, chat_box, case_id, topic_id, language, closed_at FROM counsellor_cases "
            "WHERE topic_id = :topic_id",
            {"topic_id": topic_id},
        )
        return self._case(row) if row is not None else None

    async def is_case_topic(self, topic_id: int) -> bool:
        """A topic Safar opened for a case whose topic has not been deleted yet."""
        row = await self._db.fetchone(
            "SELECT 1 FROM counsellor_topics WHERE topic_id = :topic_id AND topic_id <> 0", {"topic_id": topic_id}
        )
        return row is not None

    async def close(self, case: OpenCase, now: datetime) -> bool:
        """False when it was closed already (the person and a counsellor closing it at once)."""
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE counsellor_cases SET closed_at = :hour WHERE user_key = :user_key AND case_id = :case_id "
                "AND closed_at IS NULL",
                {"hour": _hour(now), "user_key": case.user_key, "case_id": case.case_id},
            )
            await tx.execute(
                "UPDATE counsellor_topics SET closed_hour = :hour WHERE id = :id AND closed_hour IS NULL",
                {"hour": _hour(now), "id": case.case_id},
            )
        return changed.rows == 1

    async def answered(self, case_id: int, now: datetime) -> timedelta | None:
        """The first answer's hour; the time the case waited for it (to the hour) the first time,
        None after."""
        row = await self._db.fetchone(
            "UPDATE counsellor_topics SET answered_hour = :hour WHERE id = :id AND answered_hour IS NULL "
            "RETURNING opened_hour",
            {"hour": _hour(now), "id": case_id},
        )
        return None if row is None else timedelta(seconds=_hour(now) - int(str(row[0])))

    async def forget(self, user_key: str, now: datetime) -> ClosedTopic | None:
        """/forget: the link goes now, and the topic is to be deleted at once (its row with it)."""
        async with self._db.transaction() as tx:
            # Queued copies first (the erasure order): they hold the same sealed chat.
            await tx.execute("DELETE FROM counsellor_relays WHERE user_key = :user_key", {"user_key": user_key})
            row = await tx.fetchone(
                "DELETE FROM counsellor_cases WHERE user_key = :user_key RETURNING case_id, topic_id, closed_at",
                {"user_key": user_key},
            )
            if row is None:
                return None
            await tx.execute("DELETE FROM counsellor_topics WHERE id = :id", {"id": row[0]})
        await self._db.checkpoint(("counsellor_relays", "counsellor_cases", "counsellor_topics"))
        return ClosedTopic(int(str(row[0])), int(str(row[1])), row[2] is not None)

    async def end_grace(self, now: datetime, grace: timedelta) -> int:
        """Links of cases closed longer than the grace period are deleted: nothing ties them to a chat."""
        ended = "SELECT case_id FROM counsellor_cases WHERE closed_at IS NOT NULL AND closed_at <= :until"
        until = {"until": int((now - grace).timestamp())}
        async with self._db.transaction() as tx:  # answers still queued go with the link (erasure order)
            await tx.execute(f"DELETE FROM counsellor_relays WHERE case_id IN ({ended})", until)
            changed = await tx.execute(
                "DELETE FROM counsellor_cases WHERE closed_at IS NOT NULL AND closed_at <= :until", until
            )
        if changed.rows:
            await self._db.checkpoint(("counsellor_relays", "counsellor_cases"))  # the sealed chats leave the WAL too
        return changed.rows

    async def expired_topics(self, now: datetime, retention: timedelta) -> list[ClosedTopic]:
        rows = await self._db.fetchall(
            "SELECT id, topic_id FROM counsellor_topics WHERE closed_hour IS NOT NULL AND closed_hour <= :until "
            "AND topic_id <> 0 ORDER BY id",
            {"until": int((now - retention).timestamp())},
        )
        return [ClosedTopic(int(str(r[0])), int(str(r[1]))) for r in rows]

    async def topic_deleted(self, case_id: int) -> None:
        await self._db.execute("DELETE FROM counsellor_topics WHERE id = :id", {"id": case_id})

    async def overdue(self, now: datetime, wait: timedelta, waits_from: WaitsFrom | None = None) -> list[int]:
        """Open cases with no answer after the promised time that the group was not told of yet.
        `waits_from`: when a case opened at a moment starts waiting (the desk's next opening)."""
        async with self._db.transaction() as tx:
            rows = await tx.fetchall(
                "SELECT id, opened_hour FROM counsellor_topics WHERE answered_hour IS NULL AND closed_hour IS NULL "
                "AND topic_id <> 0 AND overdue_told = 0 AND opened_hour <= :until ORDER BY id",
                {"until": int((now - wait).timestamp())},
            )
            ids = [
                int(str(case_id))
                for case_id, opened in rows
                if waits_from is None or waits_from(datetime.fromtimestamp(int(str(opened)), UTC)) + wait <= now
            ]
            await tx.executemany(
                "UPDATE counsellor_topics SET overdue_told = 1 WHERE id = :id", [{"id": i} for i in ids]
            )
        return ids

    async def waiting(self) -> int:
        """Open cases no counsellor has answered yet."""
        row = await self._db.fetchone(
            "SELECT COUNT(*) FROM counsellor_topics WHERE answered_hour IS NULL AND closed_hour IS NULL "
            "AND topic_id <> 0"
        )
        return int(str(row[0])) if row is not None else 0

    async def answer_helped(self, user_key: str, case_id: int) -> bool:
        """The person answers "Did this help?" for their closed case: True the first time, False
        for a second press, another case's button, or once the case's row is gone."""
        changed = await self._db.execute(
            "UPDATE counsellor_cases SET helped_answered = 1 WHERE user_key = :user_key AND case_id = :case_id "
            "AND closed_at IS NOT NULL AND helped_answered = 0",
            {"user_key": user_key, "case_id": case_id},
        )
        return changed.rows == 1
