"""The embedded catalog says exactly what the platform's tables say, with provenance;
custom LLMs carry their provider's serving limits; every known disagreement with
another source is either applied or noted."""

from pathlib import Path

import pytest

from llmplan.catalog.files import load_catalog

SEED_TABLES = Path(__file__).parent / "data" / "seed_tables.md"
TOKEN_COLUMNS = ("max_output_tokens", "max_context_tokens", "input_price", "output_price",
                 "cache_read_price", "cache_write_price")


def _cell(text: str):
    text = text.strip()
    if text == "n/a":
        return None
    return float(text.replace(",", ""))


def _seed_rows():
    token_rows, minute_rows = {}, {}
    for line in SEED_TABLES.read_text().splitlines():
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        model_id = cells[0].strip("`")
        values = [_cell(c) for c in cells[1:]]
        (token_rows if len(values) == 6 else minute_rows)[model_id] = values
    return token_rows, minute_rows


TOKEN_ROWS, MINUTE_ROWS = _seed_rows()


@pytest.fixture(scope="module")
def catalog():
    return load_catalog([], environ={})


def test_seed_tables_hold_5_gemini_8_openai_5_anthropic_models():
    assert len(TOKEN_ROWS) == 18 and len(MINUTE_ROWS) == 18
    assert sum(m.startswith("gemini") for m in TOKEN_ROWS) == 5
    assert sum(m.startswith("gpt") for m in TOKEN_ROWS) == 8
    assert sum(m.startswith("claude") for m in TOKEN_ROWS) == 5


@pytest.mark.parametrize("model_id", sorted(TOKEN_ROWS))
def test_every_token_column_matches_the_seed(catalog, model_id):
    model = catalog.models[model_id]
    assert [getattr(model, column) for column in TOKEN_COLUMNS] == TOKEN_ROWS[model_id]


@pytest.mark.parametrize("model_id", sorted(MINUTE_ROWS))
def test_published_per_minute_figures_match_the_seed(catalog, model_id):
    model = catalog.models[model_id]
    assert [model.published_per_minute_no_kb, model.published_per_minute_large_kb] == MINUTE_ROWS[model_id]


def test_na_is_null_never_zero(catalog):
    assert catalog.models["gemini-2.5-flash"].cache_read_price is None
    assert catalog.models["gpt-4"].published_per_minute_no_kb is None
    assert all(m.cache_write_price is None for m in catalog.models.values() if m.provider in ("google", "openai"))


def test_hipaa_eligibility_follows_the_platform_hipaa_page(catalog):
    hosted_eligible = {m.id for m in catalog.models.values() if m.hipaa and catalog.providers[m.provider].kind == "hosted"}
    assert hosted_eligible == {
        "gemini-2.5-flash", "gemini-2.0-flash", "gemini-2.0-flash-lite", "gemini-1.5-flash", "gemini-1.5-pro",
        "claude-3-7-sonnet", "claude-3-5-sonnet", "claude-3-0-haiku",
    }
    assert all(m.hipaa_source == "platform-hipaa" for m in catalog.models.values())


def test_every_model_has_provenance(catalog):
    for model in catalog.models.values():
        assert model.source and model.as_of, model.id
        assert catalog.source_title(model.source), model.id


def test_default_fallback_sequence_is_the_seeds_nine_in_order(catalog):
    assert catalog.fallback_sequence.models == (
        "gemini-2.5-flash", "gemini-2.0-flash", "gemini-2.0-flash-lite", "claude-3-7-sonnet",
        "claude-3-5-sonnet", "claude-3-5-sonnet-v1", "gpt-4o", "gemini-1.5-pro", "gemini-1.5-flash",
    )


def test_platform_constants_are_catalog_data(catalog):
    platform = catalog.platform
    assert (platform.max_system_prompt_bytes, platform.silence_billing_rate,
            platform.chars_per_token, platform.min_attempts) == (2_000_000, 0.05, 4, 3)


def test_custom_providers_carry_the_seeds_base_urls(catalog):
    urls = {p.id: p.base_url for p in catalog.providers.values() if p.kind == "custom"}
    assert urls == {
        "groq": "https://api.groq.com/openai/v1",
        "together": "https://api.together.xyz/v1",
        "cloudflare": "https://api.cloudflare.com/client/v4/accounts/{account_id}/ai/v1/",
    }


def test_recommended_custom_models_are_present_with_litellm_prices(catalog):
    scout = catalog.models["groq/meta-llama/llama-4-scout-17b-16e-instruct"]
    assert scout.api_id == "meta-llama/llama-4-scout-17b-16e-instruct"
    assert (scout.input_price, scout.output_price) == (0.11, 0.34)
    assert catalog.models["together/meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo"].input_price == 0.88


