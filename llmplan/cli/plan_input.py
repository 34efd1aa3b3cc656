"""The plan flags shared by `estimate`, `recommend` and `fallback`, and the
scenario file that holds the same fields.

Precedence, per field: a flag, then the scenario file, then the catalog's
`plan_defaults`. `@plan_options` adds the flags to a command and hands it a
PlanSpec; `spec.plan_for(model)` gives the Plan to price on that model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, List


from llmplan.catalog.records import Catalog, Model
from llmplan.errors import InputError, UsageError
from llmplan.cli.options import Flag, option_group
from llmplan.pricing.cost import Plan
from llmplan.errors import shown
from llmplan.units import finite, parse_count, parse_size, valid_history

# Far past any real plan: a month has 44,640 minutes of one line; a call of a week at
# 10 turns a minute has ~100,000 turns. Past these the cost sums are not worth running.
MAX_PLAN_NUMBER = {"minutes": 10**12, "calls": 10**12, "call_minutes": 10_080,
                   "turns_per_minute": 600, "rag_chunks": 10**6}
MAX_TURNS_PER_CALL = 100_000


PLAN_FLAGS = (
    Flag("scenario", "--scenario", Path, "A YAML plan with the fields below; flags override it.", "FILE"),
    Flag("minutes", "--minutes", float, "Call minutes a month.", "N"),
    Flag("calls", "--calls", float, "Calls a month; minutes = calls × --call-minutes.", "N"),
    Flag("call_minutes", "--call-minutes", float, "Average call length in minutes (L).", "MIN"),
    Flag("turns_per_minute", "--turns-per-minute", float, "Agent turns a minute (T).", "N"),
    Flag("prompt_tokens", "--prompt-tokens", str, "System prompt tokens (P); 800, 2k.", "TOKENS"),
    Flag("prompt_file", "--prompt-file", Path, "Count P in this file, with each model's tokenizer.", "FILE"),
    Flag("kb_tokens", "--kb-tokens", str, "Knowledge-base tokens in the prompt (K); 50k, 1M.", "TOKENS"),
    Flag("kb_size", "--kb-size", str, "Knowledge-base size (2MB, 300kB) at the catalog's characters per token.", "SIZE"),
    Flag("kb", "--kb", List[Path], "Count K in these files and folders, with each model's tokenizer (repeatable).", "PATH"),
    Flag("rag", "--rag", bool, "Retrieve chunks instead of putting the knowledge base in the prompt."),
    Flag("rag_chunks", "--rag-chunks", int, "Chunks retrieved a turn with --rag (r).", "N"),
    Flag("chunk_tokens", "--chunk-tokens", str, "Tokens a chunk with --rag (c).", "TOKENS"),
    Flag("user_tokens", "--user-tokens", str, "Tokens of the user's utterance a turn (u).", "TOKENS"),
    Flag("output_tokens", "--output-tokens", str, "Output tokens a turn (o).", "TOKENS"),
    Flag("history", "--history", str, "History re-sent each turn: full, none or window:N.", "MODE"),
    Flag("cache_hit", "--cache-hit", float, "Share 0..1 of the static prefix read from the prompt cache (h).", "SHARE"),
    Flag("silence", "--silence", float, "Share 0..1 of call time that is silence (billed at the platform's rate).", "SHARE"),
)
_FLAG_NAMES = tuple(f.name for f in PLAN_FLAGS)
_TOKEN_FIELDS = ("prompt_tokens", "kb_tokens", "chunk_tokens", "user_tokens", "output_tokens")
_SHARE_FIELDS = ("cache_hit", "silence")


@dataclass(frozen=True)
class PlanSpec:
    """What the user said about the plan, before the catalog's defaults fill it in."""

    values: dict = field(default_factory=dict)  # field -> value, flags over scenario
    origin: dict = field(default_factory=dict)  # field -> "flag --x" | "scenario FILE" | "default"
    base: Plan | None = None
    files: Any = None  # plan_files.PlanFiles when --prompt-file or --kb is given
    encoding_for: Callable[[Model | None], tuple[str, bool]] | None = None  # Catalog.encoding_for

    def plan_for(self, model: Model | None = None) -> Plan:
        """The plan to price on this model (prompt and knowledge-base files are
        counted with the model's tokenizer; model None = the proxy encoding)."""
        assert self.base is not None, "resolve() first"
        if self.files is None:
            return self.base
        prompt, kb = self.files.counts(self.encoding_for(model)[0])
        changes: dict = {}
        if prompt is not None:
            changes["prompt_tokens"] = prompt.tokens
        if kb is not None:
            changes["kb_tokens"] = kb.tokens
        plan = self.base.with_(**changes)
        prompt_bytes = prompt.bytes if prompt is not None else plan.prompt_tokens * self.files.chars_per_token
        kb_bytes = 0 if plan.rag else (kb.bytes if kb is not None else plan.kb_tokens * self.files.chars_per_token)
        return plan.with_(system_prompt_bytes=round(prompt_bytes + kb_bytes))

    def tokenizer_for(self, model: Model | None) -> dict | None:
        """How this model's prompt/KB tokens were counted, or None without files."""
        if self.files is None:
            return None
        encoding, exact = self.encoding_for(model)
        prompt, kb = self.files.counts(encoding)
        heuristic = (prompt or kb).heuristic
        return {"encoding": encoding, "count": "heuristic" if heuristic else ("exact" if exact else "approximate")}

    def assumptions(self) -> dict:
        """Every value used and where it came from, for output and JSON."""
        plan = self.plan_for()
        data = plan.to_dict()
        return {key: {"value": value, "from": self.origin.get(key, "derived")} for key, value in data.items()}


