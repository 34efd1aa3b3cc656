"""`llmplan estimate` end to end: the issue's numbers, JSON/CSV keys, the budget
gate, savings, file-based plans and every bad input (one line, documented code)."""

import json
import os

import pytest

from documents_kit import pdf
from token_env import offline_env, plugin_env, small_encoding

# The README's worked example: the base arithmetic, without caching, tool definitions or reasoning.
CHECK_FLAGS = ("-m", "gpt-4o-mini", "--cache", "off", "--tool-tokens", "0", "--minutes", "10000", "--call-minutes", "4", "--turns-per-minute", "5",
               "--prompt-tokens", "800", "--kb-tokens", "0", "--user-tokens", "25", "--output-tokens", "40",
               "--history", "full", "--cache-hit", "0", "--silence", "0")


def run_json(cli, *args, env=None):
    result = cli("estimate", *args, "--json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_example_through_the_cli(cli):
    data = run_json(cli, *CHECK_FLAGS)
    (row,) = data["models"]
    assert row["id"] == "gpt-4o-mini"
    assert row["per_call_usd"] == pytest.approx(0.0048075)
    assert row["per_minute_usd"] == pytest.approx(0.001201875)
    assert round(row["monthly_usd"], 2) == 12.02
    assert row["published_per_minute_usd"]["no_kb"] == 0.001
    assert row["breakdown"]["tokens_per_call"]["input"] == 28_850
    assert row["usable"] is True and row["warnings"] == []


def test_json_shows_every_assumption_and_where_it_came_from(cli):
    data = run_json(cli, "-m", "gpt-4o-mini", "--minutes", "500")
    assumptions = data["assumptions"]
    assert assumptions["minutes"] == {"value": 500.0, "from": "flag --minutes"}
    assert assumptions["turns_per_minute"]["from"] == "default"
    assert assumptions["silence_billing_rate"]["value"] == 0.05


def test_models_are_sorted_by_monthly_cost_with_unusable_ones_last(cli):
    data = run_json(cli, "--kb-tokens", "150k")  # over 128k-token windows
    rows = data["models"]
    usable = [r for r in rows if r["usable"]]
    assert rows[: len(usable)] == usable
    assert [r["monthly_usd"] for r in usable] == sorted(r["monthly_usd"] for r in usable)
    assert not next(r for r in rows if r["id"] == "gpt-4o-mini")["usable"]


def test_calls_times_call_minutes_gives_the_minutes(cli):
    data = run_json(cli, "-m", "gpt-4o-mini", "--calls", "100", "--call-minutes", "3")
    assert data["assumptions"]["minutes"]["value"] == 300


def test_rag_saving_is_quantified_on_the_plan(cli):
    # Without RAG: S = 50,800; input = 20·50,800 + 500 + 12,350 = 1,028,850 → $0.1548075 a call, $387.02 a month.
    # With 20 chunks × 250: S = 5,800; input = 128,850 → $0.0198075 a call, $49.52 a month: saves $337.50.
    data = run_json(cli, *CHECK_FLAGS[:-10], "--kb-tokens", "50000")
    rag = next(s for s in data["savings"]["items"] if s["what"] == "rag")
    assert rag["applicable"] and rag["saves_monthly_usd"] == pytest.approx(337.5)
    assert data["savings"]["reference"] == "gpt-4o-mini"


def test_cheapest_model_saving_looks_past_the_named_model(cli):
    data = run_json(cli, "-m", "gpt-4o")
    cheapest = next(s for s in data["savings"]["items"] if s["what"] == "cheapest_model")
    assert cheapest["applicable"] and "instead of gpt-4o" in cheapest["change"]
    assert 0 < cheapest["saves_monthly_usd"] < data["models"][0]["monthly_usd"]


def test_longer_calls_cost_more_a_minute(cli):
    data = run_json(cli, "-m", "gpt-4o-mini")
    points = data["per_minute_by_call_length"]["gpt-4o-mini"]
    assert [p["call_minutes"] for p in points] == [1, 2, 4, 8, 16]
    per_minute = [p["per_minute_usd"] for p in points]
    assert per_minute == sorted(per_minute) and per_minute[0] < per_minute[-1]


def test_budget_over_exits_5_after_printing(cli):
    result = cli("estimate", *CHECK_FLAGS, "--budget", "12", "--json")
    assert result.returncode == 5
    assert json.loads(result.stdout)["budget"]["over"] is True
    assert "over budget: gpt-4o-mini costs $12.02 a month" in result.stderr


def test_budget_met_exits_0(cli):
    result = cli("estimate", *CHECK_FLAGS, "--budget", "12.05", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["budget"] == {"monthly_budget_usd": 12.05, "checked": "gpt-4o-mini",
                                                   "monthly_usd": pytest.approx(12.01875), "over": False}


def test_budget_holds_the_cheapest_usable_model_when_many_are_compared(cli):
    result = cli("estimate", "-p", "openai", "--budget", "1000", "--json")
    data = json.loads(result.stdout)
    cheapest = next(r for r in data["models"] if r["usable"])
    assert data["budget"]["checked"] == cheapest["id"] and result.returncode == 0


def test_csv_has_one_row_a_model(cli):
    result = cli("estimate", "-m", "gpt-4o-mini", "-m", "gpt-4o", "-f", "csv")
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.strip().splitlines()
    assert header.startswith("id,provider,per_minute_usd,per_call_usd,monthly_usd")
    assert [r.split(",")[0] for r in rows] == ["gpt-4o-mini", "gpt-4o"]


def test_table_shows_costs_savings_and_length_bars(cli):
    result = cli("estimate", "-m", "gpt-4o-mini", "--kb-tokens", "20k")
    assert result.returncode == 0, result.stderr
    for heading in ("Plan", "cheapest first", "What would cut the cost on gpt-4o-mini", "$/min by call length"):
        assert heading in result.stdout
    assert "█" in result.stdout


def test_at_80_columns_the_savings_notes_follow_the_table_numbered(cli):
    wide = cli("estimate", "-m", "gpt-4o-mini", "--kb-tokens", "20k", "--json")
    notes = [s for s in json.loads(wide.stdout)["savings"]["items"] if s["note"] or ": " in s["change"]]
    result = cli("estimate", "-m", "gpt-4o-mini", "--kb-tokens", "20k", env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    table = lines[lines.index("What would cut the cost on gpt-4o-mini"):]
    assert max(len(line) for line in table if line[:1] in "┏┃┡│└") <= 80  # text lines wrap on a terminal only
    header = next(line for line in table if "change" in line)
    assert "note" not in header and "$/month after" in header
    numbered = [line for line in table if line.startswith("[")]
    assert [n.split("]")[0] for n in numbered] == [f"[{i}" for i in range(1, len(numbered) + 1)]
    assert len(numbered) == len(notes) > 0
    text = " ".join(table)  # every note is there in full, only wrapped
    for item in notes:
        for word in (item["note"] or item["change"].partition(": ")[2]).split()[:6]:
            assert word in text


def test_no_model_matching_the_filters_exits_1(cli):
    result = cli("estimate", "-m", "gpt-4o", "--hipaa", "--json")
    assert result.returncode == 1 and json.loads(result.stdout)["models"] == []
    assert "no model matches" in result.stderr


def test_plan_over_the_system_prompt_limit_warns(cli):
    data = run_json(cli, "-m", "gemini-1.5-pro", "--kb-size", "3MB")
    assert any("2 MB limit" in w for w in data["plan_warnings"])


def test_scenario_file_holds_the_plan_and_flags_override_it(cli, write_file):
    scenario = write_file("plan.yaml", "minutes: 2000\ncall_minutes: 2\nhistory: none\n")
    data = run_json(cli, "-m", "gpt-4o-mini", "--scenario", str(scenario), "--minutes", "3000")
    assert data["assumptions"]["minutes"] == {"value": 3000.0, "from": "flag --minutes"}
    assert data["assumptions"]["history"] == {"value": "none", "from": f"scenario {scenario}"}


# Plans from files: counted with each model's encoding, once per encoding ------------------------

def test_kb_files_are_counted_with_each_models_encoding(cli, tmp_path):
    env, overlay = plugin_env(tmp_path)
    text = "the thing in the rain\n" * 100
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "faq.md").write_text(text, encoding="utf-8")
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("the agent", encoding="utf-8")
    data = run_json(cli, "-m", "gpt-4o-mini", "-m", "gpt-4", "--kb", str(tmp_path / "kb"),
                    "--prompt-file", str(prompt), "--catalog", str(overlay), env=env)
    by_id = {r["id"]: r for r in data["models"]}
    assert by_id["gpt-4o-mini"]["kb_tokens"] == len(small_encoding().encode_ordinary(text))
    assert by_id["gpt-4o-mini"]["tokenizer"] == {"encoding": "llmplan_test", "count": "exact"}
    assert by_id["gpt-4"]["kb_tokens"] == len(text)  # byte-level encoding
    assert by_id["gpt-4"]["prompt_tokens"] == len("the agent")
    assert data["assumptions"]["system_prompt_bytes"]["value"] == len(text) + len("the agent")


def test_kb_assumption_is_the_count_the_named_model_was_priced_on(cli, tmp_path):
    # gpt-4 counts byte by byte here, the proxy with merges: the Plan must show gpt-4's count.
    env, overlay = plugin_env(tmp_path)
    text = "the thing in the rain\n" * 100
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "faq.md").write_text(text, encoding="utf-8")
    data = run_json(cli, "-m", "gpt-4", "--kb", str(tmp_path / "kb"), "--catalog", str(overlay), env=env)
    (row,) = data["models"]
    assert row["kb_tokens"] == len(text)
    assert len(small_encoding().encode_ordinary(text)) < len(text)  # the proxy's count, which was shown
    assert data["assumptions"]["kb_tokens"]["value"] == len(text)
    assert data["assumptions"]["kb_tokens"]["from"] == "flag --kb: counted in 1 of 1 file(s) with llmplan_test_bytes"


def test_kb_offline_is_counted_exactly_with_the_bundled_proxy(cli, tmp_path):
    (tmp_path / "kb.txt").write_text("hello world", encoding="utf-8")
    result = cli("estimate", "-m", "claude-sonnet-4", "--kb", str(tmp_path / "kb.txt"), "--json",
                 env=offline_env(tmp_path))
    (row,) = json.loads(result.stdout)["models"]
    assert row["kb_tokens"] == 2  # o200k_base: [24912, 2375]
    assert row["tokenizer"] == {"encoding": "o200k_base", "count": "approximate"}


def test_kb_offline_with_an_encoding_not_bundled_uses_the_heuristic(cli, tmp_path):
    (tmp_path / "kb.txt").write_text("y" * 4000, encoding="utf-8")
    overlay = tmp_path / "proxy.yaml"
    overlay.write_text("tokenizers:\n  proxy: p50k_base\n  rules: []\n", encoding="utf-8")
    result = cli("estimate", "-m", "claude-sonnet-4", "--kb", str(tmp_path / "kb.txt"), "--json",
                 "--catalog", str(overlay), env=offline_env(tmp_path))
    (row,) = json.loads(result.stdout)["models"]
    assert row["kb_tokens"] == 1000 and row["tokenizer"]["count"] == "heuristic"
    assert result.stderr.count("not available") == 1


def test_scenario_paths_are_relative_to_the_scenario(cli, tmp_path):
    env, overlay = plugin_env(tmp_path)
    (tmp_path / "repo" / "docs").mkdir(parents=True)
    (tmp_path / "repo" / "docs" / "a.txt").write_text("abc", encoding="utf-8")
    (tmp_path / "repo" / "plan.yaml").write_text("kb: docs\n", encoding="utf-8")
    data = run_json(cli, "-m", "gpt-4", "--scenario", str(tmp_path / "repo" / "plan.yaml"),
                    "--catalog", str(overlay), env=env)
    assert data["models"][0]["kb_tokens"] == 3


# Bad input: one line on stderr, the documented exit code, no traceback --------------------------

@pytest.mark.parametrize("args, code, says", [
    (("--minutes", "-5"), 2, "--minutes must be a number ≥ 0"),
    (("--minutes", "abc"), 2, "--minutes"),
    (("--call-minutes", "0"), 2, "--call-minutes must be more than 0"),
    (("--turns-per-minute", "x"), 2, "--turns-per-minute"),
    (("--prompt-tokens", "lots"), 2, "--prompt-tokens must be a token count"),
    (("--output-tokens", "-3"), 2, "--output-tokens"),
    (("--cache-hit", "1.5"), 2, "--cache-hit must be a share from 0 to 1"),
    (("--silence", "-0.1"), 2, "--silence must be a share from 0 to 1"),
    (("--history", "window:x"), 2, "--history must be full, none or window:N"),
    (("--kb-size", "2XB"), 2, "--kb-size"),
    (("--kb-tokens", "5", "--kb-size", "1MB"), 2, "only one of --kb-tokens, --kb-size and --kb"),
    (("--budget", "-1"), 2, "--budget must be ≥ 0"),
    (("-m", "gpt-5-imaginary"), 2, "unknown model"),
])
def test_bad_values_are_usage_errors(cli, args, code, says):
    result = cli("estimate", *args)
    assert result.returncode == code, result.stderr
    assert result.stderr.startswith("llmplan: error:") and says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def input_error(result, says):
    assert result.returncode == 4, result.stderr
    assert result.stderr.startswith("llmplan: error:") and says in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_kb_path_is_an_input_error(cli, tmp_path):
    input_error(cli("estimate", "--kb", str(tmp_path / "nowhere"), env=offline_env(tmp_path)),
                "nowhere: no such file or folder (--kb)")


def test_a_folder_given_as_prompt_file_is_an_input_error(cli, tmp_path):
    input_error(cli("estimate", "--prompt-file", str(tmp_path), env=offline_env(tmp_path)),
                "is a folder; --prompt-file takes a text file")


def test_a_prompt_file_that_is_not_utf8_is_an_input_error(cli, tmp_path):
    (tmp_path / "prompt.txt").write_bytes("Vous êtes".encode("latin-1"))
    input_error(cli("estimate", "-m", "gpt-4o", "--prompt-file", str(tmp_path / "prompt.txt"), env=offline_env(tmp_path)),
                "prompt.txt: not UTF-8 text (byte 5); --prompt-file takes a UTF-8 text file")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_kb_file_is_an_input_error(cli, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("x", encoding="utf-8")
    secret.chmod(0)
    input_error(cli("estimate", "--kb", str(secret), env=offline_env(tmp_path)), "secret.md: cannot read")


def test_a_kb_whose_only_file_cannot_be_opened_is_an_input_error(cli, tmp_path):
    # Works as root too (where chmod 000 does not stop reads): a link to nothing.
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "gone.md").symlink_to(tmp_path / "deleted.md")
    input_error(cli("estimate", "--kb", str(tmp_path / "kb"), env=offline_env(tmp_path)),
                "none of the 1 file(s) could be counted (--kb): " + str(tmp_path / "kb" / "gone.md") + ": a link to nothing")


def test_kb_files_that_cannot_be_counted_are_named_and_the_rest_counted(cli, tmp_path):
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "gone.md").symlink_to(tmp_path / "deleted.md")
    (tmp_path / "kb" / "scan.pdf").write_bytes(pdf([[]]))
    (tmp_path / "kb" / "faq.md").write_text("hello world", encoding="utf-8")
    result = cli("estimate", "-m", "gpt-4o", "--kb", str(tmp_path / "kb"), "--json", env=offline_env(tmp_path))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["models"][0]["kb_tokens"] == 2  # "hello world" in o200k_base
    assert data["assumptions"]["kb_tokens"]["from"] == "flag --kb: counted in 1 of 3 file(s) with o200k_base"
    assert "skipped 2 file(s)" in result.stderr and "no text layer" in result.stderr


