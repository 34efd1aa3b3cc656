"""Honest totals: every file reached once, whatever the overlap; link loops,
FIFOs and devices skipped by name without blocking; "N of M files counted";
exit 4 naming the files when none could be counted."""

import json
import os

import pytest

from documents_kit import pdf
from llmplan.tokens import counting
from llmplan.tokens.encodings import tokenizer
from llmplan.tokens.walk import collect
from token_env import offline_env

O200K = tokenizer("o200k_base", 4)
SHORT = 30  # seconds: a blocked read would hang far longer


def kb(tmp_path):
    folder = tmp_path / "kb"
    (folder / "chapters").mkdir(parents=True)
    (folder / "chapters" / "one.md").write_text("hello world", encoding="utf-8")
    (folder / "faq.md").write_text("tiktoken is great!", encoding="utf-8")
    return folder


def test_overlapping_paths_reach_each_file_once(tmp_path):
    folder = kb(tmp_path)
    found = collect([folder, folder, folder / "faq.md", folder / "chapters", tmp_path / "kb" / ".." / "kb"], "--kb")
    assert found == [folder / "faq.md", folder / "chapters" / "one.md"]


def test_a_file_named_first_keeps_its_place_and_is_not_counted_again(tmp_path):
    folder = kb(tmp_path)
    assert collect([folder / "faq.md", folder], "--kb") == [folder / "faq.md", folder / "chapters" / "one.md"]


def test_a_link_and_a_hard_link_to_a_counted_file_are_the_same_file(tmp_path):
    folder = kb(tmp_path)
    (folder / "alias.md").symlink_to(folder / "faq.md")
    os.link(folder / "faq.md", folder / "copy.md")
    result = counting.count_files(collect([folder], "--kb"), O200K)
    assert result.tokens == 2 + 6  # "hello world" and "tiktoken is great!" once each
    assert result.considered == 2


def test_a_symlink_loop_is_skipped_by_name(tmp_path):
    folder = kb(tmp_path)
    (folder / "a.md").symlink_to(folder / "b.md")
    (folder / "b.md").symlink_to(folder / "a.md")
    result = counting.count_files(collect([folder], "--kb"), O200K)
    assert dict(result.skipped) == {str(folder / "a.md"): "a symlink loop: skipped",
                                    str(folder / "b.md"): "a symlink loop: skipped"}
    assert result.summary == "2 of 4 file(s) counted"


def test_a_link_to_a_parent_folder_is_not_followed(tmp_path):
    folder = kb(tmp_path)
    (folder / "chapters" / "up").symlink_to(folder, target_is_directory=True)
    result = counting.count_files(collect([folder], "--kb"), O200K)
    assert result.tokens == 8
    assert dict(result.skipped)[str(folder / "chapters" / "up")].startswith("a link to a folder: not followed")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_among_the_files_is_skipped_without_blocking(cli, tmp_path):
    folder = kb(tmp_path)
    os.mkfifo(folder / "pipe.md")  # nothing ever writes: opening it for reading would block
    result = cli("tokens", str(folder), "-e", "o200k_base", "--json", env=offline_env(tmp_path), timeout=SHORT)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["counted"], data["considered"]) == (2, 3)
    assert data["skipped"] == [{"path": str(folder / "pipe.md"), "why": "a FIFO (named pipe), not a file: skipped"}]


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_a_device_named_with_files_is_skipped(cli, tmp_path):
    folder = kb(tmp_path)
    result = cli("tokens", "/dev/null", str(folder / "faq.md"), "-e", "o200k_base", "--json",
                 env=offline_env(tmp_path), timeout=SHORT)
    data = json.loads(result.stdout)
    assert data["skipped"] == [{"path": "/dev/null", "why": "a device, not a file: skipped"}]
    assert data["encodings"][0]["tokens"] == 6


def test_tokens_says_n_of_m_files_counted(cli, tmp_path):
    folder = kb(tmp_path)
    (folder / "scan.pdf").write_bytes(pdf([[]]))
    result = cli("tokens", str(folder), "-e", "o200k_base", env={**offline_env(tmp_path), "COLUMNS": "100"})
    assert result.returncode == 0, result.stderr
    assert "2 of 3 file(s) counted" in result.stdout
    assert "scan.pdf: no text layer (a scanned PDF?): skipped" in result.stderr


