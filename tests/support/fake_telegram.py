"""A fake Telegram Bot API server on 127.0.0.1, as strict as the real one where it matters.

It knows every method and required parameter from the official list (Bot API 10.1, vendored in
`tests/telegram-bot-api-10.1.json`; its "source" says where it came from), refuses text over 4096
characters, any field Telegram parses as HTML or Markdown (text, caption, poll question, quote ...)
that it would not parse, callback data over 64 bytes, an edit that changes nothing, and a callback
query answered twice. Tests play users: they queue updates and read what the bot sent.
"""

import asyncio
import contextlib
import html
import itertools
import json
import math
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.web_request import FileField

SPEC_PATH = Path(__file__).resolve().parents[1] / "telegram-bot-api-10.1.json"
BOT_ID = 7000001
TOKEN = f"{BOT_ID}:AAE-fakeTokenForSafarTests_0123456789ab"
ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code",
    "pre", "blockquote", "tg-emoji",
}  # fmt: skip


def _load_spec() -> dict[str, dict[str, bool]]:
    """method → {parameter: required}."""
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return {name: {f["name"]: bool(f["required"]) for f in fields} for name, fields in spec["methods"].items()}


PARSED_BY_PARSE_MODE = ("text", "caption", "message_text")
"""The field a bare `parse_mode` applies to: a message's text, a file's caption, an inline result's text."""
MARKDOWN_V2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def formatted_fields(params: Any, path: str = "") -> list[tuple[str, str, str]]:
    """(where, mode, value) of every field Telegram will parse, at any depth: `parse_mode` applies to
    the text or caption beside it, `question_parse_mode` to `question`, `quote_parse_mode` to `quote` ..."""
    found: list[tuple[str, str, str]] = []
    if isinstance(params, list):
        for index, item in enumerate(params):
            found += formatted_fields(item, f"{path}[{index}]")
    elif isinstance(params, dict):
        for key, mode in params.items():
            if key.endswith("parse_mode") and isinstance(mode, str) and mode:
                names = PARSED_BY_PARSE_MODE if key == "parse_mode" else (key.removesuffix("_parse_mode"),)
                found += [(path + name, mode, str(params[name])) for name in names if params.get(name) is not None]
        for key, value in params.items():
            if isinstance(value, dict | list):
                found += formatted_fields(value, f"{path}{key}.")
    return found


def parse_markdown_v2(text: str) -> list[str]:
    """Telegram's MarkdownV2: every reserved character outside markup must be escaped, markup closed."""
    errors: list[str] = []
    open_marks: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        mark = "||" if text.startswith("||", index) else "__" if text.startswith("__", index) else char
        if mark in ("*", "_", "__", "~", "||", "`"):
            if open_marks and open_marks[-1] == mark:
                open_marks.pop()
            else:
                open_marks.append(mark)
        elif char in MARKDOWN_V2_RESERVED and char not in "[]()":
            errors.append(f"Character '{char}' is reserved and must be escaped with the preceding '\\'")
        index += len(mark)
    errors += [f"can't find end of {mark} entity" for mark in open_marks]
    return errors


def _load_types() -> dict[str, dict[str, bool]]:
    """type → {field: required}, to check objects the bot sends (inline results and their parts)."""
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return {
        name: {f["name"]: bool(f["required"]) for f in kind.get("fields", [])} for name, kind in spec["types"].items()
    }


INLINE_RESULT_TYPES = {"article": "InlineQueryResultArticle"}
"""The inline result types the fake knows how to check (Safar sends articles)."""


