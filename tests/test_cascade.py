"""The cascade rules (cascade.py), one rule per test, on the embedded catalog's
sequence and HIPAA flags or on sequences built in the test."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmplan.cascade.rules import NO_CASCADE, NOT_HIPAA, SAME_AS_PREFERRED, Failure, build_plan, parse_fail, parse_rate, run_turn
from llmplan.catalog.files import load_catalog
from llmplan.errors import UsageError


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(None)


def default_plan(catalog, preferred, budget=None, hipaa=False):
    eligible = {m.id for m in catalog.models.values() if m.hipaa}
    return build_plan(preferred, catalog.fallback_sequence.models,
                      budget=budget or catalog.platform.min_attempts, hipaa=hipaa, eligible=eligible)


def models(plan):
    return [slot.model for slot in plan.slots]


def fail(*ids, kind="error"):
    return {m: Failure(kind, "--fail") for m in ids}


def test_first_attempt_is_the_preferred_model(catalog):
    plan = default_plan(catalog, "gpt-4o")
    assert (plan.slots[0].model, plan.slots[0].role) == ("gpt-4o", "preferred")


def test_backups_follow_the_catalog_sequence_in_order(catalog):
    plan = default_plan(catalog, "gpt-4.1")
    assert models(plan)[1:] == list(catalog.fallback_sequence.models[:2])
    assert [s.label for s in plan.slots] == ["preferred", "backup 1", "backup 2"]


def test_budget_defaults_to_the_catalog_minimum(catalog):
    assert catalog.platform.min_attempts == 3
    assert len(default_plan(catalog, "gpt-4o").slots) == 3


def test_preferred_inside_the_backup_list_is_skipped_as_same_as_preferred(catalog):
    plan = default_plan(catalog, "gemini-2.0-flash")
    assert models(plan) == ["gemini-2.0-flash", "gemini-2.5-flash", "gemini-2.0-flash-lite"]
    assert [(s.model, s.reason) for s in plan.skipped] == [("gemini-2.0-flash", SAME_AS_PREFERRED)]
    assert "gemini-2.0-flash" not in plan.backups


def test_hipaa_mode_keeps_only_eligible_backups(catalog):
    plan = default_plan(catalog, "claude-3-7-sonnet", budget=9, hipaa=True)
    assert plan.backups == ("gemini-2.5-flash", "gemini-2.0-flash", "gemini-2.0-flash-lite",
                            "claude-3-5-sonnet", "gemini-1.5-pro", "gemini-1.5-flash")
    reasons = {s.model: s.reason for s in plan.skipped}
    assert reasons == {"claude-3-7-sonnet": SAME_AS_PREFERRED,
                       "claude-3-5-sonnet-v1": NOT_HIPAA, "gpt-4o": NOT_HIPAA}


def test_without_hipaa_mode_non_eligible_backups_stay(catalog):
    plan = default_plan(catalog, "claude-3-7-sonnet", budget=9)
    assert "gpt-4o" in plan.backups and "claude-3-5-sonnet-v1" in plan.backups


def test_hipaa_mode_refuses_a_non_eligible_preferred_model(catalog):
    with pytest.raises(UsageError, match="gpt-4o is not HIPAA-eligible.*HTTP 400"):
        default_plan(catalog, "gpt-4o", hipaa=True)


def test_wrap_around_retries_failed_backups_in_sequence_order():
    plan = build_plan("P", ["A", "B"], budget=6)
    assert models(plan) == ["P", "A", "B", "A", "B", "A"]
    assert [s.label for s in plan.slots] == [
        "preferred", "backup 1", "backup 2", "retry of backup 1", "retry of backup 2", "retry of backup 1",
    ]
    assert [s.try_number for s in plan.slots] == [1, 1, 1, 2, 2, 3]


def test_wrap_around_when_every_model_fails_gives_no_answer():
    plan = build_plan("P", ["A", "B"], budget=5)
    run = run_turn(plan, fail("P", "A", "B"))
    assert run.served_by is None and run.served_at is None
    assert [r.outcome for r in run.results] == ["error"] * 5
    assert run.connections == ("P", "A", "B")


def test_without_backups_the_preferred_model_is_retried():
    plan = build_plan("P", ["P"], budget=3)
    assert models(plan) == ["P", "P", "P"]
    assert [s.label for s in plan.slots] == ["preferred", "retry 1 of preferred", "retry 2 of preferred"]


def test_custom_llm_is_retried_for_every_attempt_and_never_falls_back(catalog):
    plan = build_plan("custom", catalog.fallback_sequence.models, budget=4, custom=True)
    assert models(plan) == ["custom"] * 4
    assert plan.backups == ()
    assert {s.reason for s in plan.skipped} == {NO_CASCADE}
    run = run_turn(plan, fail("custom", kind="timeout"))
    assert run.served_by is None
    assert run.connections == ("custom",)


def test_custom_llm_is_allowed_in_hipaa_mode():
    plan = build_plan("custom", ["A"], budget=3, hipaa=True, eligible=(), custom=True)
    assert models(plan) == ["custom"] * 3


def test_first_model_that_does_not_fail_serves_and_later_attempts_are_not_made():
    run = run_turn(build_plan("P", ["A", "B"], budget=3), fail("P", kind="empty"))
    assert [(r.slot.model, r.outcome) for r in run.results] == [
        ("P", "empty"), ("A", "answered"), ("B", "not tried")]
    assert (run.served_by, run.served_at) == ("A", 2)


def test_connections_open_lazily_only_for_the_models_tried():
    run = run_turn(build_plan("P", ["A", "B", "C"], budget=4), {})
    assert run.connections == ("P",)


def test_both_gemini_flashes_down_is_still_answered(catalog):
    plan = default_plan(catalog, "gemini-2.5-flash")
    run = run_turn(plan, fail("gemini-2.5-flash", "gemini-2.0-flash"))
    assert (run.served_by, run.served_at) == ("gemini-2.0-flash-lite", 3)


def test_a_repeated_model_in_the_sequence_counts_once():
    plan = build_plan("P", ["A", "A", "B"], budget=3)
    assert plan.backups == ("A", "B")


@pytest.mark.parametrize("text, parsed", [
    ("gpt-4o", ("gpt-4o", "error")),
    ("gpt-4o:timeout", ("gpt-4o", "timeout")),
    ("custom:empty", ("custom", "empty")),
])
def test_fail_takes_a_model_and_an_optional_kind(text, parsed):
    assert parse_fail(text) == parsed


@pytest.mark.parametrize("text", ["gpt-4o:crash", ":timeout", "gpt-4o:", ""])
def test_malformed_fail_is_refused(text):
    with pytest.raises(ValueError):
        parse_fail(text)


@pytest.mark.parametrize("text", ["gpt-4o=1.5", "gpt-4o=-0.1", "gpt-4o=nan", "gpt-4o", "=0.1", "gpt-4o=x"])
def test_fail_rate_must_name_a_model_and_a_probability(text):
    with pytest.raises(ValueError):
        parse_rate(text)


def test_fail_rate_parses_model_and_probability():
    assert parse_rate("gemini-2.5-flash=0.25") == ("gemini-2.5-flash", 0.25)


ids = st.sampled_from(["P", "A", "B", "C", "D"])


@given(ids, st.lists(ids, max_size=6), st.integers(min_value=1, max_value=20), st.booleans())
def test_any_plan_spends_the_budget_on_preferred_then_backups_then_retries_in_order(preferred, sequence, budget, hipaa):
    plan = build_plan(preferred, sequence, budget=budget, hipaa=hipaa, eligible={"P", "A", "C"} | {preferred})
    assert len(plan.slots) == budget
    assert plan.slots[0].model == preferred
    backups = plan.backups
    assert preferred not in backups and not (hipaa and {"B", "D"} & set(backups))
    later = [s.model for s in plan.slots[1:]]
    cycle = list(backups) or [preferred]
    assert later == [cycle[i % len(cycle)] for i in range(budget - 1)]
