"""The shell of test-endpoint's load run: flags checked into a Plan and a request
Shape, the prompt file read (bounded), the spend cap, the live progress line,
the --save file. The work itself is llmplan.endpoint.load.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from llmplan.errors import InputError, UsageError

MAX_TOKENS_CAP = 1_000_000
MAX_HISTORY = 1_000
MAX_PROMPT_TOKENS = 2_000_000


def wants_load(requests: int | None, rate: float | None, duration: float | None) -> bool:
    return requests is not None or rate is not None or duration is not None


def plan(requests: int | None, concurrency: int | None, rate: float | None, duration: float | None,
         warmup: int | None, seed: int | None):
    """The checked load flags as a Plan (the request cap is always finite)."""
    from llmplan.endpoint.load import MAX_CONCURRENCY, MAX_REQUESTS, Plan

    if requests is not None and not 1 <= requests <= MAX_REQUESTS:
        raise UsageError(f"--requests: expected 1 to {MAX_REQUESTS:,}, got {requests}")
    if concurrency is not None and not 1 <= concurrency <= MAX_CONCURRENCY:
        raise UsageError(f"--concurrency: expected 1 to {MAX_CONCURRENCY}, got {concurrency}")
    if rate is not None and not (math.isfinite(rate) and 0 < rate <= 1000):
        raise UsageError(f"--rate: expected requests a second in (0, 1000], got {rate:g}")
    if duration is not None and not 0 < duration <= 24 * 3600:
        raise UsageError(f"--duration: expected a time in (0 s, 24 h], got {duration:g} s")
    if warmup is not None and not 0 <= warmup <= 1000:
        raise UsageError(f"--warmup: expected 0 to 1000, got {warmup}")
    if rate is not None and requests is None and duration is None:
        raise UsageError("--rate needs --requests or --duration: the run must have an end")
    concurrency = concurrency or (64 if rate is not None else 1)
    # By default one warm-up request a connection the run will hold open.
    warm = warmup if warmup is not None else (1 if rate is not None else concurrency)
    total = requests if requests is not None else MAX_REQUESTS - warm  # --duration alone: the cap
    if total + warm > MAX_REQUESTS:
        raise UsageError(f"--requests {total:,} and --warmup {warm}: more than the {MAX_REQUESTS:,} requests a run may send")
    return Plan(requests=total, concurrency=concurrency, rate=rate, duration=duration, warmup=warm, seed=seed)


def read_prompt_file(path: Path, limit: int) -> str:
    """A UTF-8 text file of at most `limit` bytes; never blocks on a FIFO or device."""
    from llmplan.reading import Unreadable, read_bytes

    try:
        data = read_bytes(path, limit)
    except Unreadable as error:
        raise InputError(f"{path}: {error.why} (--prompt-file takes a UTF-8 text file of at most "
                         f"{limit:,} bytes, the platform's system prompt limit)") from None
    if b"\x00" in data:
        raise InputError(f"{path}: binary, not text; --prompt-file takes a UTF-8 text file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text (byte {error.start}); --prompt-file takes a UTF-8 text file") from None


def counter(catalog, model_id: str):
    """(count function, label, counted_as) with the model's encoding (the proxy for a
    model the catalog does not know), or the heuristic offline."""
    from llmplan.tokens.encodings import tokenizer

    known = price_model(catalog, model_id)
    encoding, exact = catalog.encoding_for(known)
    counting = tokenizer(encoding, catalog.platform.chars_per_token)
    if counting.heuristic:
        return counting.count, counting.label, "heuristic"
    return counting.count, encoding if exact else f"{encoding} as a proxy", "counted"


def price_model(catalog, model_id: str):
    """The catalog model this id names (id, alias or api_id), or None."""
    found = catalog.resolve(model_id)
    if found is not None:
        return found
    return next((m for m in catalog.models.values() if m.api_id and m.api_id.lower() == model_id.lower()), None)


def worst_case_usd(model, input_tokens: int, calls: list[tuple[int, int]]) -> float | None:
    """Every call billed its whole prompt and its max_tokens; calls: (how many, max_tokens)."""
    if model is None or model.input_price is None or model.output_price is None:
        return None
    return sum(n * (input_tokens * model.input_price + most * model.output_price) for n, most in calls) / 1e6


def check_spend(max_spend: float | None, worst: float | None, model_id: str, requests: int) -> None:
    """Refuse to start a run that could cost more than --max-spend."""
    if max_spend is None:
        return
    if not (math.isfinite(max_spend) and max_spend >= 0):
        raise UsageError(f"--max-spend: expected US dollars ≥ 0, got {max_spend:g}")
    if worst is None:
        raise UsageError(f"--max-spend: the catalog has no input and output price for {model_id!r}, so the "
                         "spend cannot be bounded; add the model to a catalog overlay, or drop --max-spend")
    if worst > max_spend:
        raise UsageError(f"--max-spend {max_spend:g}: the run could cost up to ${worst:,.4f} ({requests:,} requests "
                         "at max_tokens); lower --requests, --max-tokens or --prompt-tokens, or raise --max-spend")


def open_save(path: Path | None):
    """--save FILE, created now (never over an existing file) so a bad path fails before the run."""
    if path is None:
        return None
    try:
        return open(path, "x", encoding="utf-8")
    except FileExistsError:
        raise InputError(f"{path}: already exists; --save writes a new file (choose another name)") from None
    except OSError as error:
        raise InputError(f"{path}: cannot create ({error.strerror or error}) (--save)") from None


def write_records(handle, records, secrets: tuple[str, ...]) -> None:
    from llmplan.endpoint.rules import redact_all

    with handle:
        for record in records:
            handle.write(json.dumps(redact_all(record.to_dict(), secrets), allow_nan=False) + "\n")


class Progress:
    """One line on stderr, rewritten in place; only when stderr is a terminal."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.shown = False

    def __call__(self, records, planned: int) -> None:
        if not self.live:
            return
        from llmplan.endpoint.stats import percentile

        failed = sum(1 for r in records if not r.ok)
        ttfts = sorted(r.ttft_s for r in records if r.ok and r.ttft_s is not None)
        timing = ""
        if ttfts:
            timing = f", TTFT p50 {percentile(ttfts, 50) * 1000:.0f} ms p95 {percentile(ttfts, 95) * 1000:.0f} ms"
        self.stream.write(f"\r\x1b[Kload: {len(records)}/{planned} done, {failed} failed{timing}")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
