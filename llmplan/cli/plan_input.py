"""The plan flags shared by `estimate`, `recommend` and `fallback`, the scenario
file that holds the same fields, and `read_plan`: everything the user said about
the plan, read once and up front into one PlanInput.

Precedence, per field: a flag, then the scenario file, then the catalog's
`plan_defaults`. Where each value came from is an Origin (data, shown as text).
Prompt and knowledge-base files are counted before any pricing, once per
encoding of the models to be priced, so `plan_for(model)` only looks up.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import ClassVar, List

from llmplan.catalog.records import Catalog, Model
from llmplan.cli.options import FlagGroup, flag, group_flags
from llmplan.errors import InputError, UsageError
from llmplan.pricing.cost import Plan
from llmplan.pricing.plan import MAX_TURNS_PER_CALL
from llmplan.pricing.inputs import DEFAULT, Origin, PlanInput, Source
from llmplan.errors import shown
from llmplan.units import finite, parse_count, parse_number, parse_seconds, parse_share, parse_size, valid_history

# Far past any real plan (a month has 744 hours); past these the dollars stop meaning anything.
# Turns a call are bounded by pricing.plan.MAX_TURNS_PER_CALL (priced in closed form).
MAX_PLAN_NUMBER = {"minutes": 10**12, "calls": 10**12, "rag_chunks": 10**6, "active_hours": 744}


class PlanFlags(FlagGroup, frozen=True):
    """The plan flags as typed (None = not given). A scenario file uses the same names."""

    PANEL: ClassVar[str] = "Plan (flags over --scenario over the catalog's defaults)"

    scenario: Path | None = flag("--scenario", Path, "A YAML plan with the fields below; flags override it.", "FILE")
    minutes: str | None = flag("--minutes", str, "Call minutes a month (10000, 10k, 10,000).", "N")
    calls: str | None = flag("--calls", str, "Calls a month; minutes = calls × --call-minutes.", "N")
    call_minutes: str | None = flag("--call-minutes", str, "Average call length (L): minutes, or 90s, 4m.", "MIN")
    turns_per_minute: str | None = flag("--turns-per-minute", str, "Agent turns a minute (T).", "N")
    prompt_tokens: str | None = flag("--prompt-tokens", str, "System prompt tokens (P); 800, 2k.", "TOKENS")
    prompt_file: Path | None = flag("--prompt-file", Path, "Count P in this file, with each model's tokenizer.", "FILE")
    kb_tokens: str | None = flag("--kb-tokens", str, "Knowledge-base tokens in the prompt (K); 50k, 1M.", "TOKENS")
    kb_size: str | None = flag("--kb-size", str, "Knowledge-base size (2MB, 300kB) at the catalog's characters per token.", "SIZE")
    kb: list[Path] | None = flag("--kb", List[Path], "Count K in these files and folders, with each model's tokenizer (repeatable).", "PATH")
    rag: bool | None = flag("--rag", bool, "Retrieve chunks instead of putting the knowledge base in the prompt.")
    rag_chunks: str | None = flag("--rag-chunks", str, "Chunks retrieved a turn with --rag (r).", "N")
    chunk_tokens: str | None = flag("--chunk-tokens", str, "Tokens a chunk with --rag (c).", "TOKENS")
    user_tokens: str | None = flag("--user-tokens", str, "Tokens of the user's utterance a turn (u).", "TOKENS")
    output_tokens: str | None = flag("--output-tokens", str, "Output tokens a turn (o).", "TOKENS")
    history: str | None = flag("--history", str, "History re-sent each turn: full, none or window:N.", "MODE")
    cache_hit: str | None = flag("--cache-hit", str, "Share of the static prefix read from the prompt cache (h): 90% or 0.9.", "SHARE")
    silence: str | None = flag("--silence", str, "Share of call time that is silence, 20% or 0.2 (5 % of the platform fee; no LLM requests).", "SHARE")
    # cost model v2 (pricing/cost.py)
    cache: str | None = flag("--cache", str, "Prompt caching: auto (where the provider caches by itself), explicit (also opt in where it must be asked for), off.", "MODE")
    cache_ttl: str | None = flag("--cache-ttl", str, "Lifetime and write price of an explicit cache: 5m or 1h.", "TTL")
    active_hours: str | None = flag("--active-hours", str, "Hours a month in which calls arrive (for cold cache starts).", "HOURS")
    platform_fee: str | None = flag("--platform-fee", str, "The platform's call fee, USD a minute (silence billed at its rate).", "USD_PER_MIN")
    tool_tokens: str | None = flag("--tool-tokens", str, "Tool-definition tokens sent with every request (D); 0 for none.", "TOKENS")
    tool_calls: str | None = flag("--tool-calls", str, "Server-tool round trips a call (one more request each).", "N")
    tool_result_tokens: str | None = flag("--tool-result-tokens", str, "Tokens of a tool result (t), kept in the history.", "TOKENS")
    extra_generations: str | None = flag("--extra-generations", str, "Discarded generations billed on top, as a share of the requests (g).", "SHARE")
    reasoning_tokens: str | None = flag("--reasoning-tokens", str, "Reasoning tokens a request (z), billed as output, not kept.", "TOKENS")


PLAN_FLAGS = group_flags(PlanFlags)  # name -> Flag
_FIELDS = tuple(PLAN_FLAGS)
_TOKEN_FIELDS = ("prompt_tokens", "kb_tokens", "chunk_tokens", "user_tokens", "output_tokens",
                 "tool_tokens", "tool_result_tokens", "reasoning_tokens")
_CHOICES = {"cache": ("auto", "explicit", "off"), "cache_ttl": ("5m", "1h")}
_SHARE_FIELDS = ("cache_hit", "silence")


MAX_SCENARIO_BYTES = 1 << 20  # a scenario is a dozen lines


def _read_scenario(path: Path) -> dict:
    from llmplan.catalog.files import parse_yaml, read_text

    text = read_text(path, "scenario file", InputError, hint="check the --scenario path", limit=MAX_SCENARIO_BYTES)
    data = parse_yaml(text, path, InputError)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"{path}: a scenario must be a mapping of plan fields")
    unknown = sorted(set(data) - set(_FIELDS))
    if unknown:
        raise InputError(f"{path}: unknown scenario field(s) {', '.join(unknown)} (known: {', '.join(_FIELDS[1:])})")
    return data


def _where(name: str, origin: dict) -> str:
    """How an error names a value: the scenario file and field, or the flag."""
    source = origin.get(name)
    if source is not None and source.from_scenario:
        return f"{source.where}: {name}"
    return PLAN_FLAGS[name].option if name in PLAN_FLAGS else name


_NUMBER_FIELDS = ("minutes", "calls", "turns_per_minute", "rag_chunks", "active_hours", "platform_fee",
                  "tool_calls", "extra_generations")
_EXAMPLES = {"minutes": "10000, 10k or 10,000", "calls": "2500, 2.5k or 2,500", "rag_chunks": "20",
             "platform_fee": "0.08 or $0.08", "call_minutes": "4, 90s or 4m"}


def _human_number(value, parse):
    """A YAML number as it is, a flag's (or YAML's) text through the parser; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value if math.isfinite(value) else None
    try:
        return parse(str(value))
    except UsageError:
        return None


