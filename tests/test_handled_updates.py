"""A handled update leaves memory: aiogram's `Update.event_type` cache kept the last 128, each with
the message its button was on (about 2.3 MiB on lesson screens); Safar's start-up drops that cache."""

import json
import subprocess
import sys

CHILD = """
import gc, json
from aiogram.types import Update
from bot.runtime.app import settle_memory

settle_memory()
chat, user = {"id": 5, "type": "private"}, {"id": 5, "is_bot": False, "first_name": "U"}
message = {"message_id": 1, "date": 0, "chat": chat, "text": "Салом",
           "reply_markup": {"inline_keyboard": [[{"text": "Back", "callback_data": "n:back"}]]}}
updates = [
    {"update_id": 1, "message": message},
    {"update_id": 2, "edited_message": message | {"edit_date": 1}},
    {"update_id": 3, "callback_query": {"id": "q", "from": user, "chat_instance": "5", "data": "n:back", "message": message}},
]
kinds = [Update.model_validate(update).event_type for update in updates]
gc.collect()
print(json.dumps({"kinds": kinds, "kept": sum(isinstance(o, Update) for o in gc.get_objects())}))
"""


def test_updates_are_not_kept_once_their_kind_was_read() -> None:
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True, timeout=600)
    found = json.loads(done.stdout)
    assert found["kinds"] == ["message", "edited_message", "callback_query"]
    assert found["kept"] == 0
