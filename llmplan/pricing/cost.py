"""The cost model: a Plan and a Model in, an Estimate out (pure, no I/O).

Per call of L minutes at T agent turns a minute there are n = round(L·T) turns
(at least 1, halves round up). Turn i sends the static prefix S (system prompt P
plus the knowledge base K, or with RAG r chunks of c tokens), the history H_i and
the user's utterance u, and returns o tokens:

    cost/call = Σ_i [ S·((1−h)·in + h·cache_read) + (u + H_i)·in + o·out ]
              + h·S·(cache_write − cache_read)   (where a model has a cache-write price:
                                                  turn 1 writes the cached share, the
                                                  later turns read it)
    per minute = cost/call ÷ L
    monthly    = minutes × per minute × (1 − (1 − silence_rate)·s)

History: full  H_i = (i−1)(u+o); window:N  H_i = min(i−1, N)(u+o); none  H_i = 0.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace

from llmplan.catalog.records import Model

PER_MILLION = 1_000_000


@dataclass(frozen=True)
class Plan:
    minutes: float  # call minutes a month
    call_minutes: float  # L
    turns_per_minute: float  # T
    prompt_tokens: int  # P
    kb_tokens: int = 0  # K, in the prompt (ignored with RAG)
    rag: bool = False
    rag_chunks: int = 0  # r
    chunk_tokens: int = 0  # c
    user_tokens: int = 25  # u
    output_tokens: int = 40  # o
    history: str = "full"  # full | none | window:N
    cache_hit: float = 0.0  # h
    silence: float = 0.0  # s
    system_prompt_bytes: int | None = None  # measured prompt + KB bytes, when known

    @property
    def turns(self) -> int:
        return max(1, math.floor(self.call_minutes * self.turns_per_minute + 0.5))

    @property
    def static_tokens(self) -> int:
        return self.prompt_tokens + (self.rag_chunks * self.chunk_tokens if self.rag else self.kb_tokens)

    @property
    def history_window(self) -> int | None:
        """Turns of history re-sent: None = all of them."""
        if self.history == "full":
            return None
        if self.history == "none":
            return 0
        return int(self.history.split(":", 1)[1])

    def history_tokens(self, turn: int) -> int:
        """H_i for 1-based turn i."""
        earlier = turn - 1
        window = self.history_window
        kept = earlier if window is None else min(earlier, window)
        return kept * (self.user_tokens + self.output_tokens)

    def with_(self, **changes) -> "Plan":
        return replace(self, **changes)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["turns_per_call"] = self.turns
        data["static_prefix_tokens"] = self.static_tokens
        return data


@dataclass(frozen=True)
class Estimate:
    id: str
    turns: int
    # tokens per call
    input_tokens: int  # billed at the input price
    cached_tokens: float  # billed at the cache-read price
    cache_write_tokens: float
    output_tokens: int
    max_turn_input_tokens: int  # the last (largest) turn's input
    # USD per call
    input_usd: float
    cached_usd: float
    cache_write_usd: float
    output_usd: float
    per_call_usd: float
    per_minute_usd: float  # before silence
    monthly_usd: float  # after silence
    usable: bool
    warnings: tuple[str, ...] = ()  # why it is not usable: no price, or a misfit
    misfits: tuple[str, ...] = ()  # the plan does not fit the context window or max output
    notes: tuple[str, ...] = ()
    published_per_minute_no_kb: float | None = None
    published_per_minute_large_kb: float | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["warnings"], data["notes"] = list(self.warnings), list(self.notes)
        data["misfits"] = list(self.misfits)
        return data


@dataclass
class _Tally:
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def misfits(plan: Plan, model: Model, max_input: int) -> list[str]:
    """Why the plan does not fit this model's context window or output limit
    (a limit the catalog does not know is not checked)."""
    reasons = []
    if model.max_context_tokens is not None and max_input > model.max_context_tokens:
        reasons.append(
            f"the largest turn sends {max_input:,} input tokens, over the "
            f"{model.max_context_tokens:,}-token context window"
        )
    if model.max_output_tokens is not None and plan.output_tokens > model.max_output_tokens:
        reasons.append(
            f"{plan.output_tokens:,} output tokens a turn is over the max output of {model.max_output_tokens:,}"
        )
    return reasons


def estimate(plan: Plan, model: Model, silence_rate: float) -> Estimate:
    """The cost of this plan on this model. Unusable models still get figures
    (where prices are known) so they can be shown, but never rank as cheapest."""
    tally = _Tally()
    n, static = plan.turns, plan.static_tokens
    history_total = sum(plan.history_tokens(i) for i in range(1, n + 1))
    max_input = static + plan.user_tokens + plan.history_tokens(n)
    unfit = misfits(plan, model, max_input)
    if model.input_price is None or model.output_price is None:
        tally.warnings.append("no known input/output price: cannot be costed")
    tally.warnings += unfit
    usable = not tally.warnings

    hit = plan.cache_hit
    if hit > 0 and model.cache_read_price is None:
        tally.notes.append("no cache-read price: caching not applied (billed at the input price)")
        hit = 0.0
    cache_write = static * hit if model.cache_write_price is not None else 0.0
    if cache_write:
        tally.notes.append("the first turn writes the cached prefix at the cache-write price; later turns read it")
    cached = n * static * hit - cache_write
    input_tokens = n * static * (1 - hit) + n * plan.user_tokens + history_total
    output = n * plan.output_tokens

    price = lambda p: (p or 0.0) / PER_MILLION  # noqa: E731  (unknown prices already marked unusable)
    input_usd = input_tokens * price(model.input_price)
    cached_usd = cached * price(model.cache_read_price)
    write_usd = cache_write * price(model.cache_write_price)
    output_usd = output * price(model.output_price)
    per_call = input_usd + cached_usd + write_usd + output_usd
    per_minute = per_call / plan.call_minutes
    billed_share = 1 - (1 - silence_rate) * plan.silence
    return Estimate(
        id=model.id,
        turns=n,
        input_tokens=round(input_tokens),
        cached_tokens=cached,
        cache_write_tokens=cache_write,
        output_tokens=output,
        max_turn_input_tokens=max_input,
        input_usd=input_usd,
        cached_usd=cached_usd,
        cache_write_usd=write_usd,
        output_usd=output_usd,
        per_call_usd=per_call,
        per_minute_usd=per_minute,
        monthly_usd=plan.minutes * per_minute * billed_share,
        usable=usable,
        warnings=tuple(tally.warnings),
        misfits=tuple(unfit),
        notes=tuple(tally.notes),
        published_per_minute_no_kb=model.published_per_minute_no_kb,
        published_per_minute_large_kb=model.published_per_minute_large_kb,
    )


def plan_warnings(plan: Plan, max_system_prompt_bytes: int, chars_per_token: float) -> list[str]:
    """Warnings about the plan itself, whatever the model."""
    in_prompt = plan.prompt_tokens + (0 if plan.rag else plan.kb_tokens)
    size = plan.system_prompt_bytes if plan.system_prompt_bytes is not None else in_prompt * chars_per_token
    if size > max_system_prompt_bytes:
        return [
            f"system prompt + knowledge base ≈ {size / 1e6:,.2f} MB is over the platform's "
            f"{max_system_prompt_bytes / 1e6:g} MB limit: use RAG or trim the knowledge base"
        ]
    return []


def rank(estimates: list[Estimate]) -> list[Estimate]:
    """Usable models by monthly cost, then the unusable ones (never 'cheapest')."""
    return sorted(estimates, key=lambda e: (not e.usable, e.monthly_usd, e.id))