MAX_SCENARIO_BYTES = 1 << 20  # a scenario is a dozen lines


def _read_scenario(path: Path) -> dict:
    from llmplan.catalog.files import parse_yaml, read_text

    text = read_text(path, "scenario file", InputError, hint="check the --scenario path", limit=MAX_SCENARIO_BYTES)
    data = parse_yaml(text, path, InputError)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"{path}: a scenario must be a mapping of plan fields")
    unknown = sorted(set(data) - set(_FLAG_NAMES) - {"scenario"})
    if unknown:
        raise InputError(f"{path}: unknown scenario field(s) {', '.join(unknown)} (known: {', '.join(_FLAG_NAMES[1:])})")
    return data


def _where(field_name: str, origin: dict) -> str:
    source = origin.get(field_name, "")
    if source.startswith("scenario "):
        return f"{source[len('scenario '):]}: {field_name}"
    return next((f.option for f in PLAN_FLAGS if f.name == field_name), field_name)


def _check(values: dict, origin: dict) -> dict:
    """Validate and normalise; errors name the flag or the scenario file and field."""
    out = dict(values)

    def fail(name: str, what: str):
        error = InputError if origin.get(name, "").startswith("scenario ") else UsageError
        raise error(f"{_where(name, origin)} {what}, got {shown(values[name])}")

    for name in _TOKEN_FIELDS:
        if name in out:
            try:
                out[name] = parse_count(str(out[name]), _where(name, origin))
            except UsageError:
                fail(name, "must be a token count ≥ 0 like 800, 2k or 1M")
    for name in ("minutes", "calls", "call_minutes", "turns_per_minute", "rag_chunks"):
        if name in out:
            value = out[name]
            if not finite(value) or value < 0:
                fail(name, "must be a number ≥ 0")
            if value > MAX_PLAN_NUMBER[name]:
                fail(name, f"must be at most {MAX_PLAN_NUMBER[name]:,} (a plan this size is surely a typo)")
    for name in ("call_minutes", "turns_per_minute"):
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


def resolve(raw: dict, catalog: Catalog, progress: bool = False) -> PlanSpec:
    """Flags over the scenario file over the catalog's plan_defaults -> PlanSpec.
    progress: show a progress bar (stderr) while counting large --kb inputs."""
    values: dict = {}
    origin: dict = {}
    scenario = raw.get("scenario")
    if scenario is not None:
        for key, value in _read_scenario(Path(scenario)).items():
            values[key], origin[key] = value, f"scenario {scenario}"
        _scenario_paths(values, origin, Path(scenario).parent)
    for key, value in raw.items():
        if key != "scenario" and value is not None and value != []:
            values[key], origin[key] = value, f"flag {_where(key, {})}"
    values = _check(values, origin)

    defaults = catalog.plan_defaults
    def pick(name):
        if name in values:
            return values[name]
        origin[name] = "default"
        return defaults[name]

    call_minutes = pick("call_minutes")
    turns = call_minutes * pick("turns_per_minute")
    if turns > MAX_TURNS_PER_CALL:
        given = [n for n in ("call_minutes", "turns_per_minute") if origin.get(n) != "default"]
        named = " and ".join(_where(n, origin) for n in given) or "the catalog's plan_defaults"
        error = InputError if any(origin.get(n, "").startswith("scenario ") for n in given) else UsageError
        raise error(f"{named}: {turns:,.0f} turns a call is more than the {MAX_TURNS_PER_CALL:,} llmplan "
                    "prices; check the call length and the turns a minute")
    if "calls" in values:
        values["minutes"], origin["minutes"] = values["calls"] * call_minutes, "calls × call_minutes"
    kb_tokens = pick("kb_tokens")
    if "kb_size" in values:
        kb_tokens = round(values["kb_size"] / catalog.platform.chars_per_token)
        origin["kb_tokens"] = f"{origin['kb_size']} ÷ {catalog.platform.chars_per_token:g} characters a token"
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
    )
    origin.setdefault("rag", "default")
    files = None
    if "prompt_file" in values or "kb" in values:
        from llmplan.cli.plan_files import PlanFiles

        files = PlanFiles.find(values.get("prompt_file"), values.get("kb"), catalog.platform.chars_per_token, progress)
        if "prompt_file" in values:
            origin["prompt_tokens"] = f"{origin['prompt_file']}: counted in {values['prompt_file']}"
        if "kb" in values:
            origin["kb_tokens"] = f"{origin['kb']}: counted in {len(files.kb)} file(s)"
        origin["system_prompt_bytes"] = "measured: the files' bytes"
    return PlanSpec(values=values, origin=origin, base=plan, files=files, encoding_for=catalog.encoding_for)


# Add the plan flags to a Typer command; it receives `plan_raw` (a dict of what
# was given) to pass to resolve() once the catalog is loaded.
plan_options = option_group(PLAN_FLAGS, "plan_raw")
