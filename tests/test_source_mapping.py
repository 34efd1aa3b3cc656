"""Placing source models on llmplan ids and building the overlay document (pure)."""

import pytest

import source_samples as samples
from llmplan.catalog.files import load_catalog
from llmplan.sources.readers import read_source
from llmplan.catalog.document import check_document
from llmplan.sources.mapping import build_document, comparable, place, select


@pytest.fixture(scope="module")
def catalog():
    return load_catalog([], environ={})


def placed_ids(fmt, data, catalog):
    placed, _ = place(read_source(fmt, data), catalog.models, catalog.providers)
    return {p.source.key: p for p in placed}


def document(fmt, data, catalog, **select_args):
    placed, _ = place(read_source(fmt, data), catalog.models, catalog.providers)
    chosen = select(placed, **select_args)
    return build_document(chosen, fmt=fmt, models=catalog.models, providers=catalog.providers,
                          source_key="import-test", source={"title": "test", "as_of": "2026-01-01"},
                          as_of="2026-01-01")


def models_of(doc):
    return {m["id"]: m for m in doc["models"]}


def test_dated_anthropic_id_lands_on_the_catalog_model(catalog):
    p = placed_ids("litellm", samples.litellm(), catalog)["claude-3-5-sonnet-20241022"]
    assert (p.id, p.known) == ("claude-3-5-sonnet", True)


def test_litellm_gemini_prefix_maps_to_the_google_model(catalog):
    p = placed_ids("litellm", samples.litellm(), catalog)["gemini/gemini-2.0-flash"]
    assert (p.id, p.provider, p.known) == ("gemini-2.0-flash", "google", True)


def test_custom_provider_models_map_to_provider_slash_api_id(catalog):
    p = placed_ids("litellm", samples.litellm(), catalog)["together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo"]
    assert p.id == "together/meta-llama/Llama-3.3-70B-Instruct-Turbo" and p.known


def test_unknown_provider_model_is_new_under_its_own_provider(catalog):
    p = placed_ids("litellm", samples.litellm(), catalog)["mistral/mistral-large-latest"]
    assert (p.id, p.provider, p.known) == ("mistral/mistral-large-latest", "mistral", False)


def test_openrouter_resold_model_lands_on_the_vendor_catalog_model(catalog):
    placed = placed_ids("openrouter", samples.openrouter(), catalog)
    assert placed["anthropic/claude-3.5-sonnet"].id == "claude-3-5-sonnet"
    assert placed["openai/gpt-4o-mini"].id == "gpt-4o-mini"


def test_openrouter_model_without_catalog_match_is_an_openrouter_model(catalog):
    p = placed_ids("openrouter", samples.openrouter(), catalog)["meta-llama/llama-3.3-70b-instruct"]
    assert (p.id, p.provider, p.known) == ("openrouter/meta-llama/llama-3.3-70b-instruct", "openrouter", False)


def test_models_dev_provider_names_map_to_llmplan_providers(catalog):
    placed = placed_ids("models.dev", samples.models_dev(), catalog)
    assert placed["groq/llama-3.1-8b-instant"].id == "groq/llama-3.1-8b-instant"
    assert placed["anthropic/claude-3-5-sonnet-20241022"].id == "claude-3-5-sonnet"


def test_two_entries_on_one_id_keep_the_exact_id_and_skip_the_alias(catalog):
    data = {
        "claude-3-5-sonnet-latest": {"litellm_provider": "anthropic", "mode": "chat", "input_cost_per_token": 4e-06},
        "claude-3-5-sonnet": {"litellm_provider": "anthropic", "mode": "chat", "input_cost_per_token": 3e-06},
    }
    placed, dropped = place(read_source("litellm", data), catalog.models, catalog.providers)
    assert [p.source.key for p in placed] == ["claude-3-5-sonnet"]
    assert dropped[0].key == "claude-3-5-sonnet-latest" and "claude-3-5-sonnet" in dropped[0].reason


