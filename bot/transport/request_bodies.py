"""Request bodies: JSON instead of URL-encoded forms, and keyboards serialised once."""

import json
from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InputFile
from aiohttp import BytesPayload, ClientError, ClientTimeout, FormData, TCPConnector

from bot.common.serialized_keyboards import KEYBOARDS
from bot.transport.answer_types import answer_read_as_sent
from bot.transport.new_updates import GetNewUpdates
from bot.transport.tls import shared_tls_context

_JSON = json.JSONEncoder(ensure_ascii=False)
"""One encoder for every request: json.dumps with options would build a new one per call."""


class SafarSession(AiohttpSession):
    """aiogram's session, sending JSON bodies instead of URL-encoded forms, keyboards serialised once.

    aiogram URL-encodes every parameter, which percent-escapes each byte of a Cyrillic text (two
    bytes, six characters each), and dumps the whole method, keyboard included, for every request.
    For Safar's long lesson screens that was most of the cost of a request (scripts/bench_load.py,
    profiled). The Bot API takes `application/json` bodies for everything except uploads, which
    still go as multipart forms.
    """

    def __init__(self, limit: int = 100, **kwargs: Any) -> None:
        """AiohttpSession's set-up (aiogram 3.31, without a proxy: Safar sets none) with the
        process's one TLS context instead of a new one read from the CA bundle (bot/transport/tls.py)."""
        BaseSession.__init__(self, **kwargs)
        self._session = None
        self._connector_type = TCPConnector
        self._connector_init = {"ssl": shared_tls_context(), "limit": limit, "ttl_dns_cache": 3600}
        self._should_reset_connector = True
        self._proxy = None

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109  # aiogram's signature
    ) -> TelegramType:
        """AiohttpSession.make_request with `request_body` in place of its form.

        Relies on aiogram 3.31's session contract: `Bot.__call__` runs the session's request
        middlewares (bot.transport.responses, bot.transport.retries) around `make_request`, which is
        the method a custom session implements (aiogram's docs, "Custom session"); `create_session`,
        `api.api_url` and `check_response` are the session's own public methods, which turn the
        reply into the result or raise the same Telegram* errors as aiogram's session does.
        """
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        limit = ClientTimeout(total=self.timeout if timeout is None else timeout)
        try:
            async with session.post(url, data=self.request_body(bot, method), timeout=limit) as response:
                raw_result = await response.text()
        except TimeoutError as error:
            raise TelegramNetworkError(method=method, message="Request timeout error") from error
        except ClientError as error:
            raise TelegramNetworkError(method=method, message=f"{type(error).__name__}: {error}") from error
        if isinstance(method, GetNewUpdates):  # updates handed out again while under way: not read again
            raw_result = method.without_held(raw_result, self.json_loads, self.json_dumps)
        checked = self.check_response(bot=bot, method=method, status_code=response.status, content=raw_result)
        return cast(TelegramType, checked.result)

    def check_response(
        self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int, content: str
    ) -> Response[TelegramType]:
        """aiogram's own check, an edit's answer read as the Message or the True it is
        (bot/transport/answer_types.py: one Message validator fewer, 2.9 MB)."""
        with answer_read_as_sent(type(method), content):
            return super().check_response(bot=bot, method=method, status_code=status_code, content=content)

    def request_body(self, bot: Bot, method: TelegramMethod[TelegramType]) -> FormData | BytesPayload:
        """The method as a JSON body; a multipart form (aiogram's own) when it uploads a file.

        Values are prepared by aiogram's `prepare_value`, which resolves bot defaults (parse mode),
        enums, dates and files; its private `_dumps_json=False` keeps objects as dicts, to be
        encoded once with the whole body instead of each as a string inside a string.
        """
        serialized = KEYBOARDS.get(getattr(method, "reply_markup", None))
        files: dict[str, InputFile] = {}
        members: list[str] = []
        exclude = {"reply_markup"} if serialized is not None else None
        for key, value in method.model_dump(warnings=False, exclude=exclude).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared is not None and prepared != "":
                members.append(f'"{key}": {_JSON.encode(prepared)}')  # keys are Python identifiers
        if files:
            return self.build_form_data(bot, method)
        if serialized is not None:
            members.append(f'"reply_markup": {serialized}')
        return BytesPayload(f"{{{', '.join(members)}}}".encode(), content_type="application/json")
