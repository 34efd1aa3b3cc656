"""Reading each source's format into llmplan fields (pure: no files, no subprocess)."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

import source_samples as samples
from llmplan.errors import InputError
from llmplan.sources.readers import detect_format, read_source


def by_key(parsed):
    return {m.key: m for m in parsed.models}


def skipped(parsed):
    return {s.key: s.reason for s in parsed.skipped}


def test_litellm_per_token_prices_become_exact_per_1m_prices():
    gpt = by_key(read_source("litellm", samples.litellm()))["gpt-4o"]
    assert gpt.fields["input_price"] == 2.5
    assert gpt.fields["output_price"] == 10.0
    assert gpt.fields["cache_read_price"] == 1.25


def test_litellm_reads_numbers_written_as_strings():
    claude = by_key(read_source("litellm", samples.litellm()))["claude-3-5-sonnet-20241022"]
    assert claude.fields["input_price"] == 3.0
    assert claude.fields["cache_write_price"] == 3.75


def test_litellm_leaves_unstated_prices_out_instead_of_zero():
    gpt = by_key(read_source("litellm", samples.litellm()))["gpt-4o"]
    assert "cache_write_price" not in gpt.fields


def test_litellm_maps_limits_and_capabilities():
    gpt = by_key(read_source("litellm", samples.litellm()))["gpt-4o"]
    assert (gpt.fields["max_context_tokens"], gpt.fields["max_output_tokens"]) == (128000, 16384)
    assert gpt.fields["tools"] is True and gpt.fields["structured_output"] is True


def test_litellm_skips_non_chat_entries_with_the_mode_as_reason():
    reasons = skipped(read_source("litellm", samples.litellm()))
    assert reasons["text-embedding-3-small"] == "mode embedding: not a chat model"


def test_litellm_sample_spec_is_not_an_entry():
    parsed = read_source("litellm", samples.litellm())
    assert "sample_spec" not in by_key(parsed) and "sample_spec" not in skipped(parsed)
    assert parsed.total == len(samples.litellm()) - 1


def test_litellm_entry_with_only_an_unreadable_price_is_skipped_with_the_reason():
    reason = skipped(read_source("litellm", samples.litellm()))["bedrock/mystery-model"]
    assert reason.startswith("no usable price or limit") and "'abc' is not a number" in reason


def test_litellm_tiered_prices_are_read_as_tiers_beside_the_base_tier():
    # input_cost_per_token_above_200k_tokens 2.5e-06 a token = 2.5 a 1M; output 1.5e-05 = 15 a 1M.
    pro = by_key(read_source("litellm", samples.litellm()))["gemini/gemini-2.5-pro"]
    assert pro.fields["input_price"] == 1.25
    assert pro.fields["tiers"] == [{"above_input_tokens": 200_000, "input": 2.5, "output": 15.0, "cache_read": None}]


def test_litellm_provider_prefix_is_dropped_from_the_model_name():
    parsed = by_key(read_source("litellm", samples.litellm()))
    assert parsed["gemini/gemini-2.0-flash"].name == "gemini-2.0-flash"
    assert parsed["together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo"].name == "meta-llama/Llama-3.3-70B-Instruct-Turbo"


def test_litellm_max_output_above_context_is_dropped_with_a_note():
    data = {"odd": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-06,
                    "max_input_tokens": 4096, "max_output_tokens": 8192}}
    odd = read_source("litellm", data).models[0]
    assert "max_output_tokens" not in odd.fields and odd.fields["max_context_tokens"] == 4096
    assert any("exceeds the context" in n for n in odd.notes)


def test_a_per_token_price_written_per_1m_is_left_out_as_implausible():
    data = {"x": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 3,
                  "output_cost_per_token": 1.5e-05}}
    model = read_source("litellm", data).models[0]
    assert "input_price" not in model.fields and model.fields["output_price"] == 15.0
    assert any("implausible" in n for n in model.notes)


def test_negative_and_boolean_prices_are_not_read():
    data = {"x": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": -1e-06,
                  "output_cost_per_token": True, "max_input_tokens": 1000}}
    model = read_source("litellm", data).models[0]
    assert "input_price" not in model.fields and "output_price" not in model.fields


def test_a_price_of_minus_zero_is_a_free_price_written_as_0():
    import math

    data = {"x": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": -0.0,
                  "output_cost_per_token": "-0", "max_input_tokens": 1000}}
    fields = read_source("litellm", data).models[0].fields
    assert fields["input_price"] == 0.0 and math.copysign(1, fields["input_price"]) == 1
    assert math.copysign(1, fields["output_price"]) == 1


def test_models_dev_prices_are_already_per_1m():
    models = by_key(read_source("models.dev", samples.models_dev()))
    flash = models["google/gemini-2.5-flash"]
    assert (flash.fields["input_price"], flash.fields["output_price"]) == (0.3, 2.5)
    assert models["groq/llama-3.1-8b-instant"].fields["input_price"] == 0.05


def test_models_dev_reads_limits_capabilities_and_display_name():
    flash = by_key(read_source("models.dev", samples.models_dev()))["google/gemini-2.5-flash"]
    assert (flash.fields["max_context_tokens"], flash.fields["max_output_tokens"]) == (1048576, 65536)
    assert flash.fields["tools"] is True and flash.fields["structured_output"] is True
    assert flash.display_name == "Gemini 2.5 Flash"


def test_models_dev_context_tiers_are_read_as_tiers():
    flash = by_key(read_source("models.dev", samples.models_dev()))["google/gemini-2.5-flash"]
    assert flash.fields["tiers"] == [{"above_input_tokens": 200_000, "input": 0.6, "output": 5.0, "cache_read": None}]


def test_a_tier_without_an_output_price_is_left_out_with_a_note():
    from llmplan.sources.tiers import litellm_tiers

    notes: list[str] = []
    entry = {"input_cost_per_token_above_128k_tokens": 2.5e-06}
    assert litellm_tiers(entry, lambda raw, label: raw * 1e6, notes) == []
    assert "128,000" in notes[0] and "left out" in notes[0]


def test_models_dev_skips_models_that_do_not_output_text():
    assert "not a chat model" in skipped(read_source("models.dev", samples.models_dev()))["google/gemini-embedding-001"]


def test_openrouter_string_prices_per_token_become_per_1m():
    sonnet = by_key(read_source("openrouter", samples.openrouter()))["anthropic/claude-3.5-sonnet"]
    assert sonnet.fields["input_price"] == 3.0 and sonnet.fields["cache_write_price"] == 3.75
    assert sonnet.fields["max_output_tokens"] == 8192 and sonnet.fields["max_context_tokens"] == 200000


def test_openrouter_capabilities_come_from_supported_parameters():
    models = by_key(read_source("openrouter", samples.openrouter()))
    assert models["anthropic/claude-3.5-sonnet"].fields["structured_output"] is False
    assert models["openai/gpt-4o-mini"].fields["structured_output"] is True


def test_openrouter_variable_price_is_not_read_as_a_price():
    auto = by_key(read_source("openrouter", samples.openrouter()))["openrouter/auto"]
    assert "input_price" not in auto.fields and "output_price" not in auto.fields
    assert any("varies by route" in n for n in auto.notes)


def test_openrouter_skips_image_only_models_but_keeps_text_and_image_ones():
    parsed = read_source("openrouter", samples.openrouter())
    assert "black-forest-labs/flux" in skipped(parsed)
    assert "google/gemini-2.5-flash-image" in by_key(parsed)


def test_openrouter_entries_name_the_vendor_model_they_resell():
    sonnet = by_key(read_source("openrouter", samples.openrouter()))["anthropic/claude-3.5-sonnet"]
    assert sonnet.same_as == ("anthropic", "claude-3.5-sonnet")


@pytest.mark.parametrize("fmt, data", [
    ("litellm", samples.litellm()), ("models.dev", samples.models_dev()), ("openrouter", samples.openrouter()),
])
def test_detect_format_recognises_each_source(fmt, data):
    assert detect_format(data) == fmt


@pytest.mark.parametrize("fmt", ["litellm", "models.dev", "openrouter"])
def test_wrong_top_level_shape_is_an_input_error(fmt):
    with pytest.raises(InputError):
        read_source(fmt, ["not", "a", "map"])


# Prices, limits and dates repeat across a map's entries, and the readers keep what they
# already converted: each value must still be exactly what converting it afresh gives.
_numbers = (st.sampled_from([0, -0.0, 0.0, 1, 1.0, 3e-06, 2.5e-06, 0.1, -1e-06, 1e400, 3, "3e-06", " 1e-6 ", True, None])
            | st.floats(min_value=0, max_value=1e-3) | st.integers(-5, 10**13) | st.floats(0, 2e5).map(float.__repr__))
_dates = st.sampled_from(["2026-01-31", "2026-01-31T00:00:00Z", " 2026-02-01", "soon", "", 20260131, None])


def _per_1m(raw):
    """USD a token -> USD per 1M, by hand: the exact decimal the source wrote, times 10**6."""
    if raw is None or isinstance(raw, bool):
        return None
    number = Decimal(raw.strip() if isinstance(raw, str) else repr(raw)) * 1_000_000
    return float(number) + 0.0 if number.is_finite() and 0 <= number <= 100_000 else None  # -0.0 is free: 0.0


def _limit(raw):
    """A token count: a whole number from 1 to 10**12, however the source wrote it."""
    if raw is None or isinstance(raw, bool):
        return None
    number = Decimal(raw.strip() if isinstance(raw, str) else repr(raw))
    if not number.is_finite() or not 1 <= number <= 10**12 or number != number.to_integral_value():
        return None
    return int(number)


def _day(raw):
    try:
        return None if raw is None else dt.date.fromisoformat(str(raw).strip()[:10]).isoformat()
    except ValueError:
        return None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_numbers, _numbers, _dates), min_size=1, max_size=10))
def test_every_price_limit_and_date_is_the_exact_conversion_however_often_it_repeats(rows):
    data = {f"x/m{i}": {"litellm_provider": "x", "mode": "chat", "input_cost_per_token": price,
                        "output_cost_per_token": 1e-06, "max_input_tokens": limit, "max_output_tokens": limit,
                        "deprecation_date": date}
            for i, (price, limit, date) in enumerate(rows)}
    models = by_key(read_source("litellm", data))
    for i, (price, limit, date) in enumerate(rows):
        fields = models[f"x/m{i}"].fields
        assert repr(fields.get("input_price")) == repr(_per_1m(price))  # repr: -0.0 is not 0.0
        assert fields.get("max_context_tokens") == fields.get("max_output_tokens") == _limit(limit)
        assert fields.get("deprecated_on") == _day(date)


def test_litellm_tier_names_are_read_in_any_case():
    data = {"x": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-06,
                  "INPUT_COST_PER_TOKEN_ABOVE_1M_TOKENS": 2e-06, "Output_Cost_Per_Token_Above_1m_Tokens": 4e-06}}
    model = read_source("litellm", data).models[0]
    assert model.fields["tiers"] == [{"above_input_tokens": 1_000_000, "input": 2.0, "output": 4.0, "cache_read": None}]