def _numbers(out: dict, fail) -> None:
    """Counts take k/M and thousands separators, call lengths a unit, shares a %; nan/inf are refused."""
    for name in _NUMBER_FIELDS:
        if name in out:
            number = _human_number(out[name], parse_number)
            if number is None:
                fail(name, f"must be a number ≥ 0 like {_EXAMPLES.get(name, '5 or 2.5')}")
            out[name] = number
    if "call_minutes" in out:
        number = _human_number(out["call_minutes"], lambda t: parse_seconds(t, unit="m") / 60)
        if number is None:
            fail("call_minutes", "must be a number ≥ 0 like 4, 90s or 4m")
        out["call_minutes"] = number
    if "rag_chunks" in out and out["rag_chunks"] != int(out["rag_chunks"]):
        fail("rag_chunks", "must be a whole number like 20")
    if "rag_chunks" in out:
        out["rag_chunks"] = int(out["rag_chunks"])
    for name in _SHARE_FIELDS:
        if name in out:
            number = _human_number(out[name], parse_share)
            if number is None or not 0 <= number <= 1:
                fail(name, "must be a share from 0 to 1 like 20% or 0.2")
            out[name] = number


def _check(values: dict, origin: dict) -> dict:
    """Validate and normalise; errors name the flag or the scenario file and field."""
    out = dict(values)

    def fail(name: str, what: str):
        error = InputError if origin[name].from_scenario else UsageError
        raise error(f"{_where(name, origin)} {what}, got {shown(values[name])}")

    _numbers(out, fail)

    for name in _TOKEN_FIELDS:
        if name in out:
            try:
                out[name] = parse_count(str(out[name]), _where(name, origin))
            except UsageError:
                fail(name, "must be a token count ≥ 0 like 800, 2k or 1M")
    if out.get("cache") is False:  # YAML 1.1 reads a bare `off` as false
        out["cache"] = "off"
    for name, choices in _CHOICES.items():
        if name in out and out[name] not in choices:
            fail(name, f"must be {', '.join(choices[:-1])} or {choices[-1]}")
    for name in ("minutes", "calls", "call_minutes", "turns_per_minute", "rag_chunks", "active_hours",
                 "platform_fee", "tool_calls", "extra_generations"):
        if name in out:
            value = out[name]
            if not finite(value) or value < 0:
                fail(name, "must be a number ≥ 0")
            if value > MAX_PLAN_NUMBER.get(name, float("inf")):
                fail(name, f"must be at most {MAX_PLAN_NUMBER[name]:,} (a plan this size is surely a typo)")
    for name, most in (("tool_calls", 1e6), ("extra_generations", 100)):
        if name in out and isinstance(out[name], (int, float)) and out[name] > most:
            fail(name, f"must be at most {most:,.0f}")
    for name in ("call_minutes", "turns_per_minute", "active_hours"):
        if name in out and out[name] == 0:
            fail(name, "must be more than 0")
    for name in _SHARE_FIELDS:
        if name in out:
            value = out[name]
            if not finite(value) or not 0 <= value <= 1:
                fail(name, "must be a share from 0 to 1")
    if "history" in out and not valid_history(str(out["history"])):
        fail("history", "must be full, none or window:N")
    if "rag" in out and not isinstance(out["rag"], bool):
        fail("rag", "must be true or false")
    if "kb_size" in out:
        try:
            out["kb_size"] = parse_size(str(out["kb_size"]), _where("kb_size", origin))
        except UsageError:
            fail("kb_size", "must be a size like 2MB or 300kB")
    given = [f"--{name.replace('_', '-')}" for name in ("kb_tokens", "kb_size", "kb") if name in out]
    if len(given) > 1:
        raise UsageError(f"give only one of --kb-tokens, --kb-size and --kb (got {' and '.join(given)})")
    if "prompt_file" in out and "prompt_tokens" in out:
        raise UsageError("give one of --prompt-tokens and --prompt-file, not both")
    if "minutes" in out and "calls" in out:
        raise UsageError("give one of --minutes and --calls, not both")
    return out


