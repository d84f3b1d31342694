"""aiogram's Telegram models are built on first use in Safar's process (bot/common/
telegram_models_on_demand.py, about 100 MB less memory), and read and write Telegram's JSON exactly
as aiogram's own import, which builds them all, does.

Each side needs a fresh interpreter: one child imports Safar first, as `python -m bot` does, the
other aiogram alone, as the bare bot does; both read the same updates and answers and make the same
calls, and print what they got."""

import json
import subprocess
import sys

PROBE = """
import json, sys
if sys.argv[1] == "safar":
    import bot
import aiogram.methods as methods, aiogram.types as types
from aiogram.methods.base import Response
from pydantic import ValidationError

def built():
    return sorted(name for module in (types, methods) for name in module.__all__
                  if getattr(getattr(module, name), "__pydantic_complete__", False))

after_import = built()
user = {"id": 7, "is_bot": False, "first_name": "A", "language_code": "ru"}
chat = {"id": 7, "type": "private", "first_name": "A"}
keyboard = {"inline_keyboard": [[{"text": "Next", "callback_data": "g:1"}, {"text": "Site", "url": "https://example.org"}]]}
message = {
    "message_id": 10, "date": 1765000000, "chat": chat, "from": user, "text": "/start ref",
    "entities": [{"type": "bot_command", "offset": 0, "length": 6}], "reply_markup": keyboard,
    "reply_to_message": {"message_id": 9, "date": 1765000000, "chat": chat, "photo": [
        {"file_id": "p", "file_unique_id": "u", "width": 90, "height": 90}]},
    "forward_origin": {"type": "user", "date": 1765000000, "sender_user": user},
    "a_field_of_a_newer_bot_api": {"kept": True},
}
updates = [
    {"update_id": 1, "message": message},
    {"update_id": 2, "callback_query": {"id": "q", "from": user, "chat_instance": "c", "data": "g:1", "message": message}},
    {"update_id": 3, "callback_query": {"id": "r", "from": user, "chat_instance": "c", "data": "n:b",
                                          "message": {"message_id": 5, "date": 0, "chat": chat}}},
    {"update_id": 4, "my_chat_member": {"chat": chat, "from": user, "date": 1765000000,
        "old_chat_member": {"status": "member", "user": user}, "new_chat_member": {"status": "kicked", "user": user, "until_date": 0}}},
    {"update_id": 5, "edited_message": {"message_id": 11, "date": 1, "edit_date": 2, "chat": chat, "voice":
        {"file_id": "v", "file_unique_id": "w", "duration": 3}}},
]
read = [types.Update.model_validate(update).model_dump_json(exclude_unset=True) for update in updates]
try:
    types.Update.model_validate({"update_id": "x", "message": {"chat": chat}})
    refused = []
except ValidationError as error:
    refused = sorted((".".join(map(str, e["loc"])), e["type"]) for e in error.errors())
markup = types.InlineKeyboardMarkup.model_validate(keyboard)
calls = [
    repr(methods.SendMessage(chat_id=7, text="<b>Hi</b>", reply_markup=markup)),
    repr(methods.EditMessageText(chat_id=7, message_id=10, text="Next", reply_markup=markup)),
    repr(methods.AnswerCallbackQuery(callback_query_id="q")),
    markup.model_dump_json(exclude_none=True),
]
answers = [
    Response[types.Message | bool].model_validate({"ok": True, "result": message}).model_dump_json(exclude_unset=True),
    Response[types.Message | bool].model_validate({"ok": True, "result": True}).model_dump_json(exclude_unset=True),
    Response[list[types.Update]].model_validate({"ok": True, "result": updates}).model_dump_json(exclude_unset=True),
]
print(json.dumps({"after_import": after_import, "read": read, "refused": refused, "calls": calls, "answers": answers}))
"""


def _probe(side: str) -> dict[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, side], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, list[str]] = json.loads(done.stdout)
    return result


def test_safar_builds_telegram_models_on_first_use_and_reads_telegram_as_aiogram_does() -> None:
    safar, bare = _probe("safar"), _probe("bare")
    # aiogram alone builds its 403 types' and 185 methods' validators as it is imported;
    # Safar's process builds none of them until one is used (only the generic bases of a call and
    # of an answer, which hold no Telegram type).
    assert len(bare["after_import"]) > 500
    assert set(safar["after_import"]) <= {"TelegramMethod", "Request", "Response"}
    # The same updates read, the same bad one refused for the same reasons, the same calls made
    # and the same answers read, field for field.
    assert safar["read"] == bare["read"]
    assert "a_field_of_a_newer_bot_api" in safar["read"][0], "fields of a newer Bot API are kept"
    assert safar["refused"] == bare["refused"] and safar["refused"]
    assert safar["calls"] == bare["calls"]
    assert safar["answers"] == bare["answers"]