def test_tokens_fails_naming_the_files_when_none_could_be_counted(cli, tmp_path):
    (tmp_path / "scan.pdf").write_bytes(pdf([[]]))
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = cli("tokens", str(tmp_path / "scan.pdf"), str(tmp_path / "logo.png"), env=offline_env(tmp_path))
    assert result.returncode == 4
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("llmplan: error: none of the 2 file(s) could be counted (PATH): ")
    assert "scan.pdf: no text layer (a scanned PDF?)" in result.stderr and "logo.png: binary" in result.stderr


def test_estimate_fails_when_every_kb_file_is_skipped(cli, tmp_path):
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "scan.pdf").write_bytes(pdf([[]]))
    result = cli("estimate", "-m", "gpt-4o-mini", "--kb", str(tmp_path / "kb"), env=offline_env(tmp_path))
    assert result.returncode == 4
    assert "none of the 1 file(s) could be counted (--kb)" in result.stderr and "scan.pdf" in result.stderr


def test_tokens_lists_the_largest_documents_with_their_share(cli, tmp_path):
    folder = tmp_path / "kb"
    folder.mkdir()
    for name, words in (("big.md", 600), ("mid.md", 300), ("small.md", 100)):
        (folder / name).write_text(" ".join(["word"] * words), encoding="utf-8")  # one token a word
    data = json.loads(cli("tokens", str(folder), "-e", "o200k_base", "--json", env=offline_env(tmp_path)).stdout)
    largest = data["knowledge_base"]["largest"]
    assert [(Path_name(d["path"]), d["tokens"], d["share"]) for d in largest] == [
        ("big.md", 600, 0.6), ("mid.md", 300, 0.3), ("small.md", 100, 0.1)]
    assert data["knowledge_base"]["warnings"] == []
    assert data["limits"]["max_chars"] == 300_000 and data["limits"]["inline_under_bytes"] == 500


def Path_name(path: str) -> str:
    return os.path.basename(path)


def test_tokens_warns_when_the_kb_is_over_the_platforms_limits(cli, tmp_path):
    (tmp_path / "huge.txt").write_text("a" * 300_001, encoding="utf-8")
    result = cli("tokens", str(tmp_path / "huge.txt"), "-e", "o200k_base", "--json", env=offline_env(tmp_path))
    assert result.returncode == 0
    assert "llmplan: warning: the knowledge base has 300,001 characters of text: over the platform's " \
           "300,000-character limit for non-enterprise accounts" in result.stderr
    assert "knowledge-base" in result.stderr  # the source's public address


def test_the_limits_are_catalog_data_an_overlay_can_change(cli, tmp_path):
    (tmp_path / "kb.md").write_text("hello world", encoding="utf-8")
    overlay = tmp_path / "enterprise.yaml"
    overlay.write_text("knowledge_base:\n  max_chars: 5\n  source: ours\n", encoding="utf-8")
    result = cli("tokens", str(tmp_path / "kb.md"), "-e", "o200k_base", "--json", "--catalog", str(overlay),
                 env=offline_env(tmp_path))
    assert json.loads(result.stdout)["knowledge_base"]["warnings"] == [
        "the knowledge base has 11 characters of text: over the platform's 5-character limit for non-enterprise "
        "accounts (as of 2025-07-04: ours)"]


def test_a_bad_limit_in_the_catalog_is_a_catalog_error(cli, tmp_path):
    overlay = tmp_path / "bad.yaml"
    overlay.write_text("knowledge_base:\n  max_chars: -1\n", encoding="utf-8")
    result = cli("tokens", str(overlay), "--catalog", str(overlay))
    assert result.returncode == 3 and "max_chars" in result.stderr


def test_a_file_name_with_terminal_escapes_is_shown_escaped(cli, tmp_path):
    (tmp_path / "a\x1b[31mred.bin").write_bytes(b"\x00binary")
    result = cli("tokens", str(tmp_path), env=offline_env(tmp_path))
    assert result.returncode == 4
    assert "\x1b" not in result.stderr and "a\\x1b[31mred.bin: binary" in result.stderr