def _scenario_paths(values: dict, origin: dict, folder: Path) -> None:
    """prompt_file and kb in a scenario are paths relative to the scenario's folder."""
    def path(name, text):
        if not isinstance(text, str) or not text:
            raise InputError(f"{_where(name, origin)} must be a path, got {text!r}")
        return folder / text

    if "prompt_file" in values:
        values["prompt_file"] = path("prompt_file", values["prompt_file"])
    if "kb" in values:
        kb = values["kb"] if isinstance(values["kb"], list) else [values["kb"]]
        values["kb"] = [path("kb", item) for item in kb]


def read_plan(flags: PlanFlags, catalog: Catalog, models: list[Model | None] = (None,),
              progress: bool = False, bounded: list[Model] = ()) -> PlanInput:
    """Flags over the scenario file over the catalog's plan_defaults -> PlanInput,
    with any prompt/KB files counted for each of these models' encodings (None:
    the proxy). progress: a progress bar (stderr) while counting large --kb inputs.
    bounded: models whose files get only a lower bound of their count where their
    encoding is not one of the models' (tokens/bounds.py; count_exactly() later
    counts the ones a report needs), in the same pass over the files."""
    values: dict = {}
    origin: dict = {}
    from llmplan.cli.config import active

    for config in active():  # the user's, then the project's
        given = {k: v for k, v in config.plan.items()}
        unknown = sorted(set(map(str, given)) - set(_FIELDS[1:]))
        if unknown:
            raise InputError(f"{config.path}: unknown plan field(s) {', '.join(unknown)} "
                             f"(known: {', '.join(_FIELDS[1:])})")
        where = {k: Origin(Source.CONFIG, str(config.path)) for k in given}
        _scenario_paths(given, where, config.path.parent)
        values.update(given)
        origin.update(where)
    if flags.scenario is not None:
        scenario = Path(flags.scenario)
        for key, value in _read_scenario(scenario).items():
            values[key], origin[key] = value, Origin(Source.SCENARIO, str(flags.scenario))
        _scenario_paths(values, origin, scenario.parent)
    for name in flags.__struct_fields__:
        value = getattr(flags, name)
        if name != "scenario" and value is not None and value != []:
            values[name], origin[name] = value, Origin(Source.FLAG, PLAN_FLAGS[name].option)
    values = _check(values, origin)

    defaults = catalog.plan_defaults

    def pick(name):
        if name in values:
            return values[name]
        origin[name] = DEFAULT
        return defaults[name]

    call_minutes = pick("call_minutes")
    if "calls" in values:
        values["minutes"], origin["minutes"] = values["calls"] * call_minutes, Origin(Source.CALLS)
    kb_tokens = pick("kb_tokens")
    cpt = catalog.platform.chars_per_token
    if "kb_size" in values:
        kb_tokens = round(values["kb_size"] / cpt)
        origin["kb_tokens"] = Origin(Source.SIZE, based_on=origin["kb_size"], detail=f"{cpt:g}")
    plan = Plan(
        minutes=pick("minutes"),
        call_minutes=call_minutes,
        turns_per_minute=pick("turns_per_minute"),
        prompt_tokens=pick("prompt_tokens"),
        kb_tokens=kb_tokens,
        rag=values.get("rag", False),
        rag_chunks=pick("rag_chunks"),
        chunk_tokens=pick("chunk_tokens"),
        user_tokens=pick("user_tokens"),
        output_tokens=pick("output_tokens"),
        history=pick("history"),
        cache_hit=pick("cache_hit"),
        silence=pick("silence"),
        **_billing_values(values, origin, catalog),
    )
    origin.setdefault("rag", DEFAULT)
    if plan.call_minutes * plan.turns_per_minute > MAX_TURNS_PER_CALL:
        raise UsageError(f"{_where('call_minutes', origin)} × {_where('turns_per_minute', origin)} gives "
                         f"more than {MAX_TURNS_PER_CALL:,} turns a call: "
                         "give the average call length in minutes and the agent turns a minute")
    if "prompt_file" not in values and "kb" not in values:
        return PlanInput(plan, origin, chars_per_token=cpt)
    from llmplan.cli.plan_files import PlanFiles  # file walking and counting, only when files are given

    files = PlanFiles.find(values.get("prompt_file"), values.get("kb"))
    if files is None:
        return PlanInput(plan, origin, chars_per_token=cpt)
    if files.prompt is not None:
        origin["prompt_tokens"] = Origin(Source.COUNTED, based_on=origin["prompt_file"], detail=str(files.prompt))
    origin["system_prompt_bytes"] = Origin(Source.MEASURED)
    from llmplan.tokens.bounds import bounded as boundable

    encodings = {m.id if m is not None else None: catalog.encoding_for(m) for m in models}
    exact = [e for e, _ in encodings.values()]
    more = {m.id: catalog.encoding_for(m) for m in bounded if m.id not in encodings}
    exact += [e for e, _ in more.values() if not boundable(e)]  # no bound known: counted as before
    lows = [e for e, _ in more.values() if e not in exact]
    encodings.update(more)
    counts = files.count(exact, cpt, progress, lows)
    if files.kb is not None:  # "N of M": files skipped (scanned PDFs, binaries, FIFOs) are not hidden
        kb = next(iter(counts.values())).kb
        origin["kb_tokens"] = Origin(Source.COUNTED, based_on=origin["kb"],
                                     detail=f"{len(kb.files)} of {kb.considered} file(s)")
    return PlanInput(plan, origin, files, counts, encodings, cpt)


