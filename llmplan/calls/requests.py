"""Price one recorded request on a target model (pure): the target's long-context
tier and the target's own caching rules (pricing/terms.cache_terms), applied to
the request sizes the records show.

For reply i of a call with prompt P_i (all input tokens) and output O_i:

    tier      the model's highest tier whose threshold P_i exceeds prices the whole
              request (input, output, cache read); none = the flat prices
    cacheable C_1 = P_1 (the call's static prefix: what the previous call also sent),
              C_i = min(P_(i−1), P_i) with a conversation-scope cache (the conversation
              so far is re-sent), min(P_1, P_i) with a static-scope one; 0 under the
              model's minimum
    read      h·(1 − p)·C_1 for the first reply (p: the share of calls that start
              cold), h·C_i later, 0 when the gap to the previous reply exceeds the
              cache lifetime (h: --cache-hit)
    written   where writes are billed: P_i − read (the rest becomes the prefix the
              next request reads), at the TTL's write price; else 0
    $         (P_i − read − written)·in + read·cache_read + written·write + O_i·out

With --cache recorded the record's own input / cache-read / cache-write split is
priced instead (a model without a cache price bills those tokens as input).
"""

from __future__ import annotations

from msgspec import Struct

from llmplan.calls.records import Tokens
from llmplan.catalog.records import Model
from llmplan.pricing.terms import PER_MILLION, CacheTerms


class Prices(Struct, frozen=True):
    input: float
    output: float
    cache_read: float | None
    tiered: bool


def prices(model: Model, prompt: float) -> Prices | None:
    """USD per 1M at the tier this request reaches; None without flat prices."""
    if model.input_price is None or model.output_price is None:
        return None
    chosen = None
    for tier in model.tiers:
        if prompt > tier.above_input_tokens and (chosen is None or tier.above_input_tokens > chosen.above_input_tokens):
            chosen = tier
    if chosen is None:
        return Prices(model.input_price, model.output_price, model.cache_read_price, False)
    read = chosen.cache_read if chosen.cache_read is not None else chosen.input
    return Prices(chosen.input, chosen.output, read, True)


def recorded_cost(model: Model, tokens: Tokens) -> float | None:
    """The record's own split at this model's prices (the bill check, --cache recorded).
    No cache-read price: reads at the input price; no cache-write price: writes at it too."""
    p = prices(model, tokens.prompt)
    if p is None:
        return None
    read = p.cache_read if p.cache_read is not None else p.input
    write = model.cache_write_price if model.cache_write_price is not None and not p.tiered else p.input
    return (tokens.input * p.input + tokens.cache_read * read + tokens.cache_write * write
            + tokens.output * p.output) / PER_MILLION


class Priced(Struct, frozen=True):
    prompt_usd: float  # input + cache read + cache write
    output_usd: float
    tokens: Tokens  # the split the target bills
    tiered: bool


def simulated_cost(model: Model, terms: CacheTerms, prompt: float, output: float, cacheable: float,
                   warm: bool, first: bool) -> Priced | None:
    """One request of `prompt` input tokens, `cacheable` of them shared with the
    request before (see the module docstring)."""
    p = prices(model, prompt)
    if p is None:
        return None
    read = written = 0.0
    if terms.active and cacheable >= max(terms.min_tokens, 1):
        hit = terms.hit * (1 - terms.cold_start_share) if first else terms.hit
        read = hit * min(cacheable, prompt) if warm else 0.0
        if terms.write_price is not None:
            written = prompt - read
    plain = prompt - read - written
    read_price = p.cache_read if p.cache_read is not None else p.input
    prompt_usd = (plain * p.input + read * read_price + written * (terms.write_price or 0.0)) / PER_MILLION
    return Priced(prompt_usd, output * p.output / PER_MILLION,
                  Tokens(input=plain, cache_read=read, cache_write=written, output=output), p.tiered)


def recorded_priced(model: Model, tokens: Tokens) -> Priced | None:
    """recorded_cost, split into prompt and output dollars."""
    total = recorded_cost(model, tokens)
    if total is None:
        return None
    p = prices(model, tokens.prompt)
    output_usd = tokens.output * p.output / PER_MILLION
    return Priced(total - output_usd, output_usd, tokens, p.tiered)
