"""Clear messages: values echoed at a readable length, blame on what the user
actually gave, a word on Ctrl-C, usage errors for unknown names."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


def test_an_unknown_encoding_is_a_usage_error_not_a_heuristic_count(cli, tmp_path):
    doc = tmp_path / "a.md"
    doc.write_text("hello\n")
    result = cli("tokens", str(doc), "-e", "nosuch")
    assert result.returncode == 2 and "--encoding" in result.stderr and "o200k_base" in result.stderr, result.stderr


def test_an_overlays_min_attempts_is_blamed_on_the_catalog_not_on_attempts(cli, write_file):
    overlay = write_file("attempts.yaml", "platform:\n  min_attempts: 1000000\n")
    result = cli("fallback", "--preferred", "gpt-4o", "--catalog", str(overlay))
    assert result.returncode == 3, result.stderr
    assert "platform.min_attempts" in result.stderr and "--attempts" not in result.stderr


def test_a_5000_character_unknown_model_id_is_echoed_cut(cli):
    result = cli("show", "m" * 5000)
    assert result.returncode == 2 and len(result.stderr) < 400, result.stderr


def test_a_huge_bad_flag_value_is_echoed_cut(cli):
    result = cli("estimate", "--kb-size", "x" * 120_000)
    assert result.returncode == 2 and len(result.stderr) < 400, result.stderr[:500]


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
def test_ctrl_c_exits_130_with_a_word():
    arrived, release = threading.Event(), threading.Event()

    class Stall(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            arrived.set()
            release.wait(30)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Stall)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMPLAN_")}
    env.update({"NO_PROXY": "*", "no_proxy": "*"})
    try:
        process = subprocess.Popen([sys.executable, "-m", "llmplan", "test-endpoint",
                                    f"http://127.0.0.1:{httpd.server_address[1]}/v1", "-m", "m", "--checks", "chat"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert arrived.wait(60)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        release.set()
        httpd.shutdown()
        httpd.server_close()
    assert process.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
