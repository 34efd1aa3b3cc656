"""--prompt-file and --kb: counted up front with each priced model's encoding, once per encoding."""

import pytest

from llmplan.cli import plan_files as plan_files
from llmplan.tokens import encodings as tokens
from llmplan.catalog.files import load_catalog
from llmplan.cli.plan_input import PlanFlags, read_plan
from llmplan.serialize import to_data
from token_env import small_encoding


@pytest.fixture
def encodings(monkeypatch):
    """The catalog's two encodings, as small real ones (nothing to download)."""
    monkeypatch.setattr(tokens, "_loaded", {})
    tokens.register("o200k_base", small_encoding("o200k_base"))
    tokens.register("cl100k_base", small_encoding("cl100k_base", merges=()))


def models(catalog, *ids):
    return [catalog.models[i] for i in ids]


def spy(monkeypatch) -> list:
    """Each count_many call: the encodings it counted with (one pass over the files for all)."""
    calls = []
    real = plan_files.count_many
    monkeypatch.setattr(plan_files, "count_many", lambda *a, **k: calls.append([t.name for t in a[1]]) or real(*a, **k))
    return calls


def test_files_are_read_once_for_every_encoding_not_once_per_model(tmp_path, monkeypatch, encodings):
    calls = spy(monkeypatch)
    (tmp_path / "kb.md").write_text("the thing in the rain\n" * 10, encoding="utf-8")
    catalog = load_catalog(None)
    ids = ("gpt-4o", "gpt-4o-mini", "gpt-4", "claude-sonnet-4")
    spec = read_plan(PlanFlags(kb=[tmp_path / "kb.md"]), catalog, models(catalog, *ids))
    plans = {m: spec.plan_for(catalog.models[m]) for m in ids}
    assert [sorted(c) for c in calls] == [["cl100k_base", "o200k_base"]]  # one pass, both encodings
    assert plans["gpt-4"].kb_tokens == len("the thing in the rain\n") * 10  # byte-level stand-in
    assert plans["gpt-4o"].kb_tokens == plans["claude-sonnet-4"].kb_tokens < plans["gpt-4"].kb_tokens


def test_tokenizer_label_says_exact_or_approximate(tmp_path, encodings):
    (tmp_path / "p.txt").write_text("the agent", encoding="utf-8")
    catalog = load_catalog(None)
    spec = read_plan(PlanFlags(prompt_file=tmp_path / "p.txt"), catalog, models(catalog, "gpt-4o", "claude-sonnet-4"))
    assert to_data(spec.tokenizer_for(catalog.models["gpt-4o"])) == {"encoding": "o200k_base", "count": "exact"}
    assert to_data(spec.tokenizer_for(catalog.models["claude-sonnet-4"]))["count"] == "approximate"


def test_system_prompt_bytes_leave_the_kb_out_with_rag(tmp_path, encodings):
    (tmp_path / "p.txt").write_text("abcd", encoding="utf-8")
    (tmp_path / "kb.txt").write_text("x" * 100, encoding="utf-8")
    catalog = load_catalog(None)
    files = dict(prompt_file=tmp_path / "p.txt", kb=[tmp_path / "kb.txt"])
    assert read_plan(PlanFlags(**files), catalog).plan_for(None).system_prompt_bytes == 104
    assert read_plan(PlanFlags(rag=True, **files), catalog).plan_for(None).system_prompt_bytes == 4


def test_plan_without_files_is_the_same_for_every_model():
    catalog = load_catalog(None)
    spec = read_plan(PlanFlags(prompt_tokens="2k"), catalog)
    assert spec.plan_for(catalog.models["gpt-4"]) == spec.plan_for(None)
    assert spec.plan_for(None).prompt_tokens == 2000


def test_offline_the_files_are_read_once_for_every_encoding(tmp_path, monkeypatch):
    monkeypatch.setattr(tokens, "_loaded", {})
    tokens.register("o200k_base", None)  # unavailable: the heuristic
    tokens.register("cl100k_base", None)
    calls = spy(monkeypatch)
    (tmp_path / "kb.md").write_text("x" * 400, encoding="utf-8")
    catalog = load_catalog(None)
    spec = read_plan(PlanFlags(kb=[tmp_path / "kb.md"]), catalog, models(catalog, "gpt-4o", "gpt-4"))
    assert {spec.plan_for(catalog.models[m]).kb_tokens for m in ("gpt-4o", "gpt-4")} == {100}
    assert len(calls) == 1


def test_files_are_counted_up_front_for_the_priced_encodings_only(tmp_path, monkeypatch, encodings):
    calls = spy(monkeypatch)
    text = "the thing in the rain\n" * 10
    (tmp_path / "kb.md").write_text(text, encoding="utf-8")
    catalog = load_catalog(None)
    gpt4 = catalog.models["gpt-4"]
    spec = read_plan(PlanFlags(kb=[tmp_path / "kb.md"]), catalog, [gpt4])
    assert calls == [["cl100k_base"]]
    plan, shown = spec.plan_for(gpt4), spec.assumptions(gpt4)
    assert calls == [["cl100k_base"]]  # pricing and the assumptions count nothing more
    assert plan.kb_tokens == shown["kb_tokens"].value == len(text)  # byte-level stand-in: a token a byte
    assert str(shown["kb_tokens"].origin) == "flag --kb: counted in 1 of 1 file(s) with cl100k_base"


def test_a_model_not_counted_for_is_a_programming_error_not_a_silent_recount(tmp_path, encodings):
    (tmp_path / "kb.md").write_text("abc", encoding="utf-8")
    catalog = load_catalog(None)
    spec = read_plan(PlanFlags(kb=[tmp_path / "kb.md"]), catalog, [catalog.models["gpt-4"]])
    with pytest.raises(LookupError, match="gpt-4o"):
        spec.plan_for(catalog.models["gpt-4o"])
