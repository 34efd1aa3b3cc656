"""`llmplan catalog import`, `catalog diff` and `catalog check` end to end (subprocess)."""

import http.server
import json
import threading

import pytest
import yaml

import source_samples as samples


@pytest.fixture
def sources(tmp_path):
    return {
        "litellm": samples.write(tmp_path / "litellm.json", samples.litellm()),
        "models.dev": samples.write(tmp_path / "api.json", samples.models_dev()),
        "openrouter": samples.write(tmp_path / "openrouter.json", samples.openrouter()),
    }


@pytest.mark.parametrize("fmt", ["litellm", "models.dev", "openrouter"])
def test_imported_yaml_validates_layered_on_the_catalog(cli, sources, tmp_path, fmt):
    out = tmp_path / "imported.yaml"
    result = cli("catalog", "import", "--from", fmt, str(sources[fmt]), "--output", str(out))
    assert result.returncode == 0, result.stderr
    valid = cli("catalog", "validate", str(out))
    assert valid.returncode == 0, valid.stderr


def test_imported_override_changes_the_catalog_price(cli, sources, tmp_path):
    out = tmp_path / "imported.yaml"
    cli("catalog", "import", "--from", "models.dev", str(sources["models.dev"]), "-o", str(out))
    shown = json.loads(cli("show", "gemini-2.5-flash", "--json", "--catalog", str(out)).stdout)
    assert (shown["input_price"], shown["output_price"]) == (0.3, 2.5)
    assert shown["hipaa"] is True  # an override keeps what the source does not say


def test_imported_tiers_reach_the_catalog_and_the_cost(cli, sources, tmp_path):
    # models.dev's gemini-2.5-flash: context_over_200k {input 0.6, output 5} → a tier above 200,000 tokens.
    out = tmp_path / "imported.yaml"
    cli("catalog", "import", "--from", "models.dev", str(sources["models.dev"]), "-o", str(out))
    shown = json.loads(cli("show", "gemini-2.5-flash", "--json", "--catalog", str(out)).stdout)
    assert shown["tiers"] == [{"above_input_tokens": 200_000, "input": 0.6, "output": 5.0, "cache_read": None}]
    # one turn of 250,000 input tokens, no output, cache off: 250,000 × 0.6e-6 = $0.15 a call.
    data = json.loads(cli("estimate", "-m", "gemini-2.5-flash", "--catalog", str(out), "--json", "--cache", "off",
                          "--tool-tokens", "0", "--call-minutes", "1", "--turns-per-minute", "1",
                          "--prompt-tokens", "250k", "--user-tokens", "0", "--output-tokens", "0").stdout)
    assert data["models"][0]["per_call_usd"] == pytest.approx(0.15)


def test_import_to_stdout_is_yaml_with_the_source_entry(cli, sources):
    result = cli("catalog", "import", "--from", "litellm", str(sources["litellm"]), "--as-of", "2026-02-03")
    doc = yaml.safe_load(result.stdout)
    assert doc["sources"]["import-litellm"]["as_of"] == "2026-02-03"
    assert {m["id"] for m in doc["models"]} >= {"gpt-4o", "claude-3-5-sonnet", "gemini-2.0-flash"}


def test_import_reports_counts_and_verbose_lists_skipped_entries(cli, sources):
    quiet = cli("catalog", "import", "--from", "litellm", str(sources["litellm"]))
    assert "skipped 2 of 8 entries" in quiet.stderr and "text-embedding-3-small" not in quiet.stderr
    verbose = cli("catalog", "import", "--from", "litellm", str(sources["litellm"]), "--verbose")
    assert "skipped text-embedding-3-small: mode embedding: not a chat model" in verbose.stderr


def test_import_match_and_provider_select_entries(cli, sources):
    result = cli("catalog", "import", "--from", "litellm", str(sources["litellm"]), "--match", "claude", "--provider", "anthropic")
    assert [m["id"] for m in yaml.safe_load(result.stdout)["models"]] == ["claude-3-5-sonnet"]


def test_import_with_no_matching_entry_exits_1(cli, sources):
    result = cli("catalog", "import", "--from", "litellm", str(sources["litellm"]), "--match", "nothing-like-this")
    assert result.returncode == 1 and result.stdout == ""


def test_import_never_overwrites_without_force(cli, sources, tmp_path):
    out = tmp_path / "mine.yaml"
    out.write_text("# mine\n")
    refused = cli("catalog", "import", "--from", "litellm", str(sources["litellm"]), "-o", str(out))
    assert refused.returncode == 2 and "--force" in refused.stderr and out.read_text() == "# mine\n"
    forced = cli("catalog", "import", "--from", "litellm", str(sources["litellm"]), "-o", str(out), "--force")
    assert forced.returncode == 0 and "models:" in out.read_text()


def test_unknown_source_format_is_a_usage_error(cli, sources):
    result = cli("catalog", "import", "--from", "csv", str(sources["litellm"]))
    assert result.returncode == 2 and "unknown source format 'csv'" in result.stderr