def count_exactly(plan: PlanInput, encodings: set[str], progress: bool = False) -> PlanInput:
    """The plan with these bounded encodings counted exactly (a second pass over the files)."""
    wanted = [e for e in plan.counts if e in encodings and plan.counts[e].lower_bound]
    if not wanted:
        return plan
    return plan.with_counts(plan.files.count(wanted, plan.chars_per_token, progress))


def _billing_values(values: dict, origin: dict, catalog: Catalog) -> dict:
    """The cost-model-v2 plan values: flag or scenario, else the catalog (plan_defaults,
    the platform's system-tool count), else the Plan's own default."""
    out: dict = {}
    defaults = catalog.plan_defaults
    for name in ("cache", "cache_ttl", "active_hours", "tool_calls", "tool_result_tokens", "extra_generations"):
        if name in values:
            out[name] = values[name]
        elif name in defaults:
            out[name], origin[name] = defaults[name], DEFAULT
    if "tool_tokens" in values:
        out["tool_tokens"] = values["tool_tokens"]
    elif catalog.platform.system_tool_tokens is not None:
        out["tool_tokens"] = catalog.platform.system_tool_tokens
        source = catalog.source_title(catalog.platform.system_tool_tokens_source) or "no source"
        origin["tool_tokens"] = Origin(Source.CATALOG, detail=f"the platform's system tools, an estimate: {source}")
    if "reasoning_tokens" in values:
        out["reasoning_tokens"] = values["reasoning_tokens"]
    else:
        origin["reasoning_tokens"] = DEFAULT  # None: not given (a model that always reasons warns)
    if "platform_fee" in values:
        out["platform_fee_usd_per_minute"] = values["platform_fee"]
        origin["platform_fee_usd_per_minute"] = origin["platform_fee"]
    else:
        origin["platform_fee_usd_per_minute"] = DEFAULT  # None: LLM cost only
    return out


def note_skipped(plan: PlanInput) -> None:
    """Say on stderr which knowledge-base files were left out, and why."""
    import sys

    skipped = plan.skipped()
    if skipped:
        shown = ", ".join(f"{path} ({why.split(':')[0]})" for path, why in skipped[:5])
        more = f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
        from llmplan.render.formats import plain

        sys.stderr.write(plain(f"llmplan: note: --kb: skipped {len(skipped)} file(s): {shown}{more}") + "\n")
