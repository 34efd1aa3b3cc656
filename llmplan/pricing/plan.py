"""The plan being priced: call volume and shape, prompt, tools, caching choices (pure data).

The field defaults are the base arithmetic (no tools, no caching, no reasoning);
the catalog's `plan_defaults` give the realistic defaults a command starts from.
"""

from __future__ import annotations

import math

from msgspec import Struct
from msgspec.structs import asdict, replace

TTL_MINUTES = {"5m": 5.0, "1h": 60.0}
MAX_TURNS_PER_CALL = 10**15  # the closed forms price more in no time, but the dollars stop meaning anything


class Plan(Struct, frozen=True):
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
    cache_hit: float = 0.0  # h: share of the cacheable prefix found warm
    silence: float = 0.0  # s: share of call time that is silence (platform fee only)
    system_prompt_bytes: int | None = None  # measured prompt + KB bytes, when known
    tool_tokens: int = 0  # D: tool definitions sent with every request
    tool_calls: float = 0.0  # N: server-tool round trips a call (one more request each)
    tool_result_tokens: int = 0  # t: a tool result, kept in the history
    extra_generations: float = 0.0  # g: discarded generations, as a share of the requests
    reasoning_tokens: int | None = None  # z a request; None = not given
    cache: str = "off"  # auto | explicit | off
    cache_ttl: str = "5m"  # 5m | 1h (explicit caches)
    active_hours: float = 720.0  # hours a month in which calls arrive
    platform_fee_usd_per_minute: float | None = None  # the platform's call fee; None = not given

    @property
    def turns(self) -> int:
        """n = round(L·T), halves up, at least 1."""
        return max(1, math.floor(self.call_minutes * self.turns_per_minute + 0.5))

    @property
    def static_tokens(self) -> int:
        """S: the system prompt, plus the knowledge base unless RAG retrieves from it."""
        return self.prompt_tokens + (0 if self.rag else self.kb_tokens)

    @property
    def retrieved_tokens(self) -> int:
        """R: chunks retrieved a request (RAG): never cached, never kept in the history."""
        return self.rag_chunks * self.chunk_tokens if self.rag else 0

    @property
    def history_window(self) -> int | None:
        """Turns of history re-sent: None = all of them."""
        if self.history == "full":
            return None
        if self.history == "none":
            return 0
        return int(self.history.split(":", 1)[1])

    @property
    def tool_calls_per_turn(self) -> float:
        """q = N / n: the tool round trips of a call spread evenly over its turns."""
        return self.tool_calls / self.turns

    @property
    def exchange_tokens(self) -> float:
        """e = u + o + q·t: what one turn adds to the history (reasoning is not kept)."""
        return self.user_tokens + self.output_tokens + self.tool_calls_per_turn * self.tool_result_tokens

    @property
    def calls(self) -> float:
        """Calls a month."""
        return self.minutes / self.call_minutes

    def history_tokens(self, turn: int) -> float:
        """H_i for 1-based turn i."""
        earlier = turn - 1
        window = self.history_window
        kept = earlier if window is None else min(earlier, window)
        return kept * self.exchange_tokens

    def with_(self, **changes) -> "Plan":
        return replace(self, **changes)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["turns_per_call"] = self.turns
        data["static_prefix_tokens"] = self.static_tokens
        data["retrieved_tokens"] = self.retrieved_tokens
        return data