def test_kb_over_the_platforms_character_limit_warns_and_names_what_to_curate(cli, tmp_path):
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "big.md").write_text(" ".join(["word"] * 70_000), encoding="utf-8")  # 349,999 characters
    (tmp_path / "kb" / "small.md").write_text(" ".join(["word"] * 10_000), encoding="utf-8")  # 49,999
    result = cli("estimate", "-m", "gpt-4o", "--kb", str(tmp_path / "kb"), "--json", env=offline_env(tmp_path))
    (warning,) = [w for w in json.loads(result.stdout)["plan_warnings"] if "character limit" in w]
    assert "399,998 characters of text: over the platform's 300,000-character limit" in warning
    # "word" and " word" are one token each in o200k_base: 70,000 and 10,000 tokens, 88 % and 12 %
    assert "big.md (88%)" in warning and "small.md (12%)" in warning


def test_rag_chunks_past_max_documents_length_warn(cli, tmp_path):
    result = cli("estimate", "-m", "gpt-4o", "--rag", "--rag-chunks", "20", "--chunk-tokens", "1000", "--json")
    warnings = json.loads(result.stdout)["plan_warnings"]
    # 20 chunks × 1,000 tokens × 4 characters a token = 80,000 characters > 50,000
    assert any("about 80,000 characters a turn: over RAG's max_documents_length of 50,000" in w for w in warnings)
    quiet = cli("estimate", "-m", "gpt-4o", "--rag", "--rag-chunks", "10", "--chunk-tokens", "1000", "--json")
    assert not any("max_documents_length" in w for w in json.loads(quiet.stdout)["plan_warnings"])


def test_a_malformed_scenario_names_the_file_and_line(cli, write_file):
    scenario = write_file("plan.yaml", "minutes: 100\ncall_minutes: [4\n")
    input_error(cli("estimate", "--scenario", str(scenario)), "plan.yaml:")


def test_a_scenario_share_outside_0_1_names_the_field(cli, write_file):
    scenario = write_file("plan.yaml", "cache_hit: 2\n")
    input_error(cli("estimate", "--scenario", str(scenario)), "plan.yaml: cache_hit must be a share from 0 to 1")


def test_a_missing_scenario_is_an_input_error(cli, tmp_path):
    input_error(cli("estimate", "--scenario", str(tmp_path / "none.yaml")), "scenario file not found")
