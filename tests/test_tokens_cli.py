"""`llmplan tokens` and the tokenizer's offline path, through the real CLI.
Every test keeps tiktoken off the network (token_env.offline_env)."""

import json
import socket

from token_env import offline_env, plugin_env, small_encoding


def test_tokens_counts_with_the_encoding_the_catalog_names(cli, tmp_path):
    env, overlay = plugin_env(tmp_path)
    text = "the thing in the\n\nthere.\n" * 50
    (tmp_path / "kb.md").write_text(text, encoding="utf-8")
    result = cli("tokens", str(tmp_path / "kb.md"), "--catalog", str(overlay), "--json", env=env)
    assert result.returncode == 0, result.stderr
    row, byte_level = json.loads(result.stdout)["encodings"]  # the proxy, then each rule's encoding
    assert byte_level["encoding"] == "llmplan_test_bytes" and byte_level["tokens"] == len(text)
    assert row["encoding"] == "llmplan_test" and row["count"] == "exact"  # for the gpt-4o models
    assert "gpt-4o-mini" in row["models"] and "claude-sonnet-4" not in row["models"]
    assert row["tokens"] == len(small_encoding().encode_ordinary(text))
    assert result.stderr == ""


def test_tokens_per_model_encoding_is_exact_for_the_models_a_rule_names(cli, tmp_path):
    env, overlay = plugin_env(tmp_path)
    (tmp_path / "a.txt").write_text("the thing", encoding="utf-8")
    result = cli("tokens", str(tmp_path / "a.txt"), "-m", "gpt-4", "--catalog", str(overlay), "--json", env=env)
    (row,) = json.loads(result.stdout)["encodings"]
    assert row["encoding"] == "llmplan_test_bytes" and row["count"] == "exact"
    assert row["tokens"] == len("the thing")  # byte-level: one token a byte
    assert "gpt-4" in row["models"]


def test_tokens_per_file_lists_each_file(cli, tmp_path):
    env, overlay = plugin_env(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("the", encoding="utf-8")
    (tmp_path / "docs" / "b.txt").write_text("the the", encoding="utf-8")
    result = cli("tokens", str(tmp_path / "docs"), "--per-file", "-e", "llmplan_test", "--catalog", str(overlay),
                 "-f", "csv", env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "encoding,path,kind,charset,pages,bytes,chars,tokens"
    assert [line.rsplit(",", 1)[1] for line in lines[1:]] == ["1", "2"]


def test_offline_counts_are_exact_with_the_bundled_encodings(cli, tmp_path):
    (tmp_path / "kb.txt").write_text("hello world", encoding="utf-8")
    result = cli("tokens", str(tmp_path / "kb.txt"), "--json", env=offline_env(tmp_path))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["encodings"]
    # "hello world" is [24912, 2375] in o200k_base and [15339, 1917] in cl100k_base
    assert [(r["encoding"], r["count"], r["tokens"]) for r in rows] == [
        ("o200k_base", "exact", 2), ("cl100k_base", "exact", 2)]
    assert result.stderr == ""


def test_offline_an_encoding_not_bundled_falls_back_to_the_heuristic_and_says_so_once(cli, tmp_path):
    (tmp_path / "kb.txt").write_text("x" * 1000, encoding="utf-8")
    result = cli("tokens", str(tmp_path / "kb.txt"), "-e", "p50k_base", "-e", "r50k_base", "--json",
                 env=offline_env(tmp_path))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["encodings"]
    assert [r["encoding"] for r in rows] == ["p50k_base", "r50k_base"]
    assert all(r["count"] == "heuristic" and r["tokens"] == 250 for r in rows)
    assert result.stderr.count("llmplan: note:") == 1
    assert "heuristic" in result.stderr and "LLMPLAN_ENCODINGS" in result.stderr


def test_an_unreachable_download_falls_back_to_the_heuristic(cli, tmp_path):
    with socket.socket() as probe:  # a port on this machine that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**offline_env(tmp_path), "LLMPLAN_ENCODINGS": f"http://127.0.0.1:{port}/encodings"}
    (tmp_path / "kb.txt").write_text("hello", encoding="utf-8")
    result = cli("tokens", str(tmp_path / "kb.txt"), "-e", "p50k_base", "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["encodings"][0]["count"] == "heuristic"
    assert "no network" in result.stderr


def test_an_encoding_file_that_fails_the_hash_check_is_not_used(cli, tmp_path):
    env = offline_env(tmp_path)
    (tmp_path / "encodings" / "p50k_base.tiktoken").write_text("dGhl 0\n", encoding="ascii")
    (tmp_path / "kb.txt").write_text("hello", encoding="utf-8")
    result = cli("tokens", str(tmp_path / "kb.txt"), "-e", "p50k_base", "--json", env=env)
    assert json.loads(result.stdout)["encodings"][0]["count"] == "heuristic"
    assert "hash" in result.stderr.lower()


def test_tokens_skips_binaries_with_a_note(cli, tmp_path):
    env, overlay = plugin_env(tmp_path)
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "a.txt").write_text("the", encoding="utf-8")
    (tmp_path / "kb" / "b.pdf").write_bytes(b"%PDF-1.4\x00\x01")
    result = cli("tokens", str(tmp_path / "kb"), "--catalog", str(overlay), "--json", env=env)
    data = json.loads(result.stdout)
    assert data["encodings"][0]["files"] == 1
    assert data["skipped"] == [{"path": str(tmp_path / "kb" / "b.pdf"),
                                "why": "not a readable PDF (Stream has ended unexpectedly): skipped"}]
    assert "b.pdf: not a readable PDF" in result.stderr


def test_tokens_of_a_missing_path_exits_4(cli, tmp_path):
    result = cli("tokens", str(tmp_path / "missing.md"), env=offline_env(tmp_path))
    assert result.returncode == 4
    assert result.stderr.startswith("llmplan: error:") and "missing.md" in result.stderr
    assert "Traceback" not in result.stderr
