"""Bad catalogs: one line naming the file and line, exit 3, no traceback."""

import json
import pytest

from llmplan.errors import ExitCode


def assert_one_line_error(result, code, *fragments):
    assert result.returncode == code, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_malformed_yaml_names_file_and_line(cli, write_file):
    path = write_file("bad.yaml", "models:\n  - id: x\n    provider: [google\n")
    result = cli("models", "--catalog", str(path))
    assert_one_line_error(result, ExitCode.CATALOG, f"{path}:", "malformed YAML")


def test_wrong_type_names_field_and_line(cli, write_file):
    path = write_file("bad.yaml", "models:\n  - id: gpt-4o\n    name: GPT\n    input_price: abc\n")
    result = cli("models", "--catalog", str(path))
    assert_one_line_error(result, ExitCode.CATALOG, f"{path}:4:", "input_price", "'abc'")


def test_negative_price_is_refused(cli, write_file):
    path = write_file("bad.yaml", "models:\n  - id: gpt-4o\n    output_price: -1\n")
    assert_one_line_error(cli("catalog", "validate", str(path)), ExitCode.CATALOG, f"{path}:3:", "≥ 0")


def test_max_output_over_context_is_refused(cli, write_file):
    path = write_file("bad.yaml", "models:\n  - id: gpt-4o\n    max_output_tokens: 200000\n")
    result = cli("catalog", "validate", str(path))
    assert_one_line_error(result, ExitCode.CATALOG, f"{path}:3:", "must not exceed max_context_tokens")


def test_duplicate_ids_in_one_file_are_refused(cli, write_file):
    path = write_file("bad.yaml", "models:\n  - id: gpt-4o\n    hipaa: true\n  - id: gpt-4o\n    hipaa: false\n")
    assert_one_line_error(cli("catalog", "validate", str(path)), ExitCode.CATALOG, f"{path}:4:", "duplicate id")


def test_unknown_keys_are_refused(cli, write_file):
    path = write_file("bad.yaml", "models:\n  - id: gpt-4o\n    input_prize: 1\n")
    assert_one_line_error(cli("catalog", "validate", str(path)), ExitCode.CATALOG, f"{path}:3:", "unknown field 'input_prize'")


def test_unknown_top_level_key_is_refused(cli, write_file):
    path = write_file("bad.yaml", "model:\n  - id: gpt-4o\n")
    assert_one_line_error(cli("catalog", "validate", str(path)), ExitCode.CATALOG, f"{path}:1:", "unknown top-level key")


def test_unknown_provider_is_refused(cli, write_file):
    path = write_file("new.yaml", """models:
  - id: mine
    provider: acme
    max_output_tokens: 100
    max_context_tokens: 1000
    input_price: 1
    output_price: 2
    cache_read_price: null
    cache_write_price: null
    hipaa: false
    source: test
    as_of: 2026-01-01
""")
    assert_one_line_error(cli("catalog", "validate", str(path)), ExitCode.CATALOG, f"{path}:3:", "unknown provider 'acme'")


def test_new_model_missing_required_fields_is_refused(cli, write_file):
    path = write_file("new.yaml", "models:\n  - id: mine\n    provider: openai\n")
    assert_one_line_error(cli("catalog", "validate", str(path)), ExitCode.CATALOG, f"{path}:2:", "missing", "input_price")


def test_fallback_sequence_naming_an_unknown_model_is_refused(cli, write_file):
    path = write_file("seq.yaml", "fallback_sequence:\n  models: [gpt-4o, gpt-5]\n")
    assert_one_line_error(cli("catalog", "validate", str(path)), ExitCode.CATALOG, f"{path}:2:", "gpt-5")


def test_missing_file(cli, tmp_path):
    missing = tmp_path / "nope.yaml"
    assert_one_line_error(cli("models", "--catalog", str(missing)), ExitCode.CATALOG, str(missing), "not found")


def test_directory_instead_of_file(cli, tmp_path):
    assert_one_line_error(cli("models", "--catalog", str(tmp_path)), ExitCode.CATALOG, str(tmp_path), "is a directory")


def test_missing_file_from_the_environment_variable(cli, tmp_path):
    missing = tmp_path / "env.yaml"
    result = cli("models", env={"LLMPLAN_CATALOG": str(missing)})
    assert_one_line_error(result, ExitCode.CATALOG, str(missing), "LLMPLAN_CATALOG")


def test_non_mapping_document_is_refused(cli, write_file):
    path = write_file("list.yaml", "- a\n- b\n")
    assert_one_line_error(cli("catalog", "validate", str(path)), ExitCode.CATALOG, str(path), "mapping")


@pytest.mark.parametrize("args", [("models", "--bogus"), ("show",), ("nonsense",), ("models", "--min-context", "lots")])
def test_usage_errors_are_one_line_exit_2(cli, args):
    result = cli(*args)
    assert_one_line_error(result, ExitCode.USAGE, "llmplan: error:")


def test_a_fixed_file_validates_after_the_error(cli, write_file):
    path = write_file("fix.yaml", "models:\n  - id: gpt-4o\n    input_price: abc\n")
    assert cli("catalog", "validate", str(path)).returncode == ExitCode.CATALOG
    path.write_text("models:\n  - id: gpt-4o\n    input_price: 2.0\n")
    result = cli("catalog", "validate", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: ")


def test_validate_takes_format_json_and_says_invalid_in_json(cli, tmp_path):
    good = cli("catalog", "validate", "--format", "json")
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["valid"] is True
    bad = tmp_path / "bad.yaml"
    bad.write_text("models: [\n", encoding="utf-8")
    result = cli("catalog", "validate", str(bad), "--json")
    assert result.returncode == 3
    data = json.loads(result.stdout)
    assert data["valid"] is False and data["files"][-1] == str(bad)
    assert data["error"].startswith(f"{bad}:2: ")
    assert result.stderr == f"llmplan: error: {data['error']}\n"