class _StrictHTML(HTMLParser):
    """Telegram's HTML parse mode, independently of the bot's own checker."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.errors.append(f'unsupported start tag "{tag}"')
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f'unmatched end tag "{tag}"')
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data or "&" in data:
            self.errors.append("unescaped character")
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in {"lt", "gt", "amp", "quot"}:
            self.errors.append(f"unsupported entity &{name};")
        self.text.append(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.text.append(html.unescape(f"&#{name};"))


def parse_html(text: str) -> tuple[str, list[str]]:
    parser = _StrictHTML()
    parser.feed(text)
    parser.close()
    errors = parser.errors + [f'unclosed tag "{t}"' for t in parser.stack]
    if parser.rawdata:
        errors.append("can't find end of the entity")
    return "".join(parser.text), errors


def _sender(update: dict[str, Any]) -> int:
    """The id of the user an update comes from (0 for none)."""
    sender = next((v.get("from", {}) for v in update.values() if isinstance(v, dict)), {})
    return int(sender.get("id", 0))


def _chat_of(params: dict[str, Any]) -> int:
    try:
        return int(params.get("chat_id", 0))
    except (TypeError, ValueError):
        return 0


def _puts_a_message_in_the_chat(method: str) -> bool:
    """What Telegram's limit of about one message a second per chat counts: a message sent, copied,
    forwarded or edited there (not a chat action, not a button press's answer)."""
    return method.startswith(("send", "copyMessage", "forwardMessage", "editMessage")) and method != "sendChatAction"


class BadRequest(Exception):
    def __init__(self, description: str, code: int = 400, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.description = description
        self.code = code
        self.retry_after = retry_after


@dataclass
class Sent:
    """A message as the user's phone shows it now (edits replace text and buttons)."""

    method: str
    chat_id: int
    message_id: int
    text: str
    buttons: list[list[dict[str, Any]]] = field(default_factory=list)
    media: dict[str, Any] = field(default_factory=dict)
    """A voice note's, photo's or document's fields of the Message ('voice': {...}), as Telegram returns them."""

    def labels(self) -> list[str]:
        return [b["text"] for row in self.buttons for b in row]

    def button(self, label: str) -> dict[str, Any]:
        matches = [b for row in self.buttons for b in row if label in b["text"]]
        if len(matches) != 1:
            raise AssertionError(f"{len(matches)} buttons match {label!r} in {self.labels()}")
        return matches[0]


@dataclass
class Outage:
    kind: str
    until: float
    methods: frozenset[str] | None = None
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    """Set by `end_outage()`: the outage is over before its time."""

    def covers(self, method: str) -> bool:
        in_time = time.monotonic() < self.until and not self.ended.is_set()
        return in_time and (self.methods is None or method in self.methods)


class FakeTelegram:
    def __init__(self, cancel_on_disconnect: bool = False) -> None:
        self.cancel_on_disconnect = cancel_on_disconnect
        """Like Telegram, a call whose client hung up is not carried out (for shutdown tests)."""
        self.latency: dict[str, float] = {}
        """Seconds each call of a method takes before it is carried out (a slow network)."""
        self.chat_latency: dict[int, float] = {}
        """Seconds each call to a chat takes, instead of the method's latency."""
        self.offsets: list[int] = []
        """The `offset` of every getUpdates: updates below the last one are confirmed as handled."""
        self.handed: dict[int, int] = {}
        """update_id → user id of every update getUpdates handed to the bot."""
        self.methods = _load_spec()
        self.types = _load_types()
        self.open_inline: dict[str, asyncio.Event] = {}
        self.inline_answers: dict[str, dict[str, Any]] = {}
        self.updates: list[dict[str, Any]] = []
        self.update_ids = itertools.count(1)
        self.last_update_id = 0
        self.handed_again: set[str] = set()
        """Callback queries whose update getUpdates handed out more than once (not confirmed in time)."""
        """The id of the last update sent to the bot (0: none yet)."""
        self.message_ids = itertools.count(100)
        self.new_updates = asyncio.Condition()
        self.outboxes: defaultdict[int, asyncio.Queue[Sent]] = defaultdict(asyncio.Queue)
        self.messages: dict[tuple[int, int], Sent] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.content_types: list[tuple[str, str]] = []
        """(method, Content-Type) of every request, as it came over the wire."""
        self.open_queries: dict[str, asyncio.Event] = {}
        self.query_answers: dict[str, dict[str, Any]] = {}
        self.failures: list[tuple[str, BadRequest]] = []
        self.protocol_errors: list[str] = []
        self.commands: dict[str | None, list[dict[str, str]]] = {}
        self.scoped_commands: dict[int, list[dict[str, str]]] = {}
        self.blocked_chats: set[int] = set()
        self.files: list[tuple[int, str, str, bytes]] = []
        """(chat, 'photo', 'voice' or 'document', file name, content) of every file uploaded."""
        self.stored_files: dict[str, bytes] = {}
        """file_id → content of every file uploaded: sending a file_id again needs no upload."""
        self.sent_files: list[tuple[int, str, str]] = []
        """(chat, 'photo', 'voice' or 'document' as it arrived, file_id) of every file sent, uploaded or by file_id."""
        """Chats whose user blocked the bot: every message to them gets 403."""
        self.delivered: list[tuple[float, int, str]] = []
        """(monotonic time, chat, text) of every message sent, to check rates and order."""
        self.delivery = asyncio.Event()
        self.runner: web.AppRunner | None = None
        self.base_url = ""
        self.closing = False
        self.outage: Outage | None = None
        self.outage_calls: Counter[str] = Counter()
        """Calls per method that met the outage: a client in a busy loop would show here."""
        self.before_call: Callable[[str, dict[str, Any]], None] | None = None
        self.after_call: Callable[[str, dict[str, Any]], Awaitable[None]] | None = None
        """Awaited once a call was carried out (its message is in the chat), before the bot gets the answer."""
        """Called with each call before it is served; raising BadRequest fails that call."""
        self.webhook: tuple[str, str] | None = None
        """(url, secret_token) after setWebhook: updates are then POSTed there instead of handed to getUpdates."""
        self.webhook_attempts: list[tuple[float, int, int | str]] = []
        """(monotonic time, update_id, HTTP status or the connection error's name) of every webhook call."""
        self.webhook_max_connections = 40
        """Like Telegram's default: at most this many webhook calls open at once (one per chat at a time)."""
        self.webhook_timeout = 60.0
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_busy: set[int] = set()
        self._webhook_retry_at: dict[int, float] = {}
        self._poll_generation = 0
        self.answer_within = 10.0
        """How long a user waits for a tap to be answered (the phone's spinner)."""
        self.seconds_between_chat_messages: float | None = None
        """Off unless a test sets it (it slows every reply): like Telegram, a message to a chat that got
        one less than this many seconds ago is refused with 429 and retry_after, the seconds left."""
        self._last_chat_message: dict[int, float] = {}
        self.chat_floods: list[tuple[int, int]] = []
        """(chat, len(delivered) then) of every such 429: where it falls among the messages sent."""
        self.chat_flooded = asyncio.Event()
        """Set at each such 429."""
        self.held_chats: dict[int, asyncio.Event] = {}
        """Calls to these chats wait until their event is set (a reply on its way for as long as a test needs)."""
        self.calls_held: Counter[int] = Counter()
        """Calls waiting now, per held chat."""
        self.under_way: Counter[int] = Counter()
        """Calls that arrived and are not answered yet, per chat (0 for none): a reply on its way."""
        self.groups: dict[int, dict[str, Any]] = {}
        """Supergroups the bot is in (add_group): whether they have topics, the bot's rights."""
        self.groups_left: set[int] = set()
        """Groups that removed the bot: every call there gets 403."""
        self.topics: dict[int, dict[str, Any]] = {}
        """message_thread_id → name, closed, deleted."""
        self.posted: dict[tuple[int, int], dict[str, Any]] = {}
        """(chat, message_id) → what was sent there by people (and copies), for copyMessage."""
        self.copies: list[dict[str, Any]] = []
        """Every copy made: the original's content, with chat_id and thread of the copy."""
        self.group_messages_per_minute: int | None = 20
        self.group_rate_window = 60.0
        self.call_served = asyncio.Event()
        """Set after every call: `until` waits on it for what the bot did to show."""
        self.group_refusals = 0
        """Seconds the group limit counts over: a test may shrink Telegram's minute to keep fast."""
        self._group_sends: defaultdict[int, list[float]] = defaultdict(list)
        self.user_files: dict[str, bytes] = {}
        """file_id → content of the files people sent (photos), for getFile and the download."""
        self.downloads: list[str] = []
        """file_id of every file the bot downloaded."""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.*}", self._download)
        self.runner = web.AppRunner(app, handler_cancellation=self.cancel_on_disconnect)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        self.closing = True
        async with self.new_updates:
            self.new_updates.notify_all()  # long polls still open return at once
        if self._webhook_task is not None:
            self._webhook_task.cancel()  # calls still open are dropped, as a closing Telegram would
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
        if self.runner:
            await self.runner.cleanup()

    def start_outage(self, kind: str, seconds: float, methods: frozenset[str] | None = None) -> None:
        """For `seconds`, `methods` (default all) fail: '500', '429', 'reset' (connection cut) or
        'timeout' (no answer until the outage ends, then an error; the call is never carried out)."""
        self.outage = Outage(kind, time.monotonic() + seconds, methods)
        self.outage_calls.clear()

    def end_outage(self) -> None:
        """The outage is over now: a test that has seen what it causes need not wait out its length."""
        if self.outage is not None:
            self.outage.ended.set()

    @contextlib.contextmanager
    def holding(self, chat: int) -> Iterator[asyncio.Event]:
        """Calls to `chat` wait until the event is set, or the block ends (so a failing test lets them go)."""
        released = self.held_chats[chat] = asyncio.Event()
        try:
            yield released
        finally:
            released.set()
            del self.held_chats[chat]

    def fail_next(self, method: str, error: BadRequest) -> None:
        """The next call of `method` gets `error` instead of success (429, 5xx, 403 ...)."""
        self.failures.append((method, error))

    # --- the HTTP side -------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.content_types.append((method, request.content_type))
        if request.match_info["token"] != TOKEN:
            return self._error(BadRequest("Unauthorized", 401))
        if method not in self.methods:
            return self._error(BadRequest("Not Found: method not found", 404))
        params = await self._params(request)
        self.under_way[_chat_of(params)] += 1
        try:
            return await self._serve(request, method, params)
        finally:
            self.under_way[_chat_of(params)] -= 1

    async def _serve(self, request: web.Request, method: str, params: dict[str, Any]) -> web.Response:
        delay = self.chat_latency.get(_chat_of(params), self.latency.get(method, 0.0))
        if delay:
            await asyncio.sleep(delay)  # the behaviour itself: a slow network, not a wait for an event
        held = self.held_chats.get(_chat_of(params))
        if held is not None:
            self.calls_held[_chat_of(params)] += 1
            await held.wait()
            self.calls_held[_chat_of(params)] -= 1
        outage = self.outage
        if outage is not None and outage.covers(method):
            self.outage_calls[method] += 1
            return await self._fail(request, outage)
        try:
            if self.before_call is not None:
                self.before_call(method, params)
            self._check_parameters(method, params)
            self._check_formatting(params)
            self._check_chat_rate(method, _chat_of(params))
            for index, (failing, error) in enumerate(self.failures):
                if failing == method:
                    del self.failures[index]
                    raise error
            self.calls.append((method, params))
            result = await getattr(self, f"_{method}", self._accept)(params)
            if self.after_call is not None:
                await self.after_call(method, params)
        except BadRequest as error:
            return self._error(error)
        finally:
            self.call_served.set()
        return web.json_response({"ok": True, "result": result})

    async def _download(self, request: web.Request) -> web.Response:
        """A file's content at the path getFile gave, as Telegram's file server serves it."""
        file_id = request.match_info["path"].rsplit("/", 1)[-1].removesuffix(".png")
        if request.match_info["token"] != TOKEN or file_id not in self.user_files:
            return web.Response(status=404)
        self.downloads.append(file_id)
        return web.Response(body=self.user_files[file_id], content_type="application/octet-stream")

    async def _getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params["file_id"])
        if file_id not in self.user_files:
            raise BadRequest("Bad Request: invalid file_id")
        size = len(self.user_files[file_id])
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": size,
            "file_path": f"photos/{file_id}.png",
        }

    async def _fail(self, request: web.Request, outage: "Outage") -> web.Response:
        if outage.kind == "reset":
            assert request.transport is not None
            request.transport.abort()
            return web.Response(status=500)
        if outage.kind == "timeout":
            with contextlib.suppress(TimeoutError):  # the outage itself: no answer until it ends
                await asyncio.wait_for(outage.ended.wait(), max(0.0, outage.until - time.monotonic()))
            return self._error(BadRequest("Internal Server Error", 500))
        if outage.kind == "429":
            return self._error(BadRequest("Too Many Requests: retry after 1", 429, retry_after=1))
        return self._error(BadRequest("Internal Server Error", 500))

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return dict(await request.json())
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, FileField):
                params[key] = {"filename": value.filename, "content": value.file.read()}
                continue
            text = str(value)
            try:
                params[key] = json.loads(text) if text[:1] in "[{" or text in ("true", "false") else text
            except json.JSONDecodeError:
                params[key] = text
        return params

    def _check_parameters(self, method: str, params: dict[str, Any]) -> None:
        known = self.methods[method]
        for name, required in known.items():
            if required and name not in params:
                self.protocol_errors.append(f"{method} without {name}")
                raise BadRequest(f"Bad Request: parameter {name} is required")

    def _check_chat_rate(self, method: str, chat: int) -> None:
        interval = self.seconds_between_chat_messages
        if interval is None or not chat or not _puts_a_message_in_the_chat(method):
            return
        now = time.monotonic()
        left = self._last_chat_message.get(chat, -math.inf) + interval - now
        if left > 0:
            self.chat_floods.append((chat, len(self.delivered)))
            self.chat_flooded.set()
            retry_after = max(1, math.ceil(left))
            raise BadRequest(f"Too Many Requests: retry after {retry_after}", 429, retry_after=retry_after)
        self._last_chat_message[chat] = now

    def _check_formatting(self, params: dict[str, Any]) -> None:
        """Every field Telegram parses, as strictly as a message's text: a caption with a bare '<'
        fails the whole call, so a staff export sent with one never arrives."""
        for where, mode, value in formatted_fields(params):
            if mode == "HTML":
                errors = parse_html(value)[1]
            elif mode == "MarkdownV2":
                errors = parse_markdown_v2(value)
            elif mode == "Markdown":  # the legacy mode: only unclosed markup is refused
                errors = [f"can't find end of {mark} entity" for mark in "*_`" if value.count(mark) % 2]
            else:
                errors = [f"unsupported parse mode {mode!r}"]
            if errors:
                self.protocol_errors.append(f"bad {mode} in {where}: {errors[0]}")
                raise BadRequest(f"Bad Request: can't parse entities: {errors[0]}")

    def _error(self, error: BadRequest) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": error.code, "description": error.description}
        if error.retry_after is not None:
            body["parameters"] = {"retry_after": error.retry_after}
        return web.json_response(body, status=error.code)

    # --- methods -------------------------------------------------------------------------

    async def _accept(self, params: dict[str, Any]) -> bool:
        return True

    async def _getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "Safar", "username": "safar_test_bot"}

    async def _setMyCommands(self, params: dict[str, Any]) -> bool:
        for command in params["commands"]:
            if not 1 <= len(command["description"]) <= 256:
                raise BadRequest("Bad Request: command description is invalid")
        scope = params.get("scope") or {"type": "default"}
        if scope["type"] == "chat":
            self.scoped_commands[int(scope["chat_id"])] = params["commands"]
        else:
            self.commands[params.get("language_code")] = params["commands"]
        return True

    async def _getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise BadRequest(
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
                "webhook first",
                409,
            )
        offset = int(params.get("offset", 0))
        self.offsets.append(offset)
        # What the offset confirms is known as the call arrives; a long poll is served up to 10 s later.
        self.call_served.set()
        timeout = float(params.get("timeout", 0))
        deadline = time.monotonic() + timeout
        async with self.new_updates:
            # As Telegram does, a new getUpdates ends the one still waiting: two consumers get 409s.
            self._poll_generation += 1
            mine = self._poll_generation
            self.new_updates.notify_all()
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while not self.updates and not self.closing and time.monotonic() < deadline:
                try:
                    await asyncio.wait_for(self.new_updates.wait(), deadline - time.monotonic())
                except TimeoutError:
                    break
                if self._poll_generation != mine:
                    raise BadRequest(
                        "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
                        "is running",
                        409,
                    )
            batch = list(self.updates[:100])
        for update in batch:
            if update["update_id"] in self.handed and "callback_query" in update:
                self.handed_again.add(str(update["callback_query"]["id"]))
            self.handed[update["update_id"]] = _sender(update)
        return batch

    # --- webhook delivery ----------------------------------------------------------------

    async def _setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = (str(params["url"]), str(params.get("secret_token", "")))
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(self._deliver_by_webhook())
        return True

    async def _deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        async with self.new_updates:
            if params.get("drop_pending_updates") in (True, "true"):
                self.updates.clear()
            self.new_updates.notify_all()
        return True

    async def _getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.webhook[0] if self.webhook else "", "has_custom_certificate": False,
                "pending_update_count": len(self.updates)}  # fmt: skip

    def _next_for_webhook(self) -> list[dict[str, Any]]:
        """The oldest waiting update of each chat with no call open, whose retry time has come:
        a chat's updates go one at a time, in order, each until a 200 confirms it."""
        now, chosen, seen = time.monotonic(), [], set()
        room = self.webhook_max_connections - len(self._webhook_busy)
        for update in self.updates:
            chat = _sender(update)
            if chat in seen:
                continue
            seen.add(chat)
            if chat not in self._webhook_busy and self._webhook_retry_at.get(update["update_id"], 0) <= now:
                chosen.append(update)
                if len(chosen) >= room:
                    break
        return chosen

    async def _deliver_by_webhook(self) -> None:
        calls: set[asyncio.Task[None]] = set()
        async with aiohttp.ClientSession() as http:
            try:
                await self._webhook_rounds(http, calls)
            finally:
                for call in calls:
                    call.cancel()
                await asyncio.gather(*calls, return_exceptions=True)

    async def _webhook_rounds(self, http: aiohttp.ClientSession, calls: set[asyncio.Task[None]]) -> None:
        while not self.closing and self.webhook is not None:
            async with self.new_updates:
                ready = self._next_for_webhook()
                if not ready:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.new_updates.wait(), 0.1)  # retries come due too
                    continue
                for update in ready:
                    self._webhook_busy.add(_sender(update))
            for update in ready:
                call = asyncio.create_task(self._webhook_call(http, update))
                calls.add(call)
                call.add_done_callback(calls.discard)

    async def _webhook_call(self, http: aiohttp.ClientSession, update: dict[str, Any]) -> None:
        assert self.webhook is not None
        url, secret = self.webhook
        update_id, chat = update["update_id"], _sender(update)
        self.handed[update_id] = chat
        status: int | str
        try:
            async with http.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret},
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as response:  # fmt: skip
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as error:
            status = type(error).__name__
        self.webhook_attempts.append((time.monotonic(), update_id, status))
        async with self.new_updates:
            if status == 200:
                self.updates = [u for u in self.updates if u["update_id"] != update_id]
                self._webhook_retry_at.pop(update_id, None)
            else:  # Telegram tries again later, in the chat's order
                self._webhook_retry_at[update_id] = time.monotonic() + 0.3
            self._webhook_busy.discard(chat)
            self.new_updates.notify_all()

    def webhook_confirmed(self) -> Counter[int]:
        """update_id → how many webhook calls for it were answered 200 (Telegram stops after the first)."""
        return Counter(update_id for _, update_id, status in self.webhook_attempts if status == 200)

    async def _sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked_chats:
            raise BadRequest("Forbidden: bot was blocked by the user", 403)
        text, buttons = self._check_message(params)
        self._check_group_rate(chat_id)
        self.delivered.append((time.monotonic(), chat_id, text))
        self.delivery.set()
        sent = Sent("sendMessage", chat_id, next(self.message_ids), text, buttons)
        self.messages[(chat_id, sent.message_id)] = sent
        await self.outboxes[chat_id].put(sent)
        return self._message_json(sent)

    async def _editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        old = self.messages.get((chat_id, message_id))
        if old is None:
            raise BadRequest("Bad Request: message to edit not found")
        if old.media:
            raise BadRequest("Bad Request: there is no text in the message to edit")
        text, buttons = self._check_message(params)
        if text == old.text and buttons == old.buttons:
            raise BadRequest(
                "Bad Request: message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message"
            )
        sent = Sent("editMessageText", chat_id, message_id, text, buttons)
        self.messages[(chat_id, message_id)] = sent
        await self.outboxes[chat_id].put(sent)
        return self._message_json(sent)

    async def _sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_file(params, "photo")

    async def _sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_file(params, "document")

    async def _sendVoice(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_file(params, "voice")

    async def _send_file(self, params: dict[str, Any], kind: str) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked_chats:
            raise BadRequest("Forbidden: bot was blocked by the user", 403)
        upload = params[kind]
        if isinstance(upload, str) and upload.startswith("attach://"):  # how clients upload a file
            upload = params.get(upload.removeprefix("attach://"))
        if isinstance(upload, str):  # a file_id: only one this bot was given works
            if upload not in self.stored_files:
                self.protocol_errors.append(f"{kind} by an unknown file_id")
                raise BadRequest("Bad Request: wrong file identifier/HTTP URL specified")
            content, file_id, uploaded = self.stored_files[upload], upload, False
        elif isinstance(upload, dict) and upload.get("content"):
            content, file_id, uploaded = bytes(upload["content"]), f"{kind}-file-{len(self.stored_files) + 1}", True
        else:
            raise BadRequest(f"Bad Request: there is no {kind} in the request")
        caption = str(params.get("caption", ""))
        visible = parse_html(caption)[0] if params.get("parse_mode") == "HTML" else caption
        if len(visible.encode("utf-16-le")) // 2 > 1024:
            raise BadRequest("Bad Request: message caption is too long")
        arrived = kind
        if kind == "voice" and not (content.startswith(b"OggS") and b"OpusHead" in content[:200]):
            arrived = "document"  # like Telegram: not OGG/Opus (nor MP3/M4A) is no voice note, only a file
        if uploaded:
            self.stored_files[file_id] = content
            self.files.append((chat_id, kind, upload["filename"], content))
        self.sent_files.append((chat_id, arrived, file_id))
        unique = f"u-{file_id}"
        media: dict[str, Any] = {
            "voice": {"voice": {"file_id": file_id, "file_unique_id": unique, "duration": 1, "mime_type": "audio/ogg"}},
            "photo": {"photo": [{"file_id": file_id, "file_unique_id": unique, "width": 90, "height": 90}]},
            "document": {"document": {"file_id": file_id, "file_unique_id": unique,
                                      "file_name": upload["filename"] if uploaded else "file"}},
        }[arrived]  # fmt: skip
        if caption:
            media["caption"] = caption
        sent = Sent(f"send{kind.title()}", chat_id, next(self.message_ids), caption, media=media)
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            sent.buttons = markup["inline_keyboard"]
            for row in sent.buttons:
                for button in row:
                    self._check_button(button)
        self.messages[(chat_id, sent.message_id)] = sent
        await self.outboxes[chat_id].put(sent)
        return self._message_json(sent)

    # --- the counsellors' group: a supergroup with topics -------------------------------

    def _group(self, params: dict[str, Any]) -> int:
        chat_id = _chat_of(params)
        if chat_id not in self.groups:
            raise BadRequest("Bad Request: chat not found")
        if chat_id in self.groups_left:
            raise BadRequest("Forbidden: bot was kicked from the supergroup chat", 403)
        return chat_id

    async def _getChat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._group(params)
        forum = self.groups[chat_id]
        return {"id": chat_id, "type": "supergroup", "title": "Counsellors", "is_forum": forum["is_forum"],
                "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": {
                    "unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
                    "premium_subscription": False, "gifts_from_channels": False}}  # fmt: skip

    async def _getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._group(params)
        rights = self.groups[chat_id]["rights"]
        user = {"id": int(params["user_id"]), "is_bot": True, "first_name": "Safar"}
        return {"status": "administrator", "user": user, "can_be_edited": False, "is_anonymous": False,
                "can_manage_chat": True, "can_delete_messages": "can_delete_messages" in rights,
                "can_manage_video_chats": False, "can_restrict_members": False, "can_promote_members": False,
                "can_change_info": False, "can_invite_users": True, "can_post_stories": False,
                "can_edit_stories": False, "can_delete_stories": False, "can_send_welcome_messages": False,
                "can_manage_topics": "can_manage_topics" in rights}  # fmt: skip

    async def _createForumTopic(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._group(params)
        if not self.groups[chat_id]["is_forum"] or "can_manage_topics" not in self.groups[chat_id]["rights"]:
            raise BadRequest("Bad Request: not enough rights to create a topic")
        if not 1 <= len(str(params["name"])) <= 128:
            raise BadRequest("Bad Request: TOPIC_NAME_INVALID")
        self._check_group_rate(chat_id)  # the group shows "topic created": a message like any other
        topic = next(self.message_ids)
        self.topics[topic] = {"name": str(params["name"]), "closed": False, "deleted": False}
        return {"message_thread_id": topic, "name": str(params["name"]), "icon_color": 7322096}

    def _topic(self, params: dict[str, Any]) -> dict[str, Any]:
        self._group(params)
        topic = self.topics.get(int(params["message_thread_id"]))
        if topic is None or topic["deleted"]:
            raise BadRequest("Bad Request: TOPIC_ID_INVALID")
        return topic

    async def _closeForumTopic(self, params: dict[str, Any]) -> bool:
        topic = self._topic(params)
        self._check_group_rate(int(params["chat_id"]))  # "topic closed" is a message in the group too
        topic["closed"] = True
        return True

    async def _deleteForumTopic(self, params: dict[str, Any]) -> bool:
        if "can_delete_messages" not in self.groups[self._group(params)]["rights"]:
            raise BadRequest("Bad Request: not enough rights to delete a topic")
        self._topic(params)["deleted"] = True
        return True

    async def _copyMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        """A copy: the same content, no link to the original's sender. Into the group it lands in the
        topic asked for; from the group, only a message that was posted there can be copied."""
        to_chat, from_chat = int(params["chat_id"]), int(params["from_chat_id"])
        if to_chat in self.blocked_chats:
            raise BadRequest("Forbidden: bot was blocked by the user", 403)
        if to_chat in self.groups:
            self._group(params)
            if "message_thread_id" in params:
                self._topic(params)
        original = self.posted.get((from_chat, int(params["message_id"])))
        if original is None:
            raise BadRequest("Bad Request: message to copy not found")
        self._check_chat_rate("copyMessage", to_chat)
        self._check_group_rate(to_chat)
        message_id = next(self.message_ids)
        thread = params.get("message_thread_id")
        copy = {**original, "message_id": message_id, "chat_id": to_chat, "thread": thread}
        self.copies.append(copy)
        self.posted[(to_chat, message_id)] = copy
        self.delivered.append((time.monotonic(), to_chat, str(original.get("text", ""))))
        self.delivery.set()
        await self.outboxes[to_chat].put(Sent("copyMessage", to_chat, message_id, str(original.get("text", ""))))
        return {"message_id": message_id}

    def _check_group_rate(self, chat: int) -> None:
        """About 20 messages a minute into one group; more get 429 with the seconds to wait. Counts
        copies, messages and the service messages a topic's creation and closing put there."""
        if chat not in self.groups or self.group_messages_per_minute is None:
            return
        now = time.monotonic()
        window = self.group_rate_window
        recent = [t for t in self._group_sends[chat] if now - t < window]
        if len(recent) >= self.group_messages_per_minute:
            retry_after = max(1, math.ceil(window - (now - recent[0])))
            self.group_refusals += 1
            raise BadRequest(f"Too Many Requests: retry after {retry_after}", 429, retry_after=retry_after)
        self._group_sends[chat] = [*recent, now]

    def add_group(self, chat_id: int, *, is_forum: bool = True, rights: frozenset[str] | None = None) -> None:
        """A supergroup where the bot is an administrator with `rights` (default: what the desk needs)."""
        self.groups[chat_id] = {
            "is_forum": is_forum,
            "rights": set(rights if rights is not None else {"can_manage_topics", "can_delete_messages"}),
        }

    async def _editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        old = self.messages.get((chat_id, message_id))
        if old is None:
            raise BadRequest("Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        buttons = markup["inline_keyboard"] if isinstance(markup, dict) and "inline_keyboard" in markup else []
        if buttons == old.buttons:
            raise BadRequest("Bad Request: message is not modified")
        sent = Sent("editMessageReplyMarkup", chat_id, message_id, old.text, buttons)
        self.messages[(chat_id, message_id)] = sent
        await self.outboxes[chat_id].put(sent)
        return self._message_json(sent)

    async def _answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        query_id = str(params["callback_query_id"])
        event = self.open_queries.get(query_id)
        if event is None or event.is_set():
            if event is not None and query_id in self.handed_again:
                # Handed out again (a process killed before it confirmed the update): Telegram refuses
                # the second answer, and the bot was right to try. Not a breach of the protocol.
                raise BadRequest("Bad Request: query is too old and response timeout expired or query ID is invalid")
            self.protocol_errors.append(f"callback query {query_id} answered twice or never issued")
            raise BadRequest("Bad Request: query is too old and response timeout expired or query ID is invalid")
        if len(params.get("text", "")) > 200:
            raise BadRequest("Bad Request: MESSAGE_TOO_LONG")
        self.query_answers[query_id] = params
        event.set()
        return True

    async def _answerInlineQuery(self, params: dict[str, Any]) -> bool:
        """As strict as Telegram: each result checked against the spec's type, at most 50, ids of
        1-64 bytes and unique, message texts of 1-4096 characters of valid HTML."""
        query_id = str(params["inline_query_id"])
        event = self.open_inline.get(query_id)
        if event is None or event.is_set():
            self.protocol_errors.append(f"inline query {query_id} answered twice or never issued")
            raise BadRequest("Bad Request: query is too old and response timeout expired or query ID is invalid")
        results = params["results"]
        if not isinstance(results, list) or len(results) > 50:
            self.protocol_errors.append("inline results: not a list of at most 50")
            raise BadRequest("Bad Request: RESULTS_TOO_MUCH")
        ids = [str(result.get("id", "")) for result in results]
        if len(set(ids)) != len(ids) or not all(1 <= len(i.encode()) <= 64 for i in ids):
            self.protocol_errors.append(f"inline result ids invalid: {ids}")
            raise BadRequest("Bad Request: RESULT_ID_INVALID")
        for result in results:
            kind = INLINE_RESULT_TYPES.get(str(result.get("type")))
            if kind is None:
                self.protocol_errors.append(f"inline result of unknown type {result.get('type')}")
                raise BadRequest("Bad Request: RESULT_TYPE_INVALID")
            self._check_object(kind, result)
            content = result["input_message_content"]
            self._check_object("InputTextMessageContent", content)
            if "link_preview_options" in content:
                self._check_object("LinkPreviewOptions", content["link_preview_options"])
            self._check_message({"text": content["message_text"], "parse_mode": content.get("parse_mode"),
                                 "reply_markup": result.get("reply_markup")})  # fmt: skip
        if "button" in params:
            self._check_object("InlineQueryResultsButton", params["button"])
            start = str(params["button"].get("start_parameter", ""))
            if not (1 <= len(start) <= 64 and all(c.isascii() and (c.isalnum() or c in "_-") for c in start)):
                self.protocol_errors.append(f"inline button start_parameter {start!r}")
                raise BadRequest("Bad Request: START_PARAM_INVALID")
        self.inline_answers[query_id] = params
        event.set()
        return True

    def _check_object(self, kind: str, value: Any) -> None:
        """Required fields present and no field the spec does not name."""
        fields = self.types[kind]
        if not isinstance(value, dict):
            self.protocol_errors.append(f"{kind} is not an object")
            raise BadRequest(f"Bad Request: can't parse {kind}")
        missing = [name for name, required in fields.items() if required and name not in value]
        unknown = [name for name in value if name not in fields]
        if missing or unknown:
            self.protocol_errors.append(f"{kind}: missing {missing}, unknown {unknown}")
            raise BadRequest(f"Bad Request: can't parse {kind}")

    def _check_message(self, params: dict[str, Any]) -> tuple[str, list[list[dict[str, Any]]]]:
        raw = str(params["text"])
        # The markup itself was checked with every other formatted field (_check_formatting).
        visible = parse_html(raw)[0] if params.get("parse_mode") == "HTML" else raw
        length = len(visible.encode("utf-16-le")) // 2
        if not visible.strip():
            raise BadRequest("Bad Request: message text is empty")
        if length > 4096:
            self.protocol_errors.append("text over 4096")
            raise BadRequest("Bad Request: message is too long")
        buttons: list[list[dict[str, Any]]] = []
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            buttons = markup["inline_keyboard"]
            for row in buttons:
                for button in row:
                    self._check_button(button)
        return raw, buttons

    def _check_button(self, button: dict[str, Any]) -> None:
        actions = [k for k in button if k not in ("text", "style", "icon_custom_emoji_id")]
        if not button.get("text") or len(actions) != 1:
            self.protocol_errors.append(f"bad button {button}")
            raise BadRequest("Bad Request: inline keyboard button must have exactly one action")
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode()) <= 64:
            self.protocol_errors.append(f"callback data of {len(str(data).encode())} bytes")
            raise BadRequest("Bad Request: BUTTON_DATA_INVALID")

    def _message_json(self, sent: Sent) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": {"id": sent.chat_id, "type": "private", "first_name": "User"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Safar"},
            **(sent.media or {"text": sent.text}),
        }
        if sent.buttons:
            message["reply_markup"] = {"inline_keyboard": sent.buttons}
        return message

    # --- the user side -------------------------------------------------------------------

    async def push_update(self, payload: dict[str, Any]) -> int:
        message = payload.get("message")
        if isinstance(message, dict):  # what copyMessage may copy later
            self.posted[(int(message["chat"]["id"]), int(message["message_id"]))] = {
                key: value for key, value in message.items() if key not in ("from", "chat", "message_id", "date")
            }
        update_id = self.last_update_id = next(self.update_ids)
        async with self.new_updates:
            self.updates.append({"update_id": update_id, **payload})
            self.new_updates.notify_all()
        return update_id

    async def all_confirmed(self, within: float = 30) -> None:
        """Until the bot has told Telegram (by a getUpdates' offset) that every update so far was handled."""
        await self.until(lambda: self.offsets and self.offsets[-1] > self.last_update_id, within)

    async def delivered_at_least(self, count: int, within: float = 30) -> None:
        """Wait until `count` messages in all have been sent."""
        async with asyncio.timeout(within):
            while len(self.delivered) < count:
                self.delivery.clear()
                await self.delivery.wait()

    async def delivered_to(self, chats: set[int], containing: str = "", within: float = 30) -> None:
        """Wait until each of `chats` has been sent a message (one containing `containing`). Counting from
        the total before the wait would race a bulk job: it may have sent some before the count."""
        async with asyncio.timeout(within):
            while not chats <= {chat for _, chat, text in self.delivered if containing in text}:
                self.delivery.clear()
                await self.delivery.wait()

    async def until(self, condition: Callable[[], object], within: float = 15) -> None:
        """Wait until `condition` holds, checked after each call the bot makes."""
        async with asyncio.timeout(within):
            while not condition():
                self.call_served.clear()
                await self.call_served.wait()

    def user(self, user_id: int = 501, language_code: str | None = "ru") -> "FakeUser":
        return FakeUser(self, user_id, language_code)


