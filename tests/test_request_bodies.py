"""Requests go as JSON bodies that carry exactly what aiogram's form would, keyboards included."""

import json
import ssl
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import SendDocument, SendMessage, SendVoice, TelegramMethod
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from aiohttp import BytesPayload, FormData

from bot.common.serialized_keyboards import KEYBOARDS
from bot.transport.request_bodies import SafarSession
from tests.support.fake_telegram import TOKEN, FakeTelegram
from tests.support.journeys import open_topic, start_in
from tests.support.running import RunningBot


def as_telegram_reads_the_form(form: FormData) -> dict[str, Any]:
    """Form fields as the Bot API reads them: JSON-looking strings parsed, the rest kept as text."""
    read: dict[str, Any] = {}
    for options, _, value in form._fields:  # type: ignore[attr-defined]
        text = str(value)
        read[options["name"]] = json.loads(text) if text[:1] in "[{" else text
    return read


def as_telegram_reads_the_json(body: object) -> dict[str, Any]:
    """Top-level JSON values as the Bot API reads them: strings as they are, numbers and booleans
    as their JSON text, objects and arrays as objects."""
    assert isinstance(body, BytesPayload) and body.content_type == "application/json"
    fields = json.loads(body._value.decode())
    return {k: v if isinstance(v, (str, dict, list)) else json.dumps(v) for k, v in fields.items()}


def both(method: TelegramMethod[Any]) -> tuple[object, FormData]:
    ours, aiogram = SafarSession(), AiohttpSession()
    bot = Bot(TOKEN, session=ours)
    return ours.request_body(bot, method), aiogram.build_form_data(bot, method)


def test_a_message_with_a_remembered_keyboard_carries_what_aiogram_would_send() -> None:
    buttons = [
        InlineKeyboardButton(text="Оё ҳа? “x” & <b>", callback_data="g:abc"),
        InlineKeyboardButton(text="u", url="https://x.org"),
    ]
    keyboard = KEYBOARDS.remember(InlineKeyboardMarkup(inline_keyboard=[buttons]))
    method = SendMessage(chat_id=5, text="<b>Салом</b> ӯ\n«x»", reply_markup=keyboard, disable_notification=False)
    ours, aiogram = both(method)
    assert as_telegram_reads_the_json(ours) == as_telegram_reads_the_form(aiogram)
    assert KEYBOARDS.get(keyboard) is not None
    assert KEYBOARDS.get(keyboard.model_copy(deep=True)) is None, "only the very object remembered"


def test_a_remembered_keyboard_reads_extends_and_uploads_as_the_keyboard_it_was() -> None:
    """Remembered keyboards keep their buttons as plain mappings, not aiogram's models: read like
    buttons, a keyboard built from them (a screen's with "Talk to a person" under it) and an upload
    with one (a recording sent with its screen's keyboard) carry the same buttons."""
    buttons = [
        InlineKeyboardButton(text="Оё ҳа?", callback_data="g:abc"),
        InlineKeyboardButton(text="u", url="https://x.org"),
    ]
    original = InlineKeyboardMarkup(inline_keyboard=[buttons])
    keyboard = KEYBOARDS.remember(original)
    assert [(b.text, b.callback_data, b.url) for b in keyboard.inline_keyboard[0]] == [
        ("Оё ҳа?", "g:abc", None), ("u", None, "https://x.org"),
    ]  # fmt: skip
    talk = InlineKeyboardButton(text="Talk", callback_data="ds:offer")
    extended = InlineKeyboardMarkup(inline_keyboard=[*keyboard.inline_keyboard, [talk]])
    assert extended == InlineKeyboardMarkup(inline_keyboard=[buttons, [talk]])
    voice = BufferedInputFile(b"OggS", filename="screen.ogg")
    ours, _ = both(SendVoice(chat_id=5, voice=voice, reply_markup=keyboard))
    _, aiogram = both(SendVoice(chat_id=5, voice=voice, reply_markup=original))
    assert isinstance(ours, FormData)
    sent = as_telegram_reads_the_form(ours)["reply_markup"]
    assert sent == as_telegram_reads_the_form(aiogram)["reply_markup"] == json.loads(KEYBOARDS.get(keyboard) or "")


def test_a_keyboard_built_on_the_spot_is_sent_as_well() -> None:
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Ҳа", callback_data="y")]])
    ours, aiogram = both(SendMessage(chat_id=-100123, text="x", reply_markup=keyboard))
    assert as_telegram_reads_the_json(ours) == as_telegram_reads_the_form(aiogram)


def test_uploads_still_go_as_multipart_forms() -> None:
    method = SendDocument(chat_id=5, document=BufferedInputFile(b"a,b\n", filename="export.csv"))
    ours, _ = both(method)
    assert isinstance(ours, FormData)
    assert ours.is_multipart


async def test_a_users_journey_goes_over_the_wire_as_json(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code="en")
    menu = await start_in(user, "English")
    await open_topic(user, menu, "Recruiters")
    await user.reply()
    await user.send("passport")
    await user.reply()
    sent = set(telegram.content_types)
    methods = {method for method, _ in sent}
    assert {"sendMessage", "editMessageText", "answerCallbackQuery", "setMyCommands"} <= methods
    assert {kind for _, kind in sent} == {"application/json"}, sent


def test_every_session_of_the_process_trusts_the_ca_bundle_through_one_tls_context() -> None:
    """aiogram builds a context per session (~40 ms reading the CA bundle); the bot opens two."""
    contexts = [SafarSession(timeout=5)._connector_init["ssl"] for _ in range(2)]
    assert contexts[0] is contexts[1]
    assert contexts[0].verify_mode == ssl.CERT_REQUIRED and contexts[0].check_hostname
    assert contexts[0].cert_store_stats()["x509_ca"] > 100  # certifi's bundle, as aiogram's own session loads
    assert (
        AiohttpSession()._connector_init.keys() == SafarSession()._connector_init.keys()
    )  # nothing of aiogram's left out