def test_custom_llm_context_is_what_the_provider_serves_and_the_10m_figure_is_a_note(catalog):
    scout = catalog.models["groq/meta-llama/llama-4-scout-17b-16e-instruct"]
    assert scout.max_context_tokens == 131_072
    assert scout.field_sources["max_context_tokens"]["source"] == "groq-models"
    assert any("10M" in note for note in scout.notes)


# Every disagreement known between the platform's docs, LiteLLM's map and models.dev:
# (model, field, the other figure as written in a note, the value the catalog uses).
# Hosted models keep the platform's figure (the platform calls them); custom LLMs use
# what the provider serves. A figure the catalog does not use must be in a note.
DISAGREEMENTS = [
    ("claude-3-5-sonnet", "max_output_tokens", "8,192", 4096),
    ("claude-3-5-sonnet-v1", "max_output_tokens", "8,192", 4096),
    ("claude-3-7-sonnet", "max_output_tokens", "64,000", 4096),
    ("gemini-2.5-flash", "cache_read_price", "$0.03", None),
    ("gemini-2.5-flash", "max_output_tokens", "65,536", 65535),
    ("gemini-2.5-flash", "input_price", "$0.30", 0.15),
    ("gpt-4o", "max_output_tokens", "16,384", 4096),
    ("gpt-4.1", "cache_read_price", "$0.50", None),
    ("gpt-4", "max_output_tokens", "4,096", 8192),
    ("gpt-3.5-turbo", "tools", "no tool calling", True),
    ("groq/meta-llama/llama-4-scout-17b-16e-instruct", "max_context_tokens", "10M", 131_072),
    ("groq/llama-3.3-70b-versatile", "max_context_tokens", "128,000", 131_072),
    ("groq/llama-3.1-8b-instant", "max_context_tokens", "128,000", 131_072),
    ("groq/llama-3.1-8b-instant", "max_output_tokens", "131,072", 8192),
    ("together/meta-llama/Llama-3.3-70B-Instruct-Turbo", "input_price", "$1.04", 0.88),
    ("together/meta-llama/Llama-3.3-70B-Instruct-Turbo", "max_output_tokens", "131,072", None),
    ("together/mistralai/Mixtral-8x7B-Instruct-v0.1", "max_context_tokens", None, 32_768),
    ("together/mistralai/Mistral-7B-Instruct-v0.1", "max_context_tokens", None, 32_768),
    ("together/mistralai/Mistral-7B-Instruct-v0.1", "input_price", None, 0.2),
    ("cloudflare/@cf/deepseek-ai/deepseek-r1-distill-qwen-32b", "max_output_tokens", None, 80_000),
    ("cloudflare/@cf/deepseek-ai/deepseek-r1-distill-qwen-32b", "tools", None, False),
]


@pytest.mark.parametrize("model_id, field, noted, used", DISAGREEMENTS)
def test_every_known_disagreement_is_applied_or_noted(catalog, model_id, field, noted, used):
    model = catalog.models[model_id]
    assert getattr(model, field) == used
    if noted is not None:
        assert any(noted in note for note in model.notes), (model_id, field, model.notes)


def test_notes_name_the_sources_they_cite(catalog):
    for model in catalog.models.values():
        for note in model.notes:
            for key in ("litellm-2026", "models-dev", "groq-models", "google-deprecations"):
                if f"({key}" in note:
                    assert key in catalog.sources, (model.id, note)


def test_disagreements_with_other_sources_are_kept_as_notes(catalog):
    assert catalog.models["gpt-4o"].max_output_tokens == 4096
    assert any("16,384" in n for n in catalog.models["gpt-4o"].notes)
    assert any("0.30" in n for n in catalog.models["gemini-2.5-flash"].notes)


def test_each_source_is_defined_by_one_embedded_file():
    """Across files a later definition of the same id wins field by field (how an overlay
    corrects a source); inside the shipped catalog that can only be an accident, where one
    file's title or date silently replaces another's. Models are the exception: later files
    add facts to a model by id (50-billing.yaml layers caching and tiers)."""
    from llmplan.catalog.files import check_file, default_files

    defined: dict[tuple[str, str], list[str]] = {}
    for path in default_files():
        _, doc = check_file(path)
        for key in doc.get("sources", {}):
            defined.setdefault(("sources", key), []).append(path.name)
    twice = {key: files for key, files in defined.items() if len(files) > 1}
    assert twice == {}


def test_a_model_is_a_set_member_and_a_dict_key(catalog):
    models = list(catalog.models.values())
    assert len(set(models)) == len(models)  # field_sources (a dict) is left out of the hash
    again = load_catalog([])  # another load of the same files: equal records hash equal
    assert {m: m.id for m in models}[again.models["gpt-4o"]] == "gpt-4o"
