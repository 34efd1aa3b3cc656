"""Hostile servers on 127.0.0.1: decompression bombs, keys in echoed error text
cut at the boundary, malformed tool_calls, slow drips. Each server is started and
stopped by its test."""

from __future__ import annotations

import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

KEY = "sk-live-7d1f3a9c5e2b-TOPSECRET-0042"
NO_PROXY = {"NO_PROXY": "*", "no_proxy": "*"}


class Hostile:
    """Answers every request with respond(handler) -> (status, headers, body or iterable of bytes)."""

    def __init__(self, respond):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self):
                length = int(self.headers.get("content-length") or 0)
                self.rfile.read(length)
                status, headers, body = respond(self)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    for piece in ([body] if isinstance(body, bytes) else body):
                        if outer.stopping.is_set():
                            return
                        self.wfile.write(piece)
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = _answer

        self.stopping = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self):
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def hostile():
    servers = []

    def start(respond):
        server = Hostile(respond)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def _json(status, obj, headers=None):
    body = json.dumps(obj).encode()
    return status, {"Content-Type": "application/json", "Content-Length": str(len(body)), **(headers or {})}, body


def _endpoint(cli, url, *extra, key=KEY):
    result = cli("test-endpoint", url + "/v1", "-m", "m", "--checks", "chat", "--retries", "0", "--backoff", "0",
                 *extra, env={"LLMPLAN_API_KEY": key, **NO_PROXY}, timeout=60)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    return result


def _no_part_of_the_key(result):
    text = result.stdout + result.stderr
    for size in range(8, len(KEY) + 1):
        assert KEY[:size] not in text, (size, text[-300:])


ZEROS = 64 << 20  # expands ~1000× per gzip layer


@pytest.fixture(scope="module")
def double_gzip():
    return gzip.compress(gzip.compress(b"\0" * ZEROS, 9), 9)


def test_stacked_gzip_from_an_endpoint_is_refused_not_expanded(cli, hostile, double_gzip):
    server = hostile(lambda h: (200, {"Content-Type": "application/json", "Content-Encoding": "gzip, gzip",
                                      "Content-Length": str(len(double_gzip))}, double_gzip))
    result = _endpoint(cli, server.url, "--json")
    assert result.returncode == 15, result.stderr
    assert "Content-Encoding" in json.loads(result.stdout)["checks"][0]["reason"]


def test_plain_gzip_from_an_endpoint_is_refused_too(cli, hostile):
    body = gzip.compress(json.dumps({"choices": []}).encode())
    server = hostile(lambda h: (200, {"Content-Type": "application/json", "Content-Encoding": "gzip",
                                      "Content-Length": str(len(body))}, body))
    assert _endpoint(cli, server.url).returncode == 15


def test_gzip_bomb_on_import_url_stops_at_the_size_cap(cli, hostile):
    bomb = gzip.compress(b" " * (80 << 20), 9)  # 80 MiB of JSON whitespace > the 64 MiB cap
    server = hostile(lambda h: (200, {"Content-Type": "application/json", "Content-Encoding": "gzip",
                                      "Content-Length": str(len(bomb))}, bomb))
    result = cli("catalog", "import", "--url", server.url + "/prices.json", "--from", "litellm",
                 env=NO_PROXY, timeout=60)
    assert result.returncode == 4 and "larger than 64 MiB" in result.stderr, result.stderr


def test_stacked_gzip_on_import_url_is_refused(cli, hostile, double_gzip):
    server = hostile(lambda h: (200, {"Content-Type": "application/json", "Content-Encoding": "gzip, gzip",
                                      "Content-Length": str(len(double_gzip))}, double_gzip))
    result = cli("catalog", "import", "--url", server.url + "/p.json", "--from", "litellm", env=NO_PROXY, timeout=60)
    assert result.returncode == 4 and "accepts only gzip" in result.stderr, result.stderr


