"""The cost model's closed forms: pricing a call does not grow with its turns.

In this one process, medians of --runs rounds interleaved, prints the time of
`estimate()` for a plan of 10^9 turns a call (caching on, a sliding window,
tool calls, a long-context tier) against the same plan at 20 turns (target ≤ 3),
and a turn-by-turn loop at 2,000 turns against the closed form at 2,000 turns
(what the closed form saves already at an ordinary size).

    python bench/bench_cost.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from llmplan.catalog.records import Caching, Model, Tier  # noqa: E402
from llmplan.pricing.cost import Plan, estimate  # noqa: E402

MODEL = Model(id="m", provider="p", name="m", max_output_tokens=None, max_context_tokens=None, input_price=1.25,
              output_price=5, cache_read_price=0.3125, cache_write_price=None, hipaa=False,
              caching=Caching(mode="automatic", min_tokens=1024, ttl_minutes=5),
              tiers=(Tier(above_input_tokens=128_000, input=2.5, output=10, cache_read=0.625),))
PLAN = Plan(minutes=10_000, call_minutes=4, turns_per_minute=5, prompt_tokens=2_000, kb_tokens=120_000,
            history="window:40", cache="auto", cache_hit=0.9, tool_tokens=618, tool_calls=3, tool_result_tokens=200)


def loop_cost(plan: Plan) -> float:
    """Input and output tokens a call, turn by turn (no caching): the shape a loop would have."""
    total = 0.0
    for i in range(1, plan.turns + 1):
        total += plan.tool_tokens + plan.static_tokens + plan.history_tokens(i) + plan.user_tokens + plan.output_tokens
    return total


def timed(fn, repeat: int = 200) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    small, huge = PLAN, PLAN.with_(turns_per_minute=2.5e8)
    mid = PLAN.with_(turns_per_minute=500)
    rounds = {"20": [], "1e9": [], "loop2000": [], "closed2000": []}
    for _ in range(args.runs):
        rounds["20"].append(timed(lambda: estimate(small, MODEL, 0.05)))
        rounds["1e9"].append(timed(lambda: estimate(huge, MODEL, 0.05)))
        rounds["loop2000"].append(timed(lambda: loop_cost(mid), repeat=20))
        rounds["closed2000"].append(timed(lambda: estimate(mid, MODEL, 0.05)))
    med = {k: statistics.median(v) for k, v in rounds.items()}
    ratio = med["1e9"] / med["20"]
    print(f"estimate() at 20 turns: {med['20'] * 1e6:,.0f} µs; at {huge.turns:,} turns: {med['1e9'] * 1e6:,.0f} µs")
    print(f"ratio 10^9 turns / 20 turns: {ratio:.2f} (target ≤ 3) {'OK' if ratio <= 3 else 'OVER'}")
    print(f"a bare turn loop at 2,000 turns / the full closed-form estimate: {med['loop2000'] / med['closed2000']:.1f}×")


if __name__ == "__main__":
    main()
