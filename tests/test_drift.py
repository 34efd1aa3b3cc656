"""Diffing model maps and finding stale entries (pure)."""

import datetime as dt

from llmplan.sources.drift import compare_model, diff, relative_change, stale


def test_equal_maps_have_no_differences():
    models = {"a": {"input_price": 1.0}}
    assert diff(models, dict(models)).equal


def test_added_removed_and_changed_models_are_reported_sorted():
    result = diff({"a": {"input_price": 1.0}, "gone": {}}, {"a": {"input_price": 1.5}, "new": {}})
    assert (result.added, result.removed) == (["new"], ["gone"])
    change = result.changed[0]
    assert (change.id, change.field, change.old, change.new, change.relative) == ("a", "input_price", 1.0, 1.5, 0.5)


def test_a_field_only_one_side_states_is_not_a_change():
    assert diff({"a": {"input_price": 1.0}}, {"a": {"output_price": 2.0}}).equal


def test_unknown_to_known_is_a_change_without_relative():
    change = diff({"a": {"cache_read_price": None}}, {"a": {"cache_read_price": 0.5}}).changed[0]
    assert change.relative is None


def test_float_noise_from_unit_conversion_is_not_a_change():
    assert diff({"a": {"input_price": 0.3}}, {"a": {"input_price": 3e-07 * 1e6}}).equal


def test_tolerance_hides_small_relative_differences_only():
    assert compare_model("a", {"input_price": 1.0}, {"input_price": 1.04}, tolerance=0.05) == []
    assert compare_model("a", {"input_price": 1.0}, {"input_price": 1.06}, tolerance=0.05)


def test_booleans_differ_regardless_of_tolerance():
    assert compare_model("a", {"tools": True}, {"tools": False}, tolerance=1.0)


def test_relative_change_is_undefined_from_zero():
    assert relative_change(0, 1.0) is None and relative_change(2.0, 1.0) == -0.5


def test_stale_lists_entries_older_than_the_max_age_oldest_first():
    found = stale([("new", "2026-01-01"), ("old", "2025-01-01"), ("older", "2024-01-01")],
                  dt.date(2026, 1, 31), 180)
    assert [(s.id, s.age_days) for s in found] == [("older", 761), ("old", 395)]
