"""The plan that real calls imply (pure): the fields `estimate --scenario` reads,
fitted to the measures, each with its observed spread as a comment.

- call_minutes = Σ L² ÷ Σ L (the minute-weighted mean length): with the history
  re-sent every turn a call's cost grows about as L², so this is the one length
  at which estimate's $/min equals the calls' Σ $ ÷ Σ minutes;
- turns_per_minute = Σ (replies − tool calls) ÷ Σ minutes;
- prompt_tokens = the median static prefix (first reply's prompt);
- output_tokens = Σ output ÷ Σ replies;
- user_tokens = median history growth a reply − output_tokens (estimate grows
  the history by u + o a turn);
- tool_tokens = 0 (the recorded prompts hold the tool definitions);
- tool_calls = Σ tool calls ÷ calls; turns exclude the replies that follow a tool
  result, as estimate adds one request a tool round trip;
- extra_generations = initiated ÷ used prompt tokens − 1 (when the records say);
- cache_hit = Σ cache reads ÷ Σ prefix shared with the request before, only when
  the records show cache reads (else the catalog's default applies).
"""

from __future__ import annotations

import math

from msgspec import Struct

from llmplan.calls.measure import Measures
from llmplan.calls.stats import Spread


class Fitted(Struct, frozen=True):
    name: str
    value: object
    comment: str


def _spread(s: Spread, unit: str = "", digits: int = 1) -> str:
    if not s.n:
        return "not observed"
    f = lambda v: f"{v:,.{digits}f}{unit}"  # noqa: E731
    return f"observed p10 {f(s.p10)}, p50 {f(s.p50)}, p90 {f(s.p90)} over {s.n:,}"


def fit(m: Measures, minutes: float, minutes_from: str) -> list[Fitted]:
    per = [f for f in m.per_call if f.minutes]
    total = math.fsum(f.minutes for f in per)
    weighted = math.fsum(f.minutes ** 2 for f in per) / total if total else None
    tools = m.tool_calls / m.calls if m.calls else 0.0
    # estimate sends one request a turn plus one a tool round trip: the replies after a tool result are not turns
    turns = max(0, sum(f.replies - f.tool_calls for f in per)) / total if total else None
    prefix = m.prefix_tokens.p50
    output = m.output_tokens / m.replies if m.replies else None
    growth = m.history_growth_tokens.p50
    out = [Fitted("minutes", round(minutes), f"call minutes a month: {minutes_from}")]
    if weighted is not None:
        out.append(Fitted("call_minutes", round(weighted, 2),
                          f"minute-weighted mean (Σ L² ÷ Σ L); {_spread(m.call_minutes, ' min', 2)} calls"))
    if turns is not None:
        out.append(Fitted("turns_per_minute", round(turns, 2),
                          f"(LLM replies − tool calls) ÷ minutes; replies a minute {_spread(m.replies_per_minute, '', 2)} calls"))
    if prefix is not None:
        out.append(Fitted("prompt_tokens", round(prefix), f"the first reply's prompt; {_spread(m.prefix_tokens, '', 0)} calls"))
        out.append(Fitted("kb_tokens", 0, "the knowledge base in the prompt is part of prompt_tokens above"))
        out.append(Fitted("tool_tokens", 0, "the tool definitions the records sent are part of prompt_tokens above"))
    if output is not None:
        out.append(Fitted("output_tokens", round(output), f"mean a reply; {_spread(m.output_tokens_per_reply, '', 0)} replies"))
    if growth is not None and output is not None:
        out.append(Fitted("user_tokens", max(0, round(growth - round(output))),
                          f"history growth a reply − output_tokens; growth {_spread(m.history_growth_tokens, '', 0)} calls"))
    out.append(Fitted("history", "full", "the records re-send the whole conversation each reply"))
    out.append(Fitted("tool_calls", round(tools, 2), f"tool calls a call; {_spread(m.tool_calls_per_call, '', 1)} calls"))
    if m.speculative_ratio_overall is not None:
        out.append(Fitted("extra_generations", round(max(0.0, m.speculative_ratio_overall - 1), 3),
                          f"initiated ÷ used prompt tokens − 1; ratio {_spread(m.speculative_ratio, '', 2)} calls"))
    if m.cache_read_tokens > 0 and m.shared_prefix_tokens > 0:
        hit = min(1.0, m.cache_read_tokens / m.shared_prefix_tokens)
        out.append(Fitted("cache_hit", round(hit, 3), f"{m.cache_read_tokens:,.0f} cache-read tokens of "
                          f"{m.shared_prefix_tokens:,.0f} shared with the request before"))
    return out


def render_yaml(fitted: list[Fitted], header: list[str]) -> str:
    """The scenario file: plain `name: value  # comment` lines."""
    lines = [f"# {line}" for line in header]
    for item in fitted:
        lines.append(f"{item.name}: {item.value}  # {item.comment}")
    return "\n".join(lines) + "\n"
