"""Request bodies: JSON instead of URL-encoded forms, and keyboards serialised once."""

import json
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InputFile
from aiohttp import BytesPayload, FormData

from bot.serialized_keyboards import KEYBOARDS


class SafarSession(AiohttpSession):
    """aiogram's session, sending JSON bodies instead of URL-encoded forms, keyboards serialised once.

    aiogram URL-encodes every parameter, which percent-escapes each byte of a Cyrillic text (two
    bytes, six characters each), and dumps the whole method, keyboard included, for every request.
    For Safar's long lesson screens that was most of the cost of a request (scripts/bench_load.py,
    profiled). The Bot API takes `application/json` bodies for everything except uploads, which
    still go as multipart forms.
    """

    def build_form_data(  # type: ignore[override]  # aiohttp posts a Payload as it is
        self, bot: Bot, method: TelegramMethod[TelegramType]
    ) -> FormData | BytesPayload:
        serialized = KEYBOARDS.get(getattr(method, "reply_markup", None))
        files: dict[str, InputFile] = {}
        fields: dict[str, Any] = {}
        exclude = {"reply_markup"} if serialized is not None else None
        for key, value in method.model_dump(warnings=False, exclude=exclude).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared is not None and prepared != "":
                fields[key] = prepared
        if files:
            return super().build_form_data(bot, method)
        body = json.dumps(fields, ensure_ascii=False)
        if serialized is not None:
            body = f'{body[:-1]}{", " if fields else ""}"reply_markup": {serialized}}}'
        return BytesPayload(body.encode(), content_type="application/json")
