"""The plan as read (pure records): each value with where it came from, and the
plan's files as each encoding counted them. cli/plan_input.py reads flags,
scenario and files into a PlanInput; pricing/reports.py prices it.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, ClassVar

from msgspec import Struct, field

from llmplan.catalog.records import Model
from llmplan.pricing.cost import Plan
from llmplan.serialize import json_key


class FileCounts(Struct, frozen=True):
    """The plan's files as one encoding counts them."""

    encoding: str  # the encoding asked for
    heuristic: bool  # offline: characters ÷ characters a token
    prompt: Any  # tokens.counting.CountResult, or None without the file
    kb: Any
    lower_bound: bool = False  # counts at most the encoding's, without tokenizing (tokens/bounds.py)


class Source(Enum):
    FLAG = "flag"
    SCENARIO = "scenario"
    CONFIG = "config"  # a config file (cli/config.py)
    DEFAULT = "default"
    DERIVED = "derived"  # computed from the other values (turns_per_call, static prefix)
    CATALOG = "catalog platform"
    CALLS = "calls"  # minutes = calls × call_minutes
    SIZE = "size"  # kb_tokens = kb_size ÷ characters a token
    COUNTED = "counted"  # tokens counted in files
    MEASURED = "measured"  # bytes of the files


class Origin(Struct, frozen=True):
    """Where a plan value came from. str() is how output shows it."""

    source: Source
    where: str = ""  # the flag (--minutes) or the scenario file
    based_on: "Origin | None" = None  # the origin of what a derived value was derived from
    detail: str = ""

    def __str__(self) -> str:
        s = self.source
        if s is Source.FLAG:
            return f"flag {self.where}"
        if s is Source.SCENARIO:
            return f"scenario {self.where}"
        if s is Source.CONFIG:
            return f"config {self.where}"
        if s is Source.CALLS:
            return "calls × call_minutes"
        if s is Source.SIZE:
            return f"{self.based_on} ÷ {self.detail} characters a token"
        if s is Source.COUNTED:
            return f"{self.based_on}: counted in {self.detail}"
        if s is Source.MEASURED:
            return "measured: the files' bytes"
        if s is Source.CATALOG and self.detail:
            return f"catalog: {self.detail}"
        if s is Source.DERIVED and self.detail:
            return f"derived: {self.detail}"
        return s.value

    @property
    def from_scenario(self) -> bool:
        """From a file (a scenario or a config file): errors name the file and field."""
        return self.source in (Source.SCENARIO, Source.CONFIG)


DEFAULT, DERIVED, CATALOG = Origin(Source.DEFAULT), Origin(Source.DERIVED), Origin(Source.CATALOG)


class Assumption(Struct, frozen=True):
    JSON: ClassVar[dict] = {"origin": json_key("from", text=True)}
    value: object
    origin: Origin


class Tokenization(Struct, frozen=True):
    """How a model's prompt/KB tokens were counted (JSON: `tokenizer`)."""

    encoding: str
    count: str  # exact | approximate | heuristic | lower_bound (at most the count: tokens/bounds.py)


class PlanInput(Struct, frozen=True):
    """The plan as read: flags over scenario over catalog defaults, files counted."""

    base: Plan  # before the files' counts
    origins: dict  # field -> Origin (fields not in it are derived)
    files: Any = None  # cli.plan_files.PlanFiles (the paths found), None without files
    counts: dict = field(default_factory=dict)  # encoding -> FileCounts, for every encoding read_plan was asked for
    encodings: dict = field(default_factory=dict)  # model id (None: the proxy) -> (encoding, exact)
    chars_per_token: float = 4.0  # the catalog's, for the bytes of a plan given in tokens

    def _counts(self, model: Model | None) -> tuple[FileCounts, bool]:
        key = model.id if model is not None else None
        if key not in self.encodings:
            raise LookupError(f"the plan's files were not counted for {key or 'the proxy encoding'}: "
                              "name the model to read_plan")
        encoding, exact = self.encodings[key]
        return self.counts[encoding], exact

    def plan_for(self, model: Model | None = None) -> Plan:
        """The plan to price on this model (its files counted with the model's
        encoding; model None = the proxy encoding)."""
        if self.files is None:
            return self.base
        counts, _ = self._counts(model)
        prompt, kb = counts.prompt, counts.kb
        changes: dict = {}
        if prompt is not None:
            changes["prompt_tokens"] = prompt.tokens
        if kb is not None:
            changes["kb_tokens"] = kb.tokens
        plan = self.base.with_(**changes)
        cpt = self.chars_per_token
        prompt_bytes = prompt.bytes if prompt is not None else plan.prompt_tokens * cpt
        kb_bytes = 0 if plan.rag else (kb.bytes if kb is not None else plan.kb_tokens * cpt)
        return plan.with_(system_prompt_bytes=round(prompt_bytes + kb_bytes))

    def tokenizer_for(self, model: Model | None) -> Tokenization | None:
        """How this model's prompt/KB tokens were counted, or None without files."""
        if self.files is None:
            return None
        counts, exact = self._counts(model)
        if counts.lower_bound:
            return Tokenization(counts.encoding, "lower_bound")
        return Tokenization(counts.encoding, "heuristic" if counts.heuristic else ("exact" if exact else "approximate"))

    def bounded(self, model: Model | None) -> bool:
        """Whether this model's files were only bounded, not counted (plan_for gives lower bounds)."""
        return self.files is not None and self._counts(model)[0].lower_bound

    def with_counts(self, counts: dict) -> "PlanInput":
        """The same plan with these encodings' counts added or replaced (encoding -> FileCounts)."""
        return PlanInput(self.base, self.origins, self.files, {**self.counts, **counts}, self.encodings,
                         self.chars_per_token)

    def assumptions(self, model: Model | None = None) -> dict[str, Assumption]:
        """Every plan value this model was priced on and where it came from. Counted
        values name the encoding that counted them."""
        data = self.plan_for(model).to_dict()
        origins = dict(self.origins)
        if self.files is not None:
            counts, _ = self._counts(model)
            label = "heuristic" if counts.heuristic else counts.encoding
            for name in ("prompt_tokens", "kb_tokens"):
                o = origins.get(name)
                if o is not None and o.source is Source.COUNTED:
                    origins[name] = Origin(o.source, o.where, o.based_on, f"{o.detail} with {label}")
        return {key: Assumption(value, origins.get(key, DERIVED)) for key, value in data.items()}

    def skipped(self) -> list[tuple[str, str]]:
        """Knowledge-base files left out (binaries, non-UTF-8), from any count."""
        for counts in self.counts.values():
            if counts.kb is not None:
                return list(counts.kb.skipped)
        return []
