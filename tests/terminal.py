"""Run the real CLI with its stderr on a pseudo-terminal, as a person at a terminal would."""

from __future__ import annotations

import os
import pty
import subprocess


def stderr_on_a_pty(args: list[str], env: dict) -> tuple[int, bytes]:
    """Run with stderr on a terminal; the exit code and everything the terminal received."""
    leader, follower = pty.openpty()
    with subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=follower, stdin=subprocess.DEVNULL,
                          env=env) as process:
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            seen += chunk
    os.close(leader)
    return process.returncode, seen