def test_select_by_match_glob_provider_and_only_known(catalog):
    placed, _ = place(read_source("litellm", samples.litellm()), catalog.models, catalog.providers)
    assert {p.id for p in select(placed, match=["claude*"])} == {"claude-3-5-sonnet"}
    assert {p.id for p in select(placed, providers=["gemini"])} == {"gemini-2.0-flash", "gemini-2.5-pro"}
    assert "mistral/mistral-large-latest" not in {p.id for p in select(placed, only_known=True)}


def test_override_states_only_what_the_source_states(catalog):
    gpt = models_of(document("litellm", samples.litellm(), catalog))["gpt-4o"]
    assert gpt["input_price"] == 2.5 and "cache_write_price" not in gpt
    assert "provider" not in gpt and "hipaa" not in gpt
    # fields it does not state keep their own provenance (per-field, in the catalog)
    assert gpt["source"] == "import-test"


def test_new_model_has_null_prices_hipaa_false_and_says_why(catalog):
    large = models_of(document("litellm", samples.litellm(), catalog))["mistral/mistral-large-latest"]
    assert large["cache_read_price"] is None and large["cache_write_price"] is None
    assert large["hipaa"] is False and any("HIPAA" in n for n in large["notes"])
    assert large["api_id"] == "mistral-large-latest"


def test_new_provider_gets_a_providers_entry(catalog):
    doc = document("litellm", samples.litellm(), catalog)
    assert {p["id"]: p["kind"] for p in doc["providers"]} == {"mistral": "custom"}


def test_new_model_of_a_hosted_provider_is_flagged_as_maybe_not_on_the_platform(catalog):
    pro = models_of(document("litellm", samples.litellm(), catalog))["gemini-2.5-pro"]
    assert pro["provider"] == "google" and "may not offer it" in pro["notes"][0]


def test_override_output_limit_above_catalog_context_is_not_imported(catalog):
    data = {"gpt-4": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 3e-05,
                      "max_output_tokens": 16384}}
    gpt4 = models_of(document("litellm", data, catalog))["gpt-4"]
    assert "max_output_tokens" not in gpt4 and any("conflicts" in n for n in gpt4["notes"])


def test_document_passes_the_schema(catalog):
    for fmt, data in (("litellm", samples.litellm()), ("models.dev", samples.models_dev()),
                      ("openrouter", samples.openrouter())):
        check_document(document(fmt, data, catalog))


def test_comparable_holds_stated_fields_and_the_provider(catalog):
    placed, _ = place(read_source("litellm", samples.litellm()), catalog.models, catalog.providers)
    fields = comparable(placed)["gpt-4o"]
    assert fields["provider"] == "openai" and "cache_write_price" not in fields


def test_litellm_deprecation_date_becomes_lifecycle_fields(catalog):
    data = {
        "gpt-4": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 3e-05,
                  "deprecation_date": "2025-12-01"},
        "gpt-4o": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.5e-06,
                   "deprecation_date": "2027-01-14"},
        "gpt-4.1": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2e-06,
                    "deprecation_date": "soon"},
    }
    models = models_of(document("litellm", data, catalog))
    # a date already behind the import's as_of (2026-01-01) is a deprecation; a later one only a date
    assert (models["gpt-4"]["status"], models["gpt-4"]["deprecated_on"]) == ("deprecated", "2025-12-01")
    assert "status" not in models["gpt-4o"] and models["gpt-4o"]["deprecated_on"] == "2027-01-14"
    assert models["gpt-4o"]["lifecycle_source"] == "import-test"
    assert "deprecated_on" not in models["gpt-4.1"] and any("not a date" in n for n in models["gpt-4.1"]["notes"])
    check_document(document("litellm", data, catalog))


def test_models_dev_status_deprecated_is_read_and_never_revives_a_retired_model(catalog):
    data = {"anthropic": {"models": {
        "claude-3-haiku-20240307": {"status": "deprecated", "cost": {"input": 0.25}},
        "claude-3-7-sonnet-20250219": {"status": "deprecated", "cost": {"input": 3}},
    }}}
    models = models_of(document("models.dev", data, catalog))
    assert models["claude-3-0-haiku"]["status"] == "deprecated"
    assert "status" not in models["claude-3-7-sonnet"]  # the catalog says retired
