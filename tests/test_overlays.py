"""User catalogs layer over the embedded one, field by field."""

import json

NEW_MODEL = """
providers:
  - {id: acme, name: Acme AI, kind: custom, base_url: "http://127.0.0.1:9/v1"}
models:
  - id: acme/small
    provider: acme
    max_output_tokens: 4096
    max_context_tokens: 32000
    input_price: 0.01
    output_price: 0.02
    cache_read_price: null
    cache_write_price: null
    hipaa: false
    source: "our own deployment"
    as_of: 2026-11-01
"""


def models_json(cli, *args, env=None):
    result = cli("models", "--json", *args, env=env)
    assert result.returncode == 0, result.stderr
    return {row["id"]: row for row in json.loads(result.stdout)}


def test_override_changes_only_the_fields_it_names(cli, write_file):
    path = write_file("deal.yaml", "models:\n  - id: gpt-4o\n    input_price: 2.0\n    source: contract\n    as_of: 2026-01-15\n")
    base = models_json(cli)["gpt-4o"]
    merged = models_json(cli, "--catalog", str(path))["gpt-4o"]
    assert merged["input_price"] == 2.0
    for key in ("output_price", "cache_read_price", "max_context_tokens", "hipaa", "name"):
        assert merged[key] == base[key]
    assert merged["defined_in"][-1] == str(path)


def test_overlay_source_labels_only_the_fields_it_sets(cli, write_file):
    path = write_file("deal.yaml", "models:\n  - id: gpt-4o\n    input_price: 2.0\n    source: contract\n    as_of: 2026-01-15\n")
    base = models_json(cli)["gpt-4o"]
    merged = models_json(cli, "--catalog", str(path))["gpt-4o"]
    # the model's own source and date stay the platform's; only input_price is the contract's
    assert (merged["source"], merged["as_of"]) == (base["source"], base["as_of"])
    assert merged["field_sources"]["input_price"] == {"source": "contract", "as_of": "2026-01-15", "file": str(path)}
    assert not any(entry["file"] == str(path) for name, entry in merged["field_sources"].items() if name != "input_price")
    assert "output_price" not in merged["field_sources"] and "max_context_tokens" not in merged["field_sources"]
    shown = cli("show", "gpt-4o", "--catalog", str(path)).stdout
    input_line = next(line for line in shown.splitlines() if line.lstrip("│ ").startswith("input "))
    assert "contract" in input_line and "deal.yaml" in input_line
    output_line = next(line for line in shown.splitlines() if line.lstrip("│ ").startswith("output "))
    assert "contract" not in output_line


def test_overlay_without_a_source_is_labelled_by_its_file_name(cli, write_file):
    path = write_file("cheaper.yaml", "models:\n  - id: gpt-4o\n    output_price: 8\n")
    merged = models_json(cli, "--catalog", str(path))["gpt-4o"]
    assert merged["field_sources"]["output_price"]["source"] == "cheaper.yaml"
    assert merged["source"] != "cheaper.yaml"


def test_later_overlay_relabels_the_fields_it_sets_again(cli, write_file):
    first = write_file("a.yaml", "models:\n  - id: gpt-4o\n    input_price: 2.0\n    output_price: 9\n    source: deal A\n")
    second = write_file("b.yaml", "models:\n  - id: gpt-4o\n    input_price: 1.5\n    source: deal B\n")
    merged = models_json(cli, "--catalog", str(first), "--catalog", str(second))["gpt-4o"]
    assert merged["field_sources"]["input_price"]["source"] == "deal B"
    assert merged["field_sources"]["output_price"] == {"source": "deal A", "as_of": None, "file": str(first)}


def test_later_layers_win_and_env_loads_before_flags(cli, write_file):
    env_file = write_file("env.yaml", "models:\n  - id: gpt-4o\n    input_price: 1.0\n")
    flag_file = write_file("flag.yaml", "models:\n  - id: gpt-4o\n    input_price: 1.5\n")
    rows = models_json(cli, "--catalog", str(flag_file), env={"LLMPLAN_CATALOG": str(env_file)})
    assert rows["gpt-4o"]["input_price"] == 1.5
    rows = models_json(cli, env={"LLMPLAN_CATALOG": str(env_file)})
    assert rows["gpt-4o"]["input_price"] == 1.0


def test_new_model_and_provider_can_be_added(cli, write_file):
    path = write_file("acme.yaml", NEW_MODEL)
    rows = models_json(cli, "--catalog", str(path), "--provider", "acme")
    assert list(rows) == ["acme/small"]
    assert rows["acme/small"]["input_price"] == 0.01


def test_overlay_can_replace_the_fallback_sequence(cli, write_file):
    path = write_file("seq.yaml", "fallback_sequence:\n  models: [gpt-4o-mini, gpt-4o]\n")
    result = cli("show", "gpt-4o", "--json", "--catalog", str(path))
    assert json.loads(result.stdout)["fallback_position"] == 2


def test_an_overlay_redefining_a_source_overrides_it_field_by_field(write_file):
    from llmplan.catalog.files import load_catalog

    base = load_catalog([], environ={}).sources["models-dev"]
    path = write_file("newer.yaml", "sources:\n  models-dev:\n    as_of: 2026-12-01\n    note: \"read again\"\n")
    merged = load_catalog([str(path)], environ={}).sources["models-dev"]
    assert merged == {**base, "as_of": "2026-12-01", "note": "read again"}
    assert merged["title"] == base["title"] and merged["url"] == "https://models.dev"
