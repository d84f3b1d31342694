"""The ids kept for "Clear this chat" are those Telegram still lets the bot delete: a bot that runs
for weeks holds two days of them, not every person's last 300 messages."""

from bot.services.recent_messages import DELETABLE_SECONDS, RecentMessages

HOUR = 3600.0


def test_ids_too_old_to_delete_are_let_go_as_new_ones_arrive() -> None:
    recent = RecentMessages(pseudonym=str)
    for day in range(10):  # one person a day, ten messages each
        for n in range(10):
            recent.sent(chat_id=day, message_id=n, at=day * 24 * HOUR + n)
    assert len(recent) == 2 * 10  # today's and yesterday's: the day before's are 48 hours old
    assert recent.take(chat_id=0, now=9 * 24 * HOUR) == []
    assert recent.take(chat_id=9, now=9 * 24 * HOUR + 10) == list(range(10))


def test_one_persons_old_messages_go_while_their_new_ones_stay() -> None:
    recent = RecentMessages(pseudonym=str)
    recent.sent(chat_id=1, message_id=1, at=0)
    recent.sent(chat_id=1, message_id=2, at=DELETABLE_SECONDS + 1)
    assert len(recent) == 1
    assert recent.take(chat_id=1, now=DELETABLE_SECONDS + 2) == [2]
