"""Lifecycle (status and dates), HIPAA conditions and per-field provenance as catalog data."""

import datetime as dt

import pytest

from llmplan.catalog import lifecycle
from llmplan.catalog.files import load_catalog
from llmplan.catalog.provenance import prices_as_of, stale_prices
from llmplan.catalog.document import check_document
from llmplan.catalog.schema import build_catalog
from llmplan.errors import CatalogError

BASE = {
    "platform": {"max_system_prompt_bytes": 2_000_000, "silence_billing_rate": 0.05,
                 "chars_per_token": 4, "min_attempts": 3},
    "plan_defaults": {"minutes": 1, "call_minutes": 1, "turns_per_minute": 1, "prompt_tokens": 1,
                      "kb_tokens": 0, "rag_chunks": 0, "chunk_tokens": 0, "user_tokens": 1,
                      "output_tokens": 1, "history": "full", "cache_hit": 0, "silence": 0},
    "providers": [{"id": "hosted", "name": "Hosted", "kind": "hosted"},
                  {"id": "acme", "name": "Acme", "kind": "custom"}],
}


def model(model_id="m", provider="hosted", **fields):
    entry = {"id": model_id, "provider": provider, "max_output_tokens": 10, "max_context_tokens": 100,
             "input_price": 1, "output_price": 2, "cache_read_price": None, "cache_write_price": None,
             "hipaa": False, "source": "base", "as_of": "2026-01-01"}
    entry.update(fields)
    return entry


def catalog_of(*layers):
    return build_catalog([(name, check_document(doc)) for name, doc in
                          [("base.yaml", BASE), *[(f"layer{i}.yaml", d) for i, d in enumerate(layers)]]])


@pytest.fixture(scope="module")
def embedded():
    return load_catalog([], environ={})


def test_a_passed_retirement_date_makes_a_model_retired_whatever_its_status():
    m = catalog_of({"models": [model(status="active", retires_on="2026-03-01")]}).models["m"]
    assert lifecycle.status_on(m, dt.date(2026, 2, 28)) == "active"
    assert lifecycle.status_on(m, dt.date(2026, 3, 1)) == "retired"


def test_a_future_deprecation_date_leaves_a_model_active_and_says_when():
    m = catalog_of({"models": [model(deprecated_on="2027-01-14")]}).models["m"]
    assert lifecycle.status_on(m, dt.date(2026, 12, 1)) == "active"
    assert lifecycle.describe(m, dt.date(2026, 12, 1)) == "active (deprecated from 2027-01-14)"
    assert lifecycle.status_on(m, dt.date(2027, 1, 14)) == "deprecated"


def test_warning_names_the_date_and_the_source_and_active_models_get_none():
    doc = {"sources": {"vendor-page": {"title": "Vendor: Deprecations"}},
           "models": [model(status="retired", retires_on="2026-02-19", lifecycle_source="vendor-page"),
                      model("ok")]}
    cat = catalog_of(doc)
    text = lifecycle.warning(cat, cat.models["m"], dt.date(2026, 12, 1), role="fallback")
    assert text.startswith("fallback m is retired upstream on 2026-02-19 (Vendor: Deprecations)")
    assert "may still serve" in text
    assert lifecycle.warning(cat, cat.models["ok"], dt.date(2026, 12, 1)) is None


def test_unknown_status_and_retirement_before_deprecation_are_schema_errors():
    with pytest.raises(CatalogError, match="must be one of active, deprecated, retired"):
        check_document({"models": [model(status="sunset")]})
    with pytest.raises(CatalogError, match="must not be before deprecated_on"):
        catalog_of({"models": [model(deprecated_on="2026-05-01", retires_on="2026-04-01")]})


def test_catalog_check_problems_cover_the_fallback_sequence_and_contradicted_status():
    cat = catalog_of({"models": [model("gone", status="retired"), model("late", retires_on="2026-01-02"),
                                 model("fine")],
                      "fallback_sequence": {"models": ["fine", "gone"]}})
    found = {(p["id"], p["problem"]) for p in lifecycle.problems(cat, dt.date(2026, 6, 1), plan_models=["late"])}
    assert ("gone", "retired model in the fallback sequence (position 2)") in found
    assert ("late", "status says active but its date 2026-01-02 has been reached") in found
    assert ("late", "the plan's model is retired 2026-01-02") in found
    assert not any(i == "fine" for i, _ in found)


def test_hipaa_condition_follows_the_provider_kind_unless_stated():
    cat = catalog_of({"models": [model("h", hipaa=True), model("acme/c", provider="acme", hipaa=True),
                                 model("no", hipaa=False, hipaa_condition=None)]})
    assert cat.models["h"].hipaa_condition == "platform"
    assert cat.models["acme/c"].hipaa_condition == "own_baa"
    assert cat.models["no"].hipaa_condition is None


def test_a_custom_llm_cannot_claim_the_platforms_baa():
    with pytest.raises(CatalogError, match="custom LLM"):
        catalog_of({"models": [model("acme/c", provider="acme", hipaa=True, hipaa_condition="platform")]})


def test_overlay_provenance_is_per_field_and_an_unnamed_overlay_is_its_file():
    cat = catalog_of({"models": [model()]},
                     {"models": [{"id": "m", "input_price": 0.5, "source": "contract", "as_of": "2026-11-01"}]},
                     {"models": [{"id": "m", "output_price": 1.5}]})
    m = cat.models["m"]
    assert (m.source, m.as_of) == ("base", "2026-01-01")
    assert m.field_sources == {
        "input_price": {"source": "contract", "as_of": "2026-11-01", "file": "layer1.yaml"},
        "output_price": {"source": "layer2.yaml", "as_of": None, "file": "layer2.yaml"},
    }
    assert m.source_of("input_price") == "contract" and m.source_of("max_context_tokens") == "base"


def test_prices_date_is_the_oldest_stated_price():
    cat = catalog_of({"models": [model()]},
                     {"models": [{"id": "m", "input_price": 0.5, "output_price": 1, "source": "new", "as_of": "2026-11-01"}]})
    assert prices_as_of(cat.models["m"]) == "2026-11-01"
    cat = catalog_of({"models": [model()]},
                     {"models": [{"id": "m", "input_price": 0.5, "source": "new", "as_of": "2026-11-01"}]})
    assert prices_as_of(cat.models["m"]) == "2026-01-01"
    assert stale_prices(cat.models.values(), dt.date(2026, 7, 1), 180) == ("2026-01-01", 181)
    assert stale_prices(cat.models.values(), dt.date(2026, 6, 30), 180) is None


def test_embedded_fallback_sequence_is_mostly_retired_upstream(embedded):
    day = dt.date(2026, 12, 1)
    statuses = [lifecycle.status_on(embedded.models[m], day) for m in embedded.fallback_sequence.models]
    assert statuses.count("retired") >= 6 and "active" in statuses


def test_embedded_hipaa_conditions(embedded):
    for m in embedded.models.values():
        kind = embedded.providers[m.provider].kind
        expected = None if not m.hipaa else ("own_baa" if kind == "custom" else "platform")
        assert m.hipaa_condition == expected, m.id