def test_malformed_json_exits_4_naming_file_and_line(cli, write_file):
    bad = write_file("bad.json", '{\n  "gpt-4o": {"mode": "chat",}\n}\n')
    result = cli("catalog", "import", "--from", "litellm", str(bad))
    assert result.returncode == 4
    assert result.stderr.startswith(f"llmplan: error: {bad}:2:") and "Traceback" not in result.stderr


def test_wrong_shape_for_the_format_exits_4(cli, write_file):
    bad = write_file("list.json", "[1, 2]")
    result = cli("catalog", "import", "--from", "openrouter", str(bad))
    assert result.returncode == 4 and "not an OpenRouter" in result.stderr


def test_missing_source_file_exits_4(cli, tmp_path):
    result = cli("catalog", "import", "--from", "litellm", str(tmp_path / "nope.json"))
    assert result.returncode == 4 and "not found" in result.stderr


def test_diff_of_a_file_with_itself_exits_0(cli, sources):
    result = cli("catalog", "diff", str(sources["litellm"]), str(sources["litellm"]), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["equal"] is True


def test_diff_of_different_sources_exits_7_with_changes(cli, sources):
    result = cli("catalog", "diff", str(sources["litellm"]), str(sources["openrouter"]), "--json")
    assert result.returncode == 7 and "catalogs differ" in result.stderr
    data = json.loads(result.stdout)
    assert data["equal"] is False and "openrouter/meta-llama/llama-3.3-70b-instruct" in data["added"]
    assert "gpt-4o" in data["removed"]
    # both state the same prices and limits for Claude 3.5 Sonnet, under different ids
    assert "claude-3-5-sonnet" not in {c["id"] for c in data["changed"]}
    assert set(data["counts"]) == {"added", "removed", "changed", "unchanged"}


def test_diff_reports_old_new_and_relative_change(cli, sources, write_file):
    cheaper = samples.litellm()
    cheaper["gpt-4o"]["input_cost_per_token"] = 2e-06
    other = samples.write(sources["litellm"].with_name("cheaper.json"), cheaper)
    result = cli("catalog", "diff", str(sources["litellm"]), str(other), "--json")
    change = json.loads(result.stdout)["changed"]
    assert change == [{"id": "gpt-4o", "field": "input_price", "old": 2.5, "new": 2.0, "relative": -0.2}]


def test_diff_compares_an_imported_yaml_with_its_source(cli, sources, tmp_path):
    out = tmp_path / "imported.yaml"
    cli("catalog", "import", "--from", "openrouter", str(sources["openrouter"]), "-o", str(out))
    result = cli("catalog", "diff", str(out), str(sources["openrouter"]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("no differences")


def test_diff_of_a_broken_yaml_catalog_exits_3_with_the_line(cli, write_file, sources):
    bad = write_file("bad.yaml", "models:\n  - id: x\n    input_price: cheap\n")
    result = cli("catalog", "diff", str(bad), str(sources["litellm"]))
    assert result.returncode == 3 and f"{bad}:3:" in result.stderr


def test_check_finds_disagreements_with_a_source(cli, sources):
    result = cli("catalog", "check", "--against", str(sources["models.dev"]), "--json")
    assert result.returncode == 7
    data = json.loads(result.stdout)
    flash = {d["field"]: d for d in data["disagreements"] if d["id"] == "gemini-2.5-flash"}
    assert flash["input_price"]["catalog"] == 0.15 and flash["input_price"]["other"] == 0.3
    assert flash["input_price"]["relative"] == pytest.approx(1.0)
    assert "claude-3-5-sonnet" in data["compared"]


def test_check_tolerance_and_agreeing_source_exit_0(cli, write_file):
    agreeing = write_file("agree.json", json.dumps({"gpt-4o": {
        "litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.6e-06}}))
    loose = cli("catalog", "check", "--against", str(agreeing), "--tolerance", "5%")
    assert loose.returncode == 0, loose.stdout + loose.stderr
    strict = cli("catalog", "check", "--against", str(agreeing))
    assert strict.returncode == 7


def test_check_max_age_flags_old_entries(cli):
    old = cli("catalog", "check", "--max-age", "1d", "--json")
    assert old.returncode == 7 and any(s["id"] == "gpt-4o" for s in json.loads(old.stdout)["stale"])
    fresh = cli("catalog", "check", "--max-age", "100y")
    assert fresh.returncode == 0 and fresh.stdout.startswith("ok:")


def test_check_needs_a_source_or_a_max_age(cli):
    result = cli("catalog", "check")
    assert result.returncode == 2 and "--against" in result.stderr


def test_check_bad_tolerance_is_a_usage_error(cli):
    result = cli("catalog", "check", "--max-age", "1y", "--tolerance", "lots")
    assert result.returncode == 2 and "--tolerance" in result.stderr


@pytest.fixture
def server():
    """A price-map server on 127.0.0.1: path -> (status, body bytes)."""
    routes = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            status, body = routes.get(self.path, (404, b"not found"))
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield routes, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_import_url_fetches_the_source(cli, server):
    routes, base = server
    routes["/prices.json"] = (200, json.dumps(samples.litellm()).encode())
    result = cli("catalog", "import", "--from", "litellm", "--url", f"{base}/prices.json")
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load(result.stdout)["sources"]["import-litellm"]["url"] == f"{base}/prices.json"


def test_import_url_http_error_exits_4(cli, server):
    _, base = server
    result = cli("catalog", "import", "--from", "litellm", "--url", f"{base}/missing.json")
    assert result.returncode == 4 and "HTTP 404" in result.stderr


def test_import_url_unreachable_exits_4_with_an_offline_hint(cli):
    import socket

    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        result = cli("catalog", "import", "--from", "litellm", "--url", f"http://127.0.0.1:{port}/")
    assert result.returncode == 4 and "offline?" in result.stderr and "Traceback" not in result.stderr


def test_catalog_validate_and_path_import_neither_httpx_nor_tiktoken(cli):
    import subprocess
    import sys

    code = ("import sys; from llmplan.cli.main import run; run(['catalog', 'validate']); run(['catalog', 'path']); "
            "print(sorted(m for m in ('httpx', 'tiktoken') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip().endswith("[]"), result.stdout + result.stderr


def test_diff_csv_has_one_row_per_change(cli, sources):
    result = cli("catalog", "diff", str(sources["litellm"]), str(sources["openrouter"]), "--format", "csv")
    lines = result.stdout.splitlines()
    assert result.returncode == 7 and lines[0] == "kind,id,field,old,new,relative"
    assert "removed,gpt-4o,,,," in lines


def test_check_against_a_url(cli, server):
    routes, base = server
    routes["/api.json"] = (200, json.dumps(samples.models_dev()).encode())
    result = cli("catalog", "check", "--against", f"{base}/api.json", "--json")
    assert result.returncode == 7, result.stderr
    assert "gemini-2.5-flash" in {d["id"] for d in json.loads(result.stdout)["disagreements"]}


def test_diff_of_json_in_no_known_format_exits_4(cli, write_file, sources):
    odd = write_file("odd.json", json.dumps({"hello": "world"}))
    result = cli("catalog", "diff", str(odd), str(sources["litellm"]))
    assert result.returncode == 4 and "not a known source format" in result.stderr


RETIRED_SEQUENCE = """
models:
  - id: gpt-4o-mini
    status: retired
    deprecated_on: 2019-06-01
    retires_on: 2020-01-01
    lifecycle_source: a test
fallback_sequence:
  models: [gpt-4o-mini, gpt-4o]
"""


def test_check_lifecycle_reports_a_retired_model_in_the_fallback_sequence_with_exit_7(cli, write_file):
    overlay = write_file("retired.yaml", RETIRED_SEQUENCE)
    result = cli("catalog", "check", "--lifecycle", "--json", "--catalog", str(overlay))
    assert result.returncode == 7, result.stderr
    problems = json.loads(result.stdout)["lifecycle"]
    assert {"id": "gpt-4o-mini", "problem": "retired model in the fallback sequence (position 1)",
            "status": "retired", "date": "2020-01-01"} in problems
    assert not any(p["id"] == "gpt-4o" and "fallback" in p["problem"] for p in problems)
    assert "lifecycle problem" in result.stderr


def test_check_lifecycle_names_the_plans_model_past_its_date(cli):
    result = cli("catalog", "check", "--lifecycle", "-m", "claude-3-7-sonnet", "--json")
    assert result.returncode == 7
    mine = [p for p in json.loads(result.stdout)["lifecycle"] if p["problem"].startswith("the plan's model")]
    assert mine == [{"id": "claude-3-7-sonnet", "problem": "the plan's model is retired 2026-02-19",
                     "status": "retired", "date": "2026-02-19"}]


def test_check_lifecycle_is_clean_when_the_sequence_and_statuses_are_current(cli, write_file):
    overlay = write_file("current.yaml", "fallback_sequence:\n  models: [gpt-4.1-mini]\n")
    only_active = [m["id"] for m in json.loads(cli("models", "--json", "--active", "--catalog", str(overlay)).stdout)]
    assert "gpt-4.1-mini" in only_active and "claude-3-7-sonnet" not in only_active
    result = cli("catalog", "check", "--lifecycle", "--catalog", str(overlay))
    # statuses the dates contradict still count; with none, exit 0 and 'ok'
    problems = [line for line in result.stdout.splitlines() if "lifecycle" in line]
    assert (result.returncode == 0) == (not problems)


def test_check_model_without_lifecycle_is_a_usage_error(cli):
    result = cli("catalog", "check", "--max-age", "1y", "-m", "gpt-4o")
    assert result.returncode == 2 and "--lifecycle" in result.stderr
