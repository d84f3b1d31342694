"""The relay queue of the counsellors' desk: every message to copy between a person and their
case's topic, as a row written before the update that brought it is acknowledged and deleted once
Telegram took the copy. A process killed between the copy and the delete sends it again after the
restart (twice, never zero times).

A row holds only what copyMessage needs: the case, the direction, the person's chat sealed with the
delivery key, the topic and the message id. No content. Safar's own notices about a case (the person
ended it, the topic is closed) are rows too, so they come after the case's last copies and within
the group's budget. `held` rows are discreet answers waiting
for the person's "Show"; they go with the case's link at the end of its grace period, or /forget.
"""

from dataclasses import dataclass
from enum import StrEnum

from bot.privacy.secret_keys import ChatCipher
from bot.storage.backends.sqlite import Database, Row
from bot.storage.stores.counsellor_cases import OpenCase


class Direction(StrEnum):
    TO_TOPIC = "topic"
    """The person's message, copied into their case's topic."""
    TO_PERSON = "person"
    """A counsellor's message, copied to the person."""
    ENDED = "ended"
    """Safar tells the case's topic that the person ended the conversation (after their last copies)."""
    CLOSE_TOPIC = "close"
    """Safar closes the case's topic (after everything queued before it)."""


NOTICES = frozenset({Direction.ENDED, Direction.CLOSE_TOPIC})
"""Rows that are Safar's own doing in the case's topic, not a copy of anyone's message."""


@dataclass(frozen=True)
class QueuedRelay:
    id: int
    user_key: str
    case_id: int
    direction: Direction
    chat_id: int
    topic_id: int
    message_id: int
    language: str


_COLUMNS = "id, user_key, case_id, direction, chat_box, topic_id, message_id, language"


class CounsellorRelayStore:
    def __init__(self, database: Database, cipher: ChatCipher) -> None:
        self._db = database
        self._cipher = cipher

    def _relay(self, row: Row) -> QueuedRelay:
        relay_id, user_key, case_id, direction, box, topic_id, message_id, language = row
        return QueuedRelay(
            int(str(relay_id)),
            str(user_key),
            int(str(case_id)),
            Direction(str(direction)),
            self._cipher.open(bytes(box)),
            int(str(topic_id)),
            int(str(message_id)),
            str(language),
        )

    async def enqueue(self, case: OpenCase, direction: Direction, message_id: int) -> None:
        """One statement, committed when it returns: the update may then be acknowledged."""
        await self._db.execute(
            "INSERT INTO counsellor_relays (user_key, case_id, direction, chat_box, topic_id, message_id, language, "
            "state) VALUES (:user_key, :case_id, :direction, :box, :topic_id, :message_id, :language, 'new')",
            {"user_key": case.user_key, "case_id": case.case_id, "direction": direction.value,
             "box": self._cipher.seal(case.chat_id), "topic_id": case.topic_id, "message_id": message_id,
             "language": case.language},
        )  # fmt: skip

    async def waiting_cases(self, limit: int = 100) -> list[int]:
        """Cases with messages to copy, the longest waiting first."""
        rows = await self._db.fetchall(
            "SELECT case_id FROM counsellor_relays WHERE state IN ('new', 'telling') "
            "GROUP BY case_id ORDER BY MIN(id) LIMIT :limit",
            {"limit": limit},
        )
        return [int(str(row[0])) for row in rows]

    async def next_of(self, case_id: int) -> QueuedRelay | None:
        """The case's oldest message still to copy: a case's messages go one after the other, in order."""
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM counsellor_relays WHERE case_id = :case_id AND state IN ('new', 'telling') "
            "ORDER BY id LIMIT 1",
            {"case_id": case_id},
        )
        return self._relay(row) if row is not None else None

    async def done(self, relay_id: int) -> None:
        """Copied (or refused for good): nothing of it is kept."""
        await self._db.execute("DELETE FROM counsellor_relays WHERE id = :id", {"id": relay_id})

    async def hold(self, relay_id: int, case_id: int) -> bool:
        """A discreet answer waits for the person's "Show"; True when the person must be told of it.

        One statement decides: when another answer of the case already waits, this one joins it
        ('held', the person was told); else it is 'telling' until the notice went (`told`). A "Show"
        deleting the last waiting answer at the same moment either sees this row or makes it
        'telling': an answer can no longer wait without a notice. A process killed while telling
        leaves the row 'telling', and the queue takes it up again: the person is told after the
        restart (twice perhaps, never zero times)."""
        await self._db.execute(
            "UPDATE counsellor_relays SET state = CASE WHEN EXISTS (SELECT 1 FROM counsellor_relays AS other "
            "WHERE other.case_id = :case_id AND other.state IN ('held', 'telling') AND other.id <> :id) "
            "THEN 'held' ELSE 'telling' END WHERE id = :id",
            {"id": relay_id, "case_id": case_id},
        )
        row = await self._db.fetchone("SELECT state FROM counsellor_relays WHERE id = :id", {"id": relay_id})
        return row is not None and str(row[0]) == "telling"  # gone: a "Show" copied it already

    async def told(self, relay_id: int) -> None:
        """The notice went: the answer waits for "Show" with the others."""
        await self._db.execute(
            "UPDATE counsellor_relays SET state = 'held' WHERE id = :id AND state = 'telling'", {"id": relay_id}
        )

    async def untold(self, relay_id: int) -> None:
        """The notice could not go: the answer is queued again, and its notice tried with it."""
        await self._db.execute(
            "UPDATE counsellor_relays SET state = 'new' WHERE id = :id AND state = 'telling'", {"id": relay_id}
        )

    async def held_for(self, user_key: str, case_id: int) -> list[QueuedRelay]:
        """The answers waiting for this person's "Show" in this case: none of anyone else's."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM counsellor_relays WHERE user_key = :user_key AND case_id = :case_id "
            "AND state IN ('held', 'telling') ORDER BY id",
            {"user_key": user_key, "case_id": case_id},
        )
        return [self._relay(row) for row in rows]

    async def without_link(self) -> int:
        """Rows of cases whose link is gone (the grace period ended): they can reach no one."""
        changed = await self._db.execute(
            "DELETE FROM counsellor_relays WHERE NOT EXISTS "
            "(SELECT 1 FROM counsellor_cases WHERE counsellor_cases.case_id = counsellor_relays.case_id)"
        )
        if changed.rows:
            await self._db.checkpoint(("counsellor_relays",))
        return changed.rows
