"""A local fake of the Telegram Bot API for tests: serves HTTP on 127.0.0.1, records every
call, hands out queued updates through getUpdates, injects faults on request, and refuses
with Telegram's 400 what Telegram would refuse.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote

TEXT_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
INLINE_RESULTS_LIMIT = 50
INLINE_ID_LIMIT = 64
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*?)?)\s*(/?)>")
ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});")
STRING_FIELDS = {
    "text",
    "query",
    "next_offset",
    "parse_mode",
    "callback_query_id",
    "inline_query_id",
    "language_code",
    "secret_token",
    "url",
    "cache_time_s",
    "description",
    "short_description",
}
COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
DOWNLOAD_LIMIT = 20 * 2**20  # bytes: a bot may download files up to 20 MB (getFile)


TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijkl"  # the bot token tests use


class BadRequest(Exception):
    """What Telegram answers with 400 Bad Request."""


class Forbidden(Exception):
    """What Telegram answers with 403 Forbidden."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> str:
    """Check `text` as Telegram parses HTML; return the plain text. Raises BadRequest."""
    return parse_html_entities(text)[0]


ENTITY_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "span": "spoiler", "tg-spoiler": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}  # fmt: skip


def parse_html_entities(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Check `text` as Telegram parses HTML; return the plain text and its entities
    (offsets in UTF-16 code units, as Telegram gives them). Raises BadRequest. (Long on
    purpose: one pass over the text, each of Telegram's refusals where it is detected.)"""
    plain: list[str] = []
    stack: list[tuple[str, int, str]] = []  # tag, where it opened (UTF-16), attributes
    entities: list[dict[str, Any]] = []
    position = 0
    offset = 0
    while position < len(text):
        char = text[position]
        if char == "<":
            match = TAG.match(text, position)
            if not match:
                raise BadRequest('Can\'t parse entities: unexpected "<" (escape it as &lt;)')
            closing, name, attributes = match.group(1), match.group(2).lower(), match.group(3)
            if name not in ALLOWED_TAGS:
                raise BadRequest(f'Can\'t parse entities: unsupported start tag "{name}"')
            if closing:
                if not stack or stack[-1][0] != name:
                    raise BadRequest(f'Can\'t parse entities: unmatched end tag "{name}"')
                _, began, attrs = stack.pop()
                if offset > began:
                    kind = ENTITY_TYPES[name]
                    if name == "blockquote" and "expandable" in attrs:
                        kind = "expandable_blockquote"
                    entities.append({"type": kind, "offset": began, "length": offset - began})
            else:
                check_attributes(name, attributes.strip())
                if any(t == name for t, _, _ in stack) and name in {
                    "blockquote",
                    "a",
                    "pre",
                    "code",
                }:
                    raise BadRequest(f'Can\'t parse entities: nested "{name}" is not allowed')
                stack.append((name, offset, attributes))
            position = match.end()
            continue
        if char == "&":
            match = ENTITY.match(text, position)
            if not match:
                raise BadRequest(
                    "Can't parse entities: unsupported HTML entity (escape & as &amp;)"
                )
            char = {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"'}.get(match.group(), "?")
            position = match.end()
        else:
            position += 1
        plain.append(char)
        offset += utf16_len(char)
    if stack:
        raise BadRequest(f"Can't parse entities: can't find end tag for \"{stack[-1][0]}\"")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(plain), entities


def check_attributes(name: str, attributes: str) -> None:
    allowed = {
        "a": r'^href="[^"]+"$',
        "span": r'^class="tg-spoiler"$',
        "blockquote": r"^(expandable)?$",
        "code": r'^(class="language-[\w+-]+")?$',
        "pre": r"^$",
        "tg-emoji": r'^emoji-id="\d+"$',
    }.get(name, r"^$")
    if not re.match(allowed, attributes):
        raise BadRequest(f'Can\'t parse entities: unsupported attribute in "{name}" tag')


def check_text(params: dict[str, Any], key: str = "text") -> str:
    return check_text_entities(params, key)[0]


def check_text_entities(
    params: dict[str, Any], key: str = "text"
) -> tuple[str, list[dict[str, Any]]]:
    text = params.get(key)
    if not isinstance(text, str):
        raise BadRequest(f"{key} is required")
    html_mode = str(params.get("parse_mode", "")).upper() == "HTML"
    plain, entities = parse_html_entities(text) if html_mode else (text, [])
    if not plain.strip():
        raise BadRequest("message text is empty")
    if utf16_len(plain) > TEXT_LIMIT:
        raise BadRequest("message is too long")
    return plain, entities


def check_markup(markup: Any) -> None:
    if markup is None:
        return
    if not isinstance(markup, dict) or not isinstance(markup.get("inline_keyboard"), list):
        raise BadRequest("reply markup is invalid")
    for row in markup["inline_keyboard"]:
        for button in row:
            if not button.get("text"):
                raise BadRequest("BUTTON_TEXT_EMPTY")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                raise BadRequest("BUTTON_DATA_INVALID")


@dataclass
class Chaos:
    """Random faults for soak runs: each call of a listed method fails with these odds.

    The first four strike before the call is carried out (nothing is sent); the `_after`
    ones after it: the message exists and the call is recorded as delivered (status 200,
    `Call.fault_after` set), but the bot gets a dropped connection or a 500 instead of the
    answer, as when Telegram's reply is lost on the way back.
    """

    too_many: float = 0.0  # 429 with retry_after
    server_error: float = 0.0  # 500
    slow: float = 0.0  # answered after a delay
    dropped: float = 0.0  # connection closed without an answer
    retry_after: int = 1
    delay: float = 1.0
    methods: frozenset[str] = frozenset(
        {"sendMessage", "answerInlineQuery", "answerCallbackQuery", "getUpdates"}
    )
    seed: int = 1
    dropped_after: float = 0.0  # carried out, then the connection closed without an answer
    server_error_after: float = 0.0  # carried out, then answered 500

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.lock = threading.Lock()

    def draw(self, method: str) -> Fault | None:
        """The fault for this call, if any."""
        if method not in self.methods:
            return None
        with self.lock:
            roll = self.rng.random()
        for odds, fault in (
            (self.too_many, Fault(status=429, retry_after=self.retry_after)),
            (self.server_error, Fault(status=500)),
            (self.slow, Fault(status=200, delay=self.delay)),
            (self.dropped, Fault(drop=True)),
            (self.dropped_after, Fault(drop=True, after=True)),
            (self.server_error_after, Fault(status=500, after=True)),
        ):
            if roll < odds:
                return fault
            roll -= odds
        return None


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    status: int
    at: float = field(default_factory=time.monotonic)
    result: Any = None  # what a successful call returned (the Message sent, …)
    # a call carried out (delivered) whose answer the bot did not get: "dropped" or "500"
    fault_after: str | None = None


@dataclass
class Fault:
    """A failure to inject into the next call of a method."""

    status: int = 500
    retry_after: int = 0
    delay: float = 0.0
    drop: bool = False  # close the connection without an answer
    after: bool = False  # fail only after carrying the call out (it is delivered)

    def kind(self) -> str:
        """How the bot sees this fault: "dropped" or the HTTP status."""
        return "dropped" if self.drop else str(self.status)


class FakeBotAPI:
    """The fake server; use as a context manager or start()/stop()."""

    def __init__(self, token: str, username: str = "docs_test_bot", bot_id: int = 424242) -> None:
        self.token = token
        self.username = username
        self.bot_id = bot_id
        self.calls: list[Call] = []
        self.refusals: list[tuple[str, str]] = []
        self._updates: list[dict[str, Any]] = []
        self._faults: dict[str, list[Fault]] = {}
        self._next_update = itertools.count(1)
        self._next_message = itertools.count(100_000)  # apart from the tests' ids
        self._cond = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self.chaos: Chaos | None = None
        # what the bot has posted: (chat id, message id) → the Message, as edited since
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.strangers: set[int] = set()  # users who never opened a chat with the bot
        self.chat_types: dict[int, str] = {}  # chat id → type, for chats not private
        self.chat_titles: dict[int, str] = {}  # chat id → title, for getChat
        self._answered_queries: set[str] = set()
        self.files: dict[str, tuple[bytes, str]] = {}  # file id → (content, file_path)
        self.members: dict[int, set[int]] = {}  # chat id → its members, for getChatMember
        self.confirmed = 0  # the highest update id the bot has confirmed receiving

    # --- control -------------------------------------------------------------------------
    def start(self) -> FakeBotAPI:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                fake.handle(self)

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 256  # many bots' connections at once, as Telegram takes them

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        with self._cond:
            self._cond.notify_all()

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def add_file(self, data: bytes, name: str, size: int | None = None) -> dict[str, Any]:
        """Store a file users sent; returns the Document object a message carries (its
        `file_size` is `size` when given, to stand for a file too big to store here)."""
        with self._cond:
            number = len(self.files) + 1
            file_id = f"BQACAgIAAxkBAAI{number:06d}"
            suffix = name.rsplit(".", 1)[-1] if "." in name else "bin"
            self.files[file_id] = (data, f"documents/file_{number}.{suffix}")
        return {
            "file_id": file_id,
            "file_unique_id": f"AgAD{number:06d}",
            "file_name": name,
            "mime_type": "application/octet-stream",
            "file_size": len(data) if size is None else size,
        }

    def downloads(self) -> list[Call]:
        """The file downloads the bot made."""
        return self.sent("download")

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; returns its update_id."""
        with self._cond:
            update = {"update_id": next(self._next_update), **update}
            for kind in ("message", "edited_message", "channel_post", "edited_channel_post"):
                if kind in update:
                    posted = update[kind]
                    self.messages[(posted["chat"]["id"], posted["message_id"])] = posted
                    self.chat_types[posted["chat"]["id"]] = posted["chat"]["type"]
                    if "title" in posted["chat"]:
                        self.chat_titles[posted["chat"]["id"]] = posted["chat"]["title"]
            self._updates.append(update)
            self._cond.notify_all()
            return update["update_id"]

    def fail_next(self, method: str, fault: Fault) -> None:
        """Make the next call of `method` fail as described."""
        with self._cond:
            self._faults.setdefault(method, []).append(fault)

    def wait_for(
        self, method: str, count: int = 1, timeout: float = 10.0, since: int = 0
    ) -> list[Call]:
        """Block until `count` successful calls of `method` (after call index `since`)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls[since:] if c.method == method and c.status == 200]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    made = [c.method for c in self.calls[since:]]
                    raise AssertionError(f"no {count}× {method} in {timeout}s; calls: {made}")
                self._cond.wait(left)

    def wait_received(self, update_id: int, timeout: float = 10.0) -> None:
        """Block until the bot has confirmed receiving update `update_id`."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.confirmed < update_id:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"update {update_id} not received in {timeout}s")
                self._cond.wait(left)

    def posts(self, chat_id: int, since: int = 0) -> list[Call]:
        """The messages the bot posted to a chat (sent, not edited) after call `since`."""
        return [c for c in self.sent("sendMessage", since) if c.params.get("chat_id") == chat_id]

    def sent(self, method: str = "sendMessage", since: int = 0) -> list[Call]:
        with self._cond:
            return [c for c in self.calls[since:] if c.method == method and c.status == 200]

    # --- serving -------------------------------------------------------------------------
    def handle(self, request: BaseHTTPRequestHandler) -> None:
        # The bot may hang up mid-answer (a long poll cancelled at shutdown).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.serve(request)

    def serve(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path.split("?")[0]
        download = re.match(r"^/file/bot([^/]+)/(.+)$", path)
        if download is not None:
            self.serve_file(request, unquote(download.group(1)), unquote(download.group(2)))
            return
        match = re.match(r"^/bot([^/]+)/(\w+)$", path)
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        if not match or match.group(1) != self.token:
            self.reply(
                request,
                401 if match else 404,
                {"ok": False, "error_code": 401, "description": "Unauthorized"},
            )
            return
        method = match.group(2)
        params = self.parse(request.headers.get("Content-Type", ""), body)
        fault = self.next_fault(method)
        after = None
        if fault is not None and fault.after:
            after, fault = fault, None
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.drop:
                self.record(method, params, 0)
                self.hang_up(request)
                return
            if fault.status != 200:
                self.record(method, params, fault.status)
                self.fail(request, fault)
                return
        try:
            result = self.dispatch(method, params)
        except (BadRequest, Forbidden) as error:
            status, name = (
                (400, "Bad Request") if isinstance(error, BadRequest) else (403, "Forbidden")
            )
            self.record(method, params, status)
            with self._cond:
                self.refusals.append((method, str(error)))
            self.reply(
                request,
                status,
                {"ok": False, "error_code": status, "description": f"{name}: {error}"},
            )
            return
        if after is not None:  # carried out and recorded as delivered; the answer is lost
            self.record(method, params, 200, result, fault_after=after.kind())
            self.fail_after(request, after, result)
            return
        if method != "getUpdates" or result:
            self.record(method, params, 200, result)
        self.reply(request, 200, {"ok": True, "result": result})

    def next_fault(self, method: str) -> Fault | None:
        """The fault this call of `method` meets: one queued with fail_next, else one the
        chaos draws, if any."""
        with self._cond:
            faults = self._faults.get(method)
            fault = faults.pop(0) if faults else None
        if fault is None and self.chaos is not None:
            fault = self.chaos.draw(method)
        return fault

    def fail_after(self, request: BaseHTTPRequestHandler, after: Fault, result: Any) -> None:
        """Answer a call carried out as `after` says: late, dropped, or an error status."""
        if after.delay:
            time.sleep(after.delay)
        if after.drop:
            self.hang_up(request)
        elif after.status != 200:
            self.fail(request, after)
        else:  # only late
            self.reply(request, 200, {"ok": True, "result": result})

    def serve_file(self, request: BaseHTTPRequestHandler, token: str, file_path: str) -> None:
        """A file download, as api.telegram.org/file/bot<token>/<file_path> serves it."""
        found = [data for data, path in self.files.values() if path == file_path]
        if token != self.token or not found:
            self.record("download", {"file_path": file_path}, 404)
            self.reply(request, 404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        self.record("download", {"file_path": file_path}, 200)
        request.send_response(200)
        request.send_header("Content-Type", "application/octet-stream")
        request.send_header("Content-Length", str(len(found[0])))
        request.end_headers()
        request.wfile.write(found[0])

    def record(
        self,
        method: str,
        params: dict[str, Any],
        status: int,
        result: Any = None,
        fault_after: str | None = None,
    ) -> None:
        with self._cond:
            self.calls.append(Call(method, params, status, result=result, fault_after=fault_after))
            self._cond.notify_all()

    @staticmethod
    def hang_up(request: BaseHTTPRequestHandler) -> None:
        """Close the connection without an answer."""
        request.close_connection = True
        request.connection.shutdown(2)

    def fail(self, request: BaseHTTPRequestHandler, fault: Fault) -> None:
        """Answer with the fault's error status (429 with its retry_after)."""
        payload: dict[str, Any] = {"ok": False, "error_code": fault.status}
        if fault.status == 429:
            payload["description"] = f"Too Many Requests: retry after {fault.retry_after}"
            payload["parameters"] = {"retry_after": fault.retry_after}
        else:
            payload["description"] = "Internal Server Error"
        self.reply(request, fault.status, payload)

    @staticmethod
    def reply(request: BaseHTTPRequestHandler, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    @staticmethod
    def parse(content_type: str, body: bytes) -> dict[str, Any]:
        if not body:
            return {}
        if content_type.startswith("application/json"):
            return json.loads(body)
        params: dict[str, Any] = {}
        for key, values in parse_qs(body.decode(), keep_blank_values=True).items():
            value = values[-1]
            if key in STRING_FIELDS:
                params[key] = value
                continue
            try:
                params[key] = json.loads(value)
            except json.JSONDecodeError:
                params[key] = value
        return params

    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Docs",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    def dispatch(self, method: str, params: dict[str, Any]) -> Any:
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            raise BadRequest(f"method {method} is not known to the fake")
        return handler(params)

    # --- the Bot API methods the bot uses ------------------------------------------------
    def api_getMe(self, params: dict[str, Any]) -> Any:
        return self.bot_user()

    def api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        return True

    def api_setWebhook(self, params: dict[str, Any]) -> Any:
        return True

    def api_close(self, params: dict[str, Any]) -> Any:
        return True

    def api_logOut(self, params: dict[str, Any]) -> Any:
        return True

    def api_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        with self._cond:  # the bot confirms every update below its offset as received
            self.confirmed = max(self.confirmed, offset - 1)
            self._cond.notify_all()
        timeout = min(float(params.get("timeout") or 0), 2.0)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                if self._updates or time.monotonic() >= deadline:
                    return list(self._updates[: int(params.get("limit") or 100)])
                self._cond.wait(deadline - time.monotonic())

    def api_setMyCommands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or not 1 <= len(commands) <= 100:
            raise BadRequest("commands must be a list of 1-100 commands")
        for command in commands:
            if not COMMAND_NAME.match(command.get("command", "")):
                raise BadRequest("BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise BadRequest("BOT_COMMAND_DESCRIPTION_INVALID")
        return True

    def message(
        self, params: dict[str, Any], text: str, entities: list[dict[str, Any]]
    ) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            raise BadRequest("chat not found")
        kind = "private" if chat_id > 0 else self.chat_types.get(chat_id, "supergroup")
        body: dict[str, Any] = {
            "message_id": next(self._next_message),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": kind},
            "from": self.bot_user(),
            "text": text,
        }
        if entities:
            body["entities"] = entities
        if params.get("reply_markup"):
            body["reply_markup"] = params["reply_markup"]
        return body

    def api_sendMessage(self, params: dict[str, Any]) -> Any:
        plain, entities = check_text_entities(params)
        check_markup(params.get("reply_markup"))
        if params.get("chat_id") in self.strangers:
            raise Forbidden("bot can't initiate conversation with a user")
        reply = params.get("reply_parameters")
        if reply is not None and not isinstance((reply or {}).get("message_id"), int):
            raise BadRequest("message to be replied not found")
        message = self.message(params, plain, entities)
        with self._cond:
            if reply is not None:
                replied = self.messages.get((params["chat_id"], reply["message_id"]))
                if replied is None and not reply.get("allow_sending_without_reply"):
                    raise BadRequest("message to be replied not found")
                if replied is not None:
                    message["reply_to_message"] = {
                        k: v for k, v in replied.items() if k != "reply_to_message"
                    }
            self.messages[(message["chat"]["id"], message["message_id"])] = message
        return message

    def api_editMessageText(self, params: dict[str, Any]) -> Any:
        plain, entities = check_text_entities(params)
        check_markup(params.get("reply_markup"))
        key = (params.get("chat_id"), params.get("message_id"))
        with self._cond:
            earlier = self.messages.get(key)  # type: ignore[arg-type]
            if earlier is None:
                raise BadRequest("message to edit not found")
            if earlier.get("from", {}).get("id") != self.bot_id:
                raise BadRequest("message can't be edited")
            markup = params.get("reply_markup") or None
            if (earlier["text"], earlier.get("entities", []), earlier.get("reply_markup")) == (
                plain,
                entities,
                markup,
            ):
                raise BadRequest(
                    "message is not modified: specified new message content and reply markup "
                    "are exactly the same as a current content and reply markup of the message"
                )
            edited = {**earlier, "text": plain, "edit_date": int(time.time())}
            edited.pop("entities", None)
            edited.pop("reply_markup", None)
            if entities:
                edited["entities"] = entities
            if markup:
                edited["reply_markup"] = markup
            self.messages[key] = edited  # type: ignore[index]
        return edited

    def api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        query_id = params.get("callback_query_id")
        if not query_id:
            raise BadRequest("QUERY_ID_INVALID")
        with self._cond:
            if query_id in self._answered_queries:
                raise BadRequest(
                    "query is too old and response timeout expired or query ID is invalid"
                )
            self._answered_queries.add(query_id)
        if len(params.get("text") or "") > 200:
            raise BadRequest("MESSAGE_TOO_LONG")
        url = params.get("url")
        if url is not None and not re.match(
            rf"^https://t\.me/{self.username}\?start=[A-Za-z0-9_-]{{1,64}}$", url
        ):
            raise BadRequest("URL_INVALID")
        return True

    def api_deleteMessage(self, params: dict[str, Any]) -> Any:
        key = (params.get("chat_id"), params.get("message_id"))
        with self._cond:
            message = self.messages.get(key)  # type: ignore[arg-type]
            if message is None:
                raise BadRequest("message to delete not found")
            if message.get("from", {}).get("id") != self.bot_id:
                raise BadRequest("message can't be deleted")  # no admin rights in the fake
            del self.messages[key]  # type: ignore[arg-type]
        return True

    def api_getFile(self, params: dict[str, Any]) -> Any:
        stored = self.files.get(str(params.get("file_id")))
        if stored is None:
            raise BadRequest("wrong file_id or the file is temporarily unavailable")
        data, file_path = stored
        if len(data) > DOWNLOAD_LIMIT:
            raise BadRequest("file is too big")
        file_id = str(params["file_id"])
        return {
            "file_id": file_id,
            "file_unique_id": "AgAD" + file_id[-6:],
            "file_size": len(data),
            "file_path": file_path,
        }

    def api_getChat(self, params: dict[str, Any]) -> Any:
        chat_id = params.get("chat_id")
        kind = self.chat_types.get(chat_id)  # type: ignore[arg-type]
        if kind is None:
            raise BadRequest("chat not found")
        title = self.chat_titles.get(chat_id, "")  # type: ignore[arg-type]
        return {
            "id": chat_id,
            "type": kind,
            "title": title,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def api_getChatMember(self, params: dict[str, Any]) -> Any:
        chat_id, user_id = params.get("chat_id"), params.get("user_id")
        members = self.members.get(chat_id)  # type: ignore[arg-type]
        if members is None:
            raise BadRequest("chat not found")
        status = "member" if user_id in members else "left"
        return {"status": status, "user": {"id": user_id, "is_bot": False, "first_name": "U"}}

    def api_setMyDescription(self, params: dict[str, Any]) -> Any:
        if len(params.get("description") or "") > 512:
            raise BadRequest("BOT_DESCRIPTION_INVALID")
        return True

    def api_setMyShortDescription(self, params: dict[str, Any]) -> Any:
        if len(params.get("short_description") or "") > 120:
            raise BadRequest("BOT_SHORT_DESCRIPTION_INVALID")
        return True

    def api_answerInlineQuery(self, params: dict[str, Any]) -> Any:
        results = params.get("results")
        if not isinstance(results, list) or len(results) > INLINE_RESULTS_LIMIT:
            raise BadRequest("RESULTS_TOO_MUCH")
        ids = [r.get("id", "") for r in results]
        if len(set(ids)) != len(ids):
            raise BadRequest("RESULT_ID_DUPLICATE")
        for result in results:
            if not 1 <= len(result.get("id", "").encode()) <= INLINE_ID_LIMIT:
                raise BadRequest("RESULT_ID_INVALID")
            if result.get("type") != "article" or not result.get("title"):
                raise BadRequest("RESULT_TITLE_EMPTY")
            content = result.get("input_message_content") or {}
            check_text(content, "message_text")
            check_markup(result.get("reply_markup"))
        if len(str(params.get("next_offset") or "").encode()) > 64:
            raise BadRequest("NEXT_OFFSET_INVALID")
        button = params.get("button")
        if button is not None and (
            not button.get("text")
            or not re.match(r"^[A-Za-z0-9_-]{1,64}$", button.get("start_parameter") or "")
        ):
            raise BadRequest("BUTTON_START_PARAM_INVALID")
        return True
