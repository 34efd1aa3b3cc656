"""A streaming Chat Completions server on 127.0.0.1 with controlled latency, for
the load-run tests: it waits `first_delay` before the first token and
`token_delay` between tokens (fixed, or drawn per request from a seeded range),
can fail every Nth request with 429 or 500, stall, or serve at most
`slots` requests at once (the others queue). Every request's injected delays are
recorded under the call reference its system prompt starts with.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REFERENCE = re.compile(r"Call reference (\d{6})")
WORDS = "Sure thing, I can help you with that booking. What time works best for you".split()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # the stream ends when the connection closes

    def log_message(self, *args) -> None:
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_POST(self) -> None:
        server: LoadServer = self.server.owner
        if server.keep_alive:  # decided per server: answer as HTTP/1.1 and keep the connection
            self.protocol_version, self.close_connection = "HTTP/1.1", False
        with server.lock:
            server.connections.add(self.client_address)
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        number, plan = server.admit(request)
        if plan["fail"]:
            self.close_connection = True
            body = json.dumps({"error": {"message": f"failing request {number}"}}).encode()
            self.send_response(plan["fail"])
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(body)
            return
        if server.slots is not None:
            server.slots.acquire()  # queue for a slot; the wait shows up in the client's TTFT
        try:
            self._stream(server, request, plan)
        finally:
            if server.slots is not None:
                server.slots.release()

    def _stream(self, server, request, plan) -> None:
        events = [{"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {
            "content": (" " if i else "") + word}, "finish_reason": None}]} for i, word in enumerate(plan["words"])]
        events.append({"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        if server.usage:
            events.append({"object": "chat.completion.chunk", "choices": [],
                           "usage": {"prompt_tokens": 100, "completion_tokens": len(plan["words"]),
                                     "total_tokens": 100 + len(plan["words"])}})
        raw = [f"data: {json.dumps(e)}\n\n".encode() for e in events] + [b"data: [DONE]\n\n"]
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        if server.keep_alive:  # HTTP/1.1: the length tells where the stream ends, the connection stays
            self.send_header("Content-Length", str(sum(map(len, raw))))
        self.end_headers()
        if server.stopping.wait(plan["first_delay"]) or server.stall:
            server.stopping.wait(60) if server.stall else None
            return
        for i, data in enumerate(raw):
            if 0 < i < len(plan["words"]) and server.stopping.wait(plan["token_delay"]):
                return
            self.wfile.write(data)
            self.wfile.flush()


class LoadServer:
    """start(), .url, .injected (call reference -> delays), .requests (count), close()."""

    def __init__(self, tokens: int = 5, first_delay: float | tuple = 0.0, token_delay: float | tuple = 0.0,
                 fail_every: int | None = None, stall: bool = False, slots: int | None = None,
                 usage: bool = True, seed: int = 7, keep_alive: bool = False) -> None:
        self.tokens, self.first_delay, self.token_delay = tokens, first_delay, token_delay
        self.fail_every, self.stall, self.usage, self.keep_alive = fail_every, stall, usage, keep_alive
        self.connections: set = set()  # client (host, port) pairs: one a TCP connection
        self.slots = threading.BoundedSemaphore(slots) if slots else None
        self.rng = random.Random(seed)
        self.injected: dict[str, dict] = {}
        self.bodies: list[dict] = []
        self.failed: list[int] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.owner = self
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    def _draw(self, value) -> float:
        return self.rng.uniform(*value) if isinstance(value, tuple) else value

    def admit(self, request: dict) -> tuple[int, dict]:
        with self.lock:
            self.bodies.append(request)
            number = len(self.bodies)
            fail = None
            if self.fail_every and number % self.fail_every == 0:
                fail = 429 if (number // self.fail_every) % 2 else 500
                self.failed.append(fail)
            plan = {"fail": fail, "first_delay": self._draw(self.first_delay),
                    "token_delay": self._draw(self.token_delay), "words": WORDS[:self.tokens]}
            system = next((m["content"] for m in request.get("messages", []) if m.get("role") == "system"), "")
            found = REFERENCE.search(system)
            if found and not fail:
                self.injected[found.group(1)] = plan
            return number, plan

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def start(self) -> "LoadServer":
        self._thread.start()
        return self

    def close(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "LoadServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
