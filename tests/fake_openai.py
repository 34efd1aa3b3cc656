"""A small real Chat Completions server on 127.0.0.1 for the test-endpoint tests.

The model name picks the behaviour: `good` answers everything properly
(non-streamed, SSE with a usage chunk, tool calls with fragmented streamed
arguments, json_schema replies); the other names misbehave on demand (see
SCENARIOS). Every request is recorded (path, headers, body) for assertions.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GOOD_TEXT = ["Hel", "lo ", "there!"]
TOOL_FRAGMENTS = ['{"ci', 'ty": "Pa', 'ris", "unit"', ': "celsius"}']
CITY = {"city": "Paris", "country": "France", "population": 2102650}
USAGE = {"prompt_tokens": 12, "completion_tokens": 4, "total_tokens": 16}


def kind_of(request: dict) -> str:
    if "tools" in request:
        return "tools"
    if "response_format" in request:
        return "structured"
    return "stream" if request.get("stream") else "chat"


def completion(message: dict, finish: str = "stop") -> dict:
    return {"id": "chatcmpl-1", "object": "chat.completion", "model": "fake",
            "choices": [{"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish}],
            "usage": USAGE}


def chunk(delta: dict | None, finish: str | None = None, usage: dict | None = None) -> dict:
    choices = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish}]
    data = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "fake", "choices": choices}
    if usage:
        data["usage"] = usage
    return data


def good_chunks(kind: str) -> list[dict]:
    if kind == "tools":
        first = {"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                                 "function": {"name": "get_weather", "arguments": ""}}]}
        parts = [chunk({"role": "assistant", "content": None, **first})]
        parts += [chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]})
                  for piece in TOOL_FRAGMENTS]
        return parts + [chunk({}, "tool_calls")]
    text = json.dumps(CITY) if kind == "structured" else "".join(GOOD_TEXT)
    pieces = GOOD_TEXT if kind != "structured" else [text[:10], text[10:]]
    return [chunk({"role": "assistant", "content": ""})] + [chunk({"content": p}) for p in pieces] + [chunk({}, "stop")]


def good_message(kind: str) -> dict:
    if kind == "tools":
        return {"content": None, "tool_calls": [{"id": "call_1", "type": "function", "function": {
            "name": "get_weather", "arguments": "".join(TOOL_FRAGMENTS)}}]}
    if kind == "structured":
        return {"content": json.dumps(CITY)}
    return {"content": "".join(GOOD_TEXT)}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # a body without Content-Length ends when the connection closes

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away, as it should for the endless scenarios

    def do_POST(self) -> None:
        fake = self.server.fake
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        request = json.loads(raw or b"{}")
        kind = kind_of(request)
        model = request.get("model", "")
        fake.record(self.path, dict(self.headers), request)
        count = fake.count(model, kind)
        scenario = SCENARIOS.get(fake.force or model, Handler.good)
        if self.path.startswith("/moved/"):  # where a same-origin redirect lands
            scenario = Handler.good
        scenario(self, request, kind, count)

    # --- building blocks -------------------------------------------------

    def send_json(self, status: int, data, headers: dict | None = None) -> None:
        body = data if isinstance(data, bytes) else json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def start_sse(self, length: int | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def event(self, data) -> None:
        text = data if isinstance(data, str) else json.dumps(data)
        self.wfile.write(f"data: {text}\n\n".encode())
        self.wfile.flush()

    def stream_chunks(self, request: dict, chunks: list, done: bool = True) -> None:
        self.start_sse()
        for item in chunks:
            self.event(item)
        if (request.get("stream_options") or {}).get("include_usage"):
            self.event(chunk(None, usage=USAGE))
        if done:
            self.event("[DONE]")

    def error(self, status: int, message: str, headers: dict | None = None) -> None:
        self.send_json(status, {"error": {"message": message, "type": "invalid_request_error"}}, headers)

    # --- scenarios ---------------------------------------------------------

    def good(self, request, kind, count) -> None:
        if request.get("stream"):
            self.stream_chunks(request, good_chunks(kind))
        else:
            self.send_json(200, completion(good_message(kind)))

    def unauthorized(self, request, kind, count) -> None:
        # Real servers echo part of the key; this one echoes all of it.
        self.error(401, f"Incorrect API key provided: {self.headers.get('Authorization', '')}")

    def missing_model(self, request, kind, count) -> None:
        self.error(404, f"The model `{request['model']}` does not exist")

    def odd_400(self, request, kind, count) -> None:
        self.send_json(400, {"detail": [{"loc": ["body"], "msg": "bad \x1b[31mred\x1b[0m [bold]x[/bold]"}]})

    def rate_limited(self, request, kind, count) -> None:
        self.error(429, "Rate limit reached", {"Retry-After": "0"})

    def rate_limited_once(self, request, kind, count) -> None:
        if count == 1:
            return self.error(429, "Rate limit reached", {"retry-after-ms": "10", "Retry-After": "7"})
        self.good(request, kind, count)

    def rate_limited_long(self, request, kind, count) -> None:
        self.error(429, "Rate limit reached", {"Retry-After": "3600"})

    def broken(self, request, kind, count) -> None:
        self.error(500, "Internal error")

    def not_implemented(self, request, kind, count) -> None:
        self.error(501, "Not implemented")

    def flaky(self, request, kind, count) -> None:
        if count == 1:
            return self.error(500, "Internal error, try again")
        self.good(request, kind, count)

    def down(self, request, kind, count) -> None:
        self.error(503, "Service Unavailable")

    def bad_json(self, request, kind, count) -> None:
        if request.get("stream"):
            self.start_sse()
            self.event("{not json")
            return self.event("[DONE]")
        self.send_json(200, b"{not json")

    def cut_stream(self, request, kind, count) -> None:
        if not request.get("stream"):
            return self.good(request, kind, count)
        self.start_sse(length=100_000)  # promises more than it sends
        self.event(good_chunks(kind)[0])
        self.wfile.write(b'data: {"choices": [{"del')
        self.wfile.flush()
        self.close_connection = True

    def broken_sse(self, request, kind, count) -> None:
        if not request.get("stream"):
            return self.good(request, kind, count)
        self.start_sse()  # ends by closing: the last line is cut
        self.event(good_chunks(kind)[0])
        self.wfile.write(b'data: {"choices": [{"del')

    def no_done(self, request, kind, count) -> None:
        if not request.get("stream"):
            return self.good(request, kind, count)
        self.stream_chunks(request, good_chunks(kind), done=False)

    def empty_choices(self, request, kind, count) -> None:
        if request.get("stream"):
            return self.stream_chunks(request, [chunk(None)])
        self.send_json(200, {"id": "x", "object": "chat.completion", "choices": []})

    def slow_stream(self, request, kind, count) -> None:
        self.start_sse()
        self.event(chunk({"role": "assistant", "content": ""}))
        while not self.server.fake.stopping.wait(0.02):  # forever, until the client or the test ends
            self.event(chunk({"content": "."}))

    def stall(self, request, kind, count) -> None:
        self.start_sse()
        self.event(chunk({"role": "assistant", "content": ""}))
        self.server.fake.stopping.wait(60)

    def stall_late(self, request, kind, count) -> None:
        self.start_sse()
        self.event(chunk({"role": "assistant", "content": ""}))
        for _ in range(10):  # a promising start…
            if self.server.fake.stopping.wait(0.02):
                return
            self.event(chunk({"content": "."}))
        self.server.fake.stopping.wait(60)  # …then nothing, until the test ends

    def huge(self, request, kind, count) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        block = b" " * 65536
        for _ in range(800):  # 50 MiB at most; the client stops reading long before
            if self.server.fake.stopping.is_set():
                return
            self.wfile.write(block)

    def redirect(self, request, kind, count) -> None:
        self.send_response(307)
        self.send_header("Location", self.server.fake.redirect_to + self.path)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def text_only(self, request, kind, count) -> None:
        message = {"content": "It is sunny in Paris." if kind != "chat" else "Hello!"}
        if request.get("stream"):
            return self.stream_chunks(request, [chunk({"content": message["content"]}), chunk({}, "stop")])
        self.send_json(200, completion(message))

    def no_features(self, request, kind, count) -> None:
        if kind in ("tools", "structured"):
            return self.error(400, f"{kind} are not supported by this server")
        self.good(request, kind, count)

    def wrong_args(self, request, kind, count) -> None:
        call = {"index": 0, "id": "c", "type": "function",
                "function": {"name": "get_weather", "arguments": '{"town": "Paris"}'}}
        if kind == "tools":
            return self.stream_chunks(request, [chunk({"tool_calls": [call]}), chunk({}, "tool_calls")])
        if kind == "structured":
            return self.send_json(200, completion({"content": '{"city": "Paris", "population": "many"}'}))
        self.good(request, kind, count)

    def error_in_stream(self, request, kind, count) -> None:
        if not request.get("stream"):
            return self.good(request, kind, count)
        self.start_sse()
        self.event({"error": {"message": "model overloaded"}})

    def ignores_stream(self, request, kind, count) -> None:
        self.send_json(200, completion(good_message(kind)))


SCENARIOS = {name.replace("_", "-"): getattr(Handler, name) for name in (
    "unauthorized", "missing_model", "odd_400", "rate_limited", "rate_limited_once",
    "rate_limited_long", "flaky", "broken", "not_implemented", "down", "bad_json", "cut_stream", "broken_sse", "no_done",
    "empty_choices", "slow_stream", "stall", "stall_late", "huge", "redirect", "text_only", "no_features",
    "wrong_args", "error_in_stream", "ignores_stream")}


class FakeOpenAI:
    """The server: start(), .url (the …/v1 base), .requests, close()."""

    def __init__(self, force: str | None = None) -> None:
        self.force = force  # this scenario for every model (a redirect target answers "good")
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.fake = self
        self.requests: list[dict] = []
        self.stopping = threading.Event()
        self.redirect_to = ""
        self._counts: Counter = Counter()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def url(self) -> str:
        return self.origin + "/v1"

    def record(self, path: str, headers: dict, body: dict) -> None:
        with self._lock:
            self.requests.append({"path": path, "headers": headers, "body": body})

    def count(self, model: str, kind: str) -> int:
        with self._lock:
            self._counts[model, kind] += 1
            return self._counts[model, kind]

    def start(self) -> "FakeOpenAI":
        self._thread.start()
        return self

    def close(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
