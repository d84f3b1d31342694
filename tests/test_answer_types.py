"""An edit's answer is read as the Message or the True it is, never with a `Message | bool` model."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import EditMessageReplyMarkup, EditMessageText
from aiogram.types import Message

from bot.transport.answer_types import MESSAGE_OR_TRUE
from bot.transport.request_bodies import SafarSession
from tests.support.fake_telegram import TOKEN

EDITED = {
    "message_id": 7, "date": 1765000000, "edit_date": 1765000100, "text": "Салом",
    "chat": {"id": 5, "type": "private"},
    "reply_markup": {"inline_keyboard": [[{"text": "Back", "callback_data": "n:back"}]]},
}  # fmt: skip


def read(method: EditMessageText | EditMessageReplyMarkup, status: int, answer: object) -> object:
    session = SafarSession()
    return session.check_response(Bot(TOKEN, session=session), method, status, json.dumps(answer)).result


def test_an_edited_message_is_read_as_the_message_with_its_keyboard() -> None:
    result = read(EditMessageText(chat_id=5, message_id=7, text="Салом"), 200, {"ok": True, "result": EDITED})
    assert isinstance(result, Message)
    assert (result.message_id, result.chat.id, result.text, result.edit_date) == (7, 5, "Салом", 1765000100)
    assert result.reply_markup is not None and result.reply_markup.inline_keyboard[0][0].callback_data == "n:back"
    assert EditMessageText.__returning__ == MESSAGE_OR_TRUE  # declared again once read


def test_an_inline_messages_edit_answered_true_is_read_as_true() -> None:
    assert read(EditMessageReplyMarkup(inline_message_id="abc"), 200, {"ok": True, "result": True}) is True


def test_a_refused_edit_raises_what_aiogram_raises() -> None:
    refused = {"ok": False, "error_code": 400, "description": "Bad Request: message is not modified"}
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        read(EditMessageText(chat_id=5, message_id=7, text="x"), 400, refused)
    assert EditMessageText.__returning__ == MESSAGE_OR_TRUE


CHILD = """
import json, bot
from aiogram import Bot
from aiogram.methods import EditMessageText, Response
from bot.runtime.telegram_models import build_models_every_update_uses
from bot.transport.request_bodies import SafarSession
build_models_every_update_uses()
session = SafarSession()
for result in ({"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}}, True):
    session.check_response(Bot(%r, session=session), EditMessageText(text="x"), 200, json.dumps({"ok": True, "result": result}))
todo, built = [Response], []
while todo:
    for model in todo.pop().__subclasses__():
        todo.append(model)
        if model.__dict__.get("__pydantic_complete__"):
            built.append(model.__name__)
print(json.dumps(sorted(built)))
"""


def test_no_model_of_message_or_true_is_ever_built() -> None:
    """In a process of its own: another test may read an answer with aiogram's own session."""
    ran = subprocess.run(
        [sys.executable, "-c", CHILD % TOKEN], capture_output=True, text=True, check=True,
        cwd=Path(__file__).resolve().parents[1],
    )  # fmt: skip
    built = json.loads(ran.stdout)
    assert "Response[Message]" in built and "Response[bool]" in built
    assert not [name for name in built if "Union" in name or "|" in name], built
