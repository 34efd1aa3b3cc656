"""What a load run measured, per request and summarized. Pure: numbers in, numbers out.

Definitions (README, "Load"):
- TTFT: from sending the request (the first attempt, so retries count) to the
  arrival of the first stream event that carries content or a tool call.
- TTFS, time to first sentence: to the arrival of the event that delivered the end
  of the first sentence (`first_sentence_end`); a reply with no sentence end
  speaks when it ends, so its TTFS is its last content event.
- ITL, inter-token latency: (end-to-end − TTFT) ÷ (output tokens − 1), the mean gap
  between tokens after the first (as llmperf and GenAI-Perf define it).
- Output tokens/s: output tokens ÷ (end-to-end − TTFT), the generation speed once
  the first token arrived (as the `stream` check reports it).
- Percentiles interpolate linearly between the two nearest ranks (numpy's default).
"""

from __future__ import annotations

import math

from msgspec import Struct

SENTENCE_ENDS = ".!?\n"
MIN_WORDS = 3  # a sentence end counts once the text before it holds this many words
PERCENTILES = (50, 90, 95, 99)


def percentile(ordered: list[float], q: float) -> float:
    """The q-th percentile (0–100) of sorted values, linear between closest ranks."""
    if not ordered:
        raise ValueError("no values")
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


class Summary(Struct, frozen=True):
    count: int
    mean: float
    min: float
    p50: float
    p90: float
    p95: float
    p99: float
    max: float

    def get(self, stat: str) -> float:
        return getattr(self, stat)


def summarize(values: list[float | None]) -> Summary | None:
    """Count, mean, min, p50/p90/p95/p99, max of the known values; None when there are none."""
    known = sorted(v for v in values if v is not None)
    if not known:
        return None
    p50, p90, p95, p99 = (percentile(known, q) for q in PERCENTILES)
    return Summary(len(known), math.fsum(known) / len(known), known[0], p50, p90, p95, p99, known[-1])


def first_sentence_end(text: str, min_words: int = MIN_WORDS) -> int | None:
    """The index of the character that ends the first sentence: the first `.`, `!`,
    `?` or newline with at least `min_words` words before it (so "Dr." or "1." at
    the start do not count); None when the text has none."""
    words, in_word = 0, False
    for index, char in enumerate(text):
        if char in SENTENCE_ENDS and words >= min_words:
            return index
        if char.isspace():
            in_word = False
        elif not in_word:
            in_word, words = True, words + 1
    return None


def time_to_first_sentence(events: list[tuple[float, int]], content: str) -> float | None:
    """From (time, content characters so far) per stream event: when the first
    sentence was complete; the last content event when no sentence ends; None
    without content."""
    if not content:
        return None
    end = first_sentence_end(content)
    if end is None:
        return next((t for t, chars in reversed(events) if chars), None)
    return next((t for t, chars in events if chars > end), None)


def inter_token_latency(e2e: float, ttft: float | None, tokens: int | None) -> float | None:
    if ttft is None or not tokens or tokens < 2:
        return None
    return max(0.0, e2e - ttft) / (tokens - 1)


def tokens_per_second(e2e: float, ttft: float | None, tokens: int | None) -> float | None:
    if ttft is None or not tokens or e2e <= ttft:
        return None
    return tokens / (e2e - ttft)


class Bin(Struct, frozen=True):
    low: float
    high: float
    count: int


def histogram(values: list[float], bins: int = 10) -> list[Bin]:
    """Equal-width bins from the smallest to the largest value (the last bin
    includes the largest); one bin when every value is the same."""
    if not values:
        return []
    low, high = min(values), max(values)
    if high == low:
        return [Bin(low, high, len(values))]
    width = (high - low) / bins
    counts = [0] * bins
    for value in values:
        counts[min(bins - 1, int((value - low) / width))] += 1
    return [Bin(low + i * width, low + (i + 1) * width, n) for i, n in enumerate(counts)]
