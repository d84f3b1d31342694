"""The bot's own messages of the last two days, per person, in memory only: for "Clear this chat".

Telegram lets a bot delete its messages for 48 hours, so a person whose phone may be looked at
can remove what Safar sent them. The message ids are kept under the person's pseudonym, bounded
in people and messages, never written anywhere, and lost on a restart (then only newer ones can
be cleared, which the answer says).
"""

from collections import OrderedDict, deque
from collections.abc import Callable

DELETABLE_SECONDS = 48 * 3600 - 600
"""Telegram's 48 hours, less a margin for clocks and the time the deletion takes."""
PEOPLE = 20_000
PER_PERSON = 300


class RecentMessages:
    def __init__(self, pseudonym: Callable[[int], str], people: int = PEOPLE, per_person: int = PER_PERSON) -> None:
        self._pseudonym = pseudonym
        self._sent: OrderedDict[str, deque[tuple[float, int]]] = OrderedDict()
        self._people = people
        self._per_person = per_person

    def sent(self, chat_id: int, message_id: int, at: float) -> None:
        self._let_go_of_undeletable(at)
        key = self._pseudonym(chat_id)
        messages = self._sent.get(key)
        if messages is None:
            messages = self._sent[key] = deque(maxlen=self._per_person)
            if len(self._sent) > self._people:
                self._sent.popitem(last=False)
        self._sent.move_to_end(key)
        if message_id not in (known for _, known in messages):
            messages.append((at, message_id))
        while at - messages[0][0] >= DELETABLE_SECONDS:
            messages.popleft()

    def _let_go_of_undeletable(self, now: float) -> None:
        """Forget the people whose newest message can no longer be deleted: the least recently
        written to come first, so a long-running bot holds two days of ids, not weeks of them."""
        while self._sent:
            oldest = next(iter(self._sent.values()))
            if oldest and now - oldest[-1][0] < DELETABLE_SECONDS:
                return
            self._sent.popitem(last=False)

    def __len__(self) -> int:
        """How many message ids are held (for memory figures and tests)."""
        return sum(len(messages) for messages in self._sent.values())

    def take(self, chat_id: int, now: float) -> list[int]:
        """The ids still deletable, forgotten as they are handed over."""
        messages = self._sent.pop(self._pseudonym(chat_id), deque())
        return [message_id for at, message_id in messages if now - at < DELETABLE_SECONDS]