class FakeUser:
    """A person in a private chat with the bot."""

    def __init__(self, telegram: FakeTelegram, user_id: int, language_code: str | None) -> None:
        self.telegram = telegram
        self.id = user_id
        self.language_code = language_code
        self.query_ids = itertools.count(1)

    def _from(self) -> dict[str, Any]:
        user = {"id": self.id, "is_bot": False, "first_name": "Test"}
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    async def send(self, text: str, entities: list[dict[str, Any]] | None = None) -> None:
        """A text message; `entities` as the phone sets them for formatting (text links, mentions ...)."""
        message: dict[str, Any] = {
            "message_id": next(self.telegram.message_ids),
            "date": int(time.time()),
            "chat": {"id": self.id, "type": "private", "first_name": "Test"},
            "from": self._from(),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if entities:
            message["entities"] = entities
        await self.telegram.push_update({"message": message})

    async def send_sticker(self) -> None:
        await self.telegram.push_update({"message": {
            "message_id": next(self.telegram.message_ids), "date": int(time.time()),
            "chat": {"id": self.id, "type": "private", "first_name": "Test"}, "from": self._from(),
            "sticker": {"file_id": "x", "file_unique_id": "y", "type": "regular", "width": 1, "height": 1,
                        "is_animated": False, "is_video": False},
        }})  # fmt: skip

    async def send_album(self, pictures: int, album: str = "album-1", files: Sequence[bytes] = ()) -> None:
        """Several pictures sent together: Telegram delivers one update per picture, all with one
        media_group_id. `files`: what the first pictures hold, for getFile and the download."""
        for number, picture in zip(range(pictures), files, strict=False):
            self.telegram.user_files[f"{album}-{number}"] = picture
        for number in range(pictures):
            await self.telegram.push_update({"message": {
                "message_id": next(self.telegram.message_ids), "date": int(time.time()),
                "chat": {"id": self.id, "type": "private", "first_name": "Test"}, "from": self._from(),
                "media_group_id": album,
                "photo": [{"file_id": f"{album}-{number}", "file_unique_id": f"u{album}-{number}", "width": 90,
                           "height": 90}],
            }})  # fmt: skip

    async def send_media(self, kind: str, album: str | None = None) -> int:
        """A voice note, photo, document or video note, as the phone sends it; returns its message_id."""
        number = next(self.telegram.message_ids)
        file = {"file_id": f"{kind}-{number}", "file_unique_id": f"u{kind}-{number}"}
        media: dict[str, Any] = {
            "voice": {"voice": {**file, "duration": 4}},
            "photo": {"photo": [{**file, "width": 90, "height": 90}]},
            "document": {"document": {**file, "file_name": "contract.pdf"}},
            "video_note": {"video_note": {**file, "length": 240, "duration": 5}},
            "contact": {"contact": {"phone_number": "+992900000000", "first_name": "Test"}},
            "location": {"location": {"latitude": 55.75, "longitude": 37.61}},
        }[kind]
        if album is not None:
            media["media_group_id"] = album
        await self.telegram.push_update({"message": {
            "message_id": number, "date": int(time.time()),
            "chat": {"id": self.id, "type": "private", "first_name": "Test"}, "from": self._from(), **media,
        }})  # fmt: skip
        return number

    async def forward(self, text: str, origin: dict[str, Any]) -> int:
        """A message forwarded into the chat: `origin` as Telegram gives it (a MessageOrigin)."""
        number = next(self.telegram.message_ids)
        await self.telegram.push_update({"message": {
            "message_id": number, "date": int(time.time()),
            "chat": {"id": self.id, "type": "private", "first_name": "Test"}, "from": self._from(),
            "forward_origin": origin, "text": text,
        }})  # fmt: skip
        return number

    async def send_photo(self, picture: bytes, caption: str | None = None, origin: dict[str, Any] | None = None) -> int:
        """A photo (its largest size holds `picture`), forwarded from `origin` if given; returns its message_id."""
        number = next(self.telegram.message_ids)
        file_id = f"photo-{number}"
        self.telegram.user_files[file_id] = picture
        message: dict[str, Any] = {
            "message_id": number, "date": int(time.time()),
            "chat": {"id": self.id, "type": "private", "first_name": "Test"}, "from": self._from(),
            "photo": [{"file_id": f"thumb-{number}", "file_unique_id": f"ut{number}", "width": 90, "height": 90},
                      {"file_id": file_id, "file_unique_id": f"u{number}", "width": 720, "height": 900,
                       "file_size": len(picture)}],
        }  # fmt: skip
        if caption is not None:
            message["caption"] = caption
        if origin is not None:
            message["forward_origin"] = origin
        await self.telegram.push_update({"message": message})
        return number

    async def post_in_topic(self, group: int, topic: int, text: str) -> int:
        """A message of this user in a topic of a supergroup with topics."""
        number = next(self.telegram.message_ids)
        message: dict[str, Any] = {
            "message_id": number, "date": int(time.time()), "message_thread_id": topic, "is_topic_message": True,
            "chat": {"id": group, "type": "supergroup", "title": "Counsellors", "is_forum": True},
            "from": self._from(), "text": text,
        }  # fmt: skip
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        await self.telegram.push_update({"message": message})
        return number

    async def press(self, message: Sent, label: str) -> dict[str, Any]:
        """Tap a button on `message` (as the phone shows it now); returns the callback answer."""
        current = self.telegram.messages.get((message.chat_id, message.message_id), message)
        return await self.press_data(current, str(current.button(label)["callback_data"]))

    async def press_data(self, message: Sent, data: str) -> dict[str, Any]:
        query_id = f"{self.id}-{next(self.query_ids)}"
        answered = asyncio.Event()
        self.telegram.open_queries[query_id] = answered
        await self.telegram.push_update({"callback_query": {
            "id": query_id, "from": self._from(), "chat_instance": f"ci{self.id}", "data": data,
            "message": self.telegram._message_json(message),
        }})  # fmt: skip
        await asyncio.wait_for(answered.wait(), self.telegram.answer_within)
        return self.telegram.query_answers[query_id]

    async def inline(self, query: str, chat_type: str = "group") -> dict[str, Any]:
        """Type `@bot <query>` in a chat; returns the bot's answerInlineQuery parameters."""
        query_id = f"i{self.id}-{next(self.query_ids)}"
        answered = asyncio.Event()
        self.telegram.open_inline[query_id] = answered
        await self.telegram.push_update(
            {
                "inline_query": {
                    "id": query_id,
                    "from": self._from(),
                    "query": query,
                    "offset": "",
                    "chat_type": chat_type,
                }
            }
        )
        await asyncio.wait_for(answered.wait(), 10)
        return self.telegram.inline_answers[query_id]

    async def reply(self, within: float = 60) -> Sent:
        """The next message the bot sends or edits in this chat. It returns as soon as one comes; the
        time limit only ends a test whose reply never comes, so it is generous for a loaded CI machine
        (a /reload, reading every content file, took more than 10 s at load average 8)."""
        return await asyncio.wait_for(self.telegram.outboxes[self.id].get(), within)

    def nothing_sent(self) -> bool:
        return self.telegram.outboxes[self.id].empty()
