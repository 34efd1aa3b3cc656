"""Which models, priced on a lower bound of their token counts, could still be
the cheapest (pure). `estimate --model X` shows X exactly but looks past it to
every eligible model for the "cheapest model" saving; a model counted with
another encoding is first priced on a lower bound of its prompt and
knowledge-base tokens (tokens/bounds.py), and its files are tokenized with that
encoding only when the bound cannot rule it out.

The cost at the bound is not itself a lower bound of the cost (caching starts
at a minimum prefix and makes every cached token cheaper, so more tokens can
cost less), so a model is ruled out only when one of these holds:

- it has no known input or output price (never usable, whatever the count);
- it does not fit even at the bound: the largest request's input grows with the
  prompt and knowledge-base tokens, and the output limit does not depend on them;
- its cost cannot go below the cheapest exactly counted usable model's. Every
  input token a call sends is billed at one of the model's input, cache-read,
  cache-write or long-context tier rates, every output token at an output rate,
  and the number of input tokens a call sends (Σ I over its requests) only
  grows with the prompt and knowledge base, so

      monthly ≥ minutes ÷ L × (Σ I at the bound × lowest input rate
                                + output tokens × lowest output rate) ÷ 1M

  (cache storage, ≥ 0, left out). A bound equal to the cheapest is not enough.
"""

from __future__ import annotations

from msgspec import Struct

from llmplan.catalog.records import Model
from llmplan.pricing.cost import Estimate, estimate
from llmplan.pricing.inputs import PlanInput, Tokenization
from llmplan.pricing.terms import PER_MILLION, cache_terms
from llmplan.tokens.bounds import MAX_TOKEN_BYTES

TIE = 1e-9  # relative: a bound this close to the cheapest is not taken to rule a model out


class RuledOut(Struct, frozen=True):
    """A model the cheapest-model saving left out without counting its files."""

    id: str
    tokenizer: Tokenization  # count: lower_bound
    prompt_tokens: int  # at least
    kb_tokens: int  # at least
    monthly_usd_at_least: float | None  # None: no known price, or it does not fit
    why: str


class Sorted(Struct, frozen=True):
    ruled_out: tuple[RuledOut, ...]
    undecided: frozenset  # encodings to count exactly: a model of theirs could be the cheapest


def lowest_rates(plan, model: Model) -> tuple[float, float]:
    """(input, output) USD per 1M: the lowest rate any input or output token of this model is billed at."""
    inputs = [model.input_price or 0.0]
    outputs = [model.output_price or 0.0]
    if model.cache_read_price is not None:
        inputs.append(model.cache_read_price)
    write = cache_terms(plan, model).write_price
    if write is not None:
        inputs.append(write)
    for tier in model.tiers:
        inputs += [tier.input] + ([tier.cache_read] if tier.cache_read is not None else [])
        outputs.append(tier.output)
    return min(inputs), min(outputs)


def monthly_at_least(plan, model: Model, at_bound: Estimate) -> float:
    """A lower bound of the LLM monthly cost, from the estimate on the bounded plan (see module doc)."""
    rate_in, rate_out = lowest_rates(plan, model)
    sent = at_bound.input_tokens + at_bound.cached_tokens + at_bound.cache_write_tokens
    per_call = (sent * rate_in + at_bound.output_tokens * rate_out) / PER_MILLION
    return plan.minutes * per_call / plan.call_minutes


def sort_out(plan_input: PlanInput, bounded: list[Model], exact: list[Estimate], silence_rate: float) -> Sorted:
    """The bounded models that cannot be the cheapest of exact + bounded, and the
    encodings that must be counted because a model of theirs still could."""
    usable = [e for e in exact if e.usable]
    best = min(usable, key=lambda e: (e.monthly_usd, e.id)) if usable else None
    out, undecided = [], set()
    for model in bounded:
        plan = plan_input.plan_for(model)
        at_bound = estimate(plan, model, silence_rate)
        floor = None
        if model.input_price is None or model.output_price is None:
            why = "no known input/output price: cannot be costed"
        elif at_bound.misfits:
            why = f"does not fit even at the lower bound: {at_bound.misfits[0]}"
        else:
            floor = monthly_at_least(plan, model, at_bound)
            if best is None or not floor > best.monthly_usd * (1 + TIE):
                undecided.add(plan_input.tokenizer_for(model).encoding)
                continue
            why = f"costs at least ${floor:,.2f} a month, more than {best.id} (${best.monthly_usd:,.2f})"
        out.append(RuledOut(model.id, plan_input.tokenizer_for(model), plan.prompt_tokens, plan.kb_tokens,
                            floor, why))
    return Sorted(tuple(out), frozenset(undecided))


def note(ruled_out: tuple[RuledOut, ...]) -> str:
    """The cheapest-model saving's note on the models left out: one clause an encoding."""
    by_encoding: dict[str, list[str]] = {}
    for r in ruled_out:
        by_encoding.setdefault(r.tokenizer.encoding, []).append(r.id)
    return "; ".join(f"not counted with {encoding}: {', '.join(ids)} cannot be the cheapest even at a lower bound "
                     f"of their tokens (≥ 1 a word, ≥ 1 per {MAX_TOKEN_BYTES.get(encoding, '?')} bytes)"
                     for encoding, ids in by_encoding.items())