def test_gzip_import_url_that_fits_is_decoded(cli, hostile):
    import source_samples as samples

    body = gzip.compress(json.dumps(samples.litellm()).encode())
    server = hostile(lambda h: (200, {"Content-Type": "application/json", "Content-Encoding": "gzip",
                                      "Content-Length": str(len(body))}, body))
    result = cli("catalog", "import", "--url", server.url + "/p.json", "--from", "litellm", env=NO_PROXY, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "models:" in result.stdout


def test_slow_drip_download_hits_the_total_deadline(hostile):
    from llmplan.errors import InputError
    from llmplan.sources.io import fetch

    def drip(h):
        def forever():
            while True:
                time.sleep(0.05)
                yield b" "
        return 200, {"Content-Type": "application/json"}, forever()

    server = hostile(drip)
    with pytest.raises(InputError, match="still downloading"):
        fetch(server.url + "/p.json", deadline_s=0.5)


@pytest.mark.parametrize("pad", [490, 495, 499, 190, 195, 199])
def test_a_key_echoed_across_the_cut_leaves_no_prefix(cli, hostile, pad):
    message = "x" * pad + f" your key {KEY} is invalid"
    server = hostile(lambda h: _json(401, {"error": {"message": message}}))
    for extra in ((), ("--json",), ("--format", "csv"), ("--verbose",)):
        result = _endpoint(cli, server.url, *extra)
        assert result.returncode == 11, result.stderr
        _no_part_of_the_key(result)


def test_a_key_echoed_inside_a_200_error_leaves_no_prefix(cli, hostile):
    message = "y" * 495 + KEY
    server = hostile(lambda h: _json(200, {"error": {"message": message}}))
    result = _endpoint(cli, server.url, "--json")
    _no_part_of_the_key(result)


def test_a_key_in_the_url_userinfo_is_refused_and_never_shown(cli, hostile):
    server = hostile(lambda h: _json(200, {"choices": []}))
    host = server.url.split("//", 1)[1]
    for url in (f"http://user:{KEY}@{host}", f"http://{KEY}@{host}"):
        result = cli("test-endpoint", url + "/v1", "-m", "m", env=NO_PROXY)
        assert result.returncode == 2, result.stderr
        _no_part_of_the_key(result)
        result = cli("catalog", "import", "--url", url + "/p.json", "--from", "litellm", env=NO_PROXY)
        assert result.returncode == 2, result.stderr
        _no_part_of_the_key(result)


@pytest.mark.parametrize("tool_calls", [5, "calls", {"a": 1}, [{"function": "f"}],
                                        [{"function": {"name": 5, "arguments": "{}"}}],
                                        [{"function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]])
def test_malformed_tool_calls_are_a_protocol_violation(cli, hostile, tool_calls):
    reply = {"choices": [{"index": 0, "message": {"role": "assistant", "content": None, "tool_calls": tool_calls},
                          "finish_reason": "tool_calls"}]}
    server = hostile(lambda h: _json(200, reply))
    result = cli("test-endpoint", server.url + "/v1", "-m", "m", "--checks", "tools", "--retries", "0",
                 env=NO_PROXY, timeout=60)
    assert result.returncode == 15, result.stderr


@pytest.mark.parametrize("fragment", [5, {"index": [1], "function": {"name": "x"}}, {"index": 0, "function": "x"},
                                      {"index": 0, "function": {"arguments": 7}}])
def test_malformed_streamed_tool_call_fragments_are_a_protocol_violation(cli, hostile, fragment):
    chunk = {"choices": [{"index": 0, "delta": {"tool_calls": [fragment]}, "finish_reason": None}]}
    body = f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n".encode()
    server = hostile(lambda h: (200, {"Content-Type": "text/event-stream", "Content-Length": str(len(body))}, body))
    result = cli("test-endpoint", server.url + "/v1", "-m", "m", "--checks", "stream", "--retries", "0",
                 env=NO_PROXY, timeout=60)
    assert result.returncode in (15, 17), result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize("url", ["http://exa mple.com/v1", "http://[::1/v1", "http://host:99999/v1",
                                 "ftp://example.com/v1", "http:///v1"])
def test_an_invalid_url_argument_is_a_usage_error(cli, url):
    result = cli("test-endpoint", url, "-m", "m", env=NO_PROXY)
    assert result.returncode == 2, result.stderr


def test_an_endless_encodings_mirror_is_cut_off(hostile):
    """LLMPLAN_ENCODINGS=http://… for an encoding that is not bundled: the download is capped."""
    from llmplan.tokens.encodings import Unavailable, _download

    def endless(h):
        def forever():
            block = b"A" * (1 << 16)
            while True:
                yield block
        return 200, {"Content-Type": "application/octet-stream"}, forever()

    server = hostile(endless)
    with pytest.raises(Unavailable, match="larger than 32 MiB"):
        _download(server.url + "/custom.tiktoken")
