"""Knowledge-base documents counted as the platform reads them: the text of a
PDF, DOCX, EPUB or HTML file (not its markup), text in other encodings, and
every file that cannot be counted skipped by name with the reason."""

import pytest

from documents_kit import docx, encrypted_pdf, epub, pdf
from llmplan.tokens import counting
from llmplan.tokens.html_text import HtmlText
from llmplan.tokens.encodings import tokenizer

O200K = tokenizer("o200k_base", 4)
CL100K = tokenizer("cl100k_base", 4)


def tokens_of(text: str, counter=O200K) -> int:
    return len(counter.encoding.encode_ordinary(text))


def count(path, counter=O200K):
    return counting.count_files([path], counter)


def test_a_pdf_is_counted_by_its_text_page_by_page(tmp_path):
    path = tmp_path / "policy.pdf"
    path.write_bytes(pdf([["Refund policy: 30 days.", "Keep the receipt (always)."], ["Page two text."]]))
    (row,) = count(path).files
    text = "Refund policy: 30 days.\nKeep the receipt (always).\nPage two text.\n"  # pypdf's lines, a newline a page
    assert (row.kind, row.pages, row.chars, row.tokens) == ("pdf", 2, len(text), tokens_of(text))
    assert row.bytes == len(path.read_bytes()) and row.tokens < row.bytes / 20  # the markup is not priced


def test_a_pdf_without_a_text_layer_is_skipped_not_counted_as_zero(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf([[], []]))
    result = count(path)
    assert result.files == () and result.skipped == ((str(path), "no text layer (a scanned PDF?): skipped"),)


def test_an_encrypted_pdf_is_skipped_as_encrypted(tmp_path):
    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypted_pdf([["the secret plan"]], user_password="hunter2"))
    assert count(path).skipped == ((str(path), "encrypted PDF (needs a password): skipped"),)


def test_a_pdf_encrypted_with_an_empty_user_password_opens_and_counts(tmp_path):
    path = tmp_path / "restricted.pdf"  # owner restrictions only: any reader opens it
    path.write_bytes(encrypted_pdf([["open to all"]], user_password=""))
    (row,) = count(path).files
    assert row.tokens == tokens_of("open to all\n")


def test_a_corrupt_pdf_is_skipped_with_the_reason(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog\x00\x01")
    ((where, why),) = count(path).skipped
    assert where == str(path) and why.startswith("not a readable PDF (") and why.endswith("): skipped")


def test_a_pdf_is_read_as_pdf_whatever_its_name(tmp_path):
    path = tmp_path / "export.bin"
    path.write_bytes(pdf([["named badly"]]))
    assert count(path).files[0].kind == "pdf"


def test_a_docx_counts_its_paragraphs_and_tabs_not_its_xml(tmp_path):
    path = tmp_path / "faq.docx"
    path.write_bytes(docx([["Opening ", "hours"], ["Mon–Fri", "\t", "9 to 5 & <weekends> closed"]]))
    (row,) = count(path, CL100K).files
    text = "Opening hours\nMon–Fri\t9 to 5 & <weekends> closed\n"
    assert (row.kind, row.chars, row.tokens) == ("docx", len(text), tokens_of(text, CL100K))


def test_a_file_named_docx_that_is_not_a_zip_is_skipped(tmp_path):
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)  # OLE: Word 97 or an encrypted package
    ((_, why),) = count(path).skipped
    assert "an OLE file: password-protected, or an old binary format" in why


def test_an_epub_counts_its_chapters_in_spine_order(tmp_path):
    path = tmp_path / "guide.epub"
    path.write_bytes(epub(["<h1>Start</h1><p>First   chapter.</p><script>track()</script>",
                           "<p>Second &amp; last.</p>"]))
    (row,) = count(path).files
    text = "Chapter 0\nStart\nFirst chapter.\nChapter 1\nSecond & last.\n"
    assert (row.kind, row.chars, row.tokens) == ("epub", len(text), tokens_of(text))


def test_an_epub_with_drm_is_skipped_as_encrypted(tmp_path):
    path = tmp_path / "bought.epub"
    path.write_bytes(epub(["<p>words</p>"], drm=True))
    assert count(path).skipped == ((str(path), "encrypted EPUB (DRM): skipped"),)


HTML = """<!doctype html><html><head><title>Refunds</title>
<style>body { color: red } p::before { content: "<p>" }</style>
<script>var hidden = "<p>not text</p>"; for (i = 0; i < 3; i++) {}</script></head>
<body><h1>Refund   policy</h1><p>Refunds within <b>30</b>
   days.</p><ul><li>Keep the receipt</li><li>Ask&nbsp;us &amp; we&#39;ll help</li></ul>
<noscript>Enable JavaScript</noscript><pre>  kept
  as is</pre></body></html>"""
HTML_TEXT = "Refunds\nRefund policy\nRefunds within 30 days.\nKeep the receipt\nAsk us & we'll help\n  kept\n  as is\n"


def test_html_text_leaves_out_scripts_styles_and_markup():
    parser = HtmlText()
    parser.feed(HTML)
    parser.close()
    assert parser.drain() == HTML_TEXT


def test_an_html_file_is_counted_by_its_visible_text(tmp_path):
    path = tmp_path / "refunds.html"
    path.write_text(HTML, encoding="utf-8")
    (row,) = count(path).files
    assert (row.kind, row.charset, row.chars, row.tokens) == ("html", "utf-8", len(HTML_TEXT), tokens_of(HTML_TEXT))


def test_html_fed_in_small_pieces_gives_the_same_text(tmp_path, monkeypatch):
    monkeypatch.setattr(counting, "BLOCK", 7)
    monkeypatch.setattr(counting, "SNIFF", 7, raising=False)
    path = tmp_path / "refunds.htm"
    path.write_text(HTML, encoding="utf-8")
    assert count(path).files[0].chars == len(HTML_TEXT)


FRENCH = "Le cœur a ses raisons que la raison ne connaît point. Voilà un été à Noël, déjà très élevé.\n"


def test_a_latin1_text_is_decoded_and_says_which_encoding(tmp_path):
    path = tmp_path / "notes.txt"
    text = FRENCH.replace("œ", "oe") * 3
    path.write_bytes(text.encode("latin-1"))
    (row,) = count(path).files
    assert (row.charset, row.chars, row.tokens) == ("cp1252", len(text), tokens_of(text))


def test_a_short_latin1_text_is_not_mistaken_for_a_look_alike(tmp_path):
    path = tmp_path / "menu.txt"
    path.write_bytes("café crème".encode("latin-1"))  # charset-normalizer alone says cp1006 (Urdu)
    (row,) = count(path).files
    assert row.charset == "cp1252" and row.tokens == tokens_of("café crème")


def test_a_file_whose_first_accent_is_deep_inside_is_read_again_in_one_encoding(tmp_path, monkeypatch):
    monkeypatch.setattr(counting, "BLOCK", 1024)
    path = tmp_path / "log.txt"
    text = "plain ascii line number\n" * 2000 + FRENCH.replace("œ", "oe")
    path.write_bytes(text.encode("cp1252"))
    (row,) = count(path).files
    assert (row.charset, row.chars, row.tokens) == ("cp1252", len(text), tokens_of(text))


def test_a_polish_text_in_windows_1250_is_not_read_as_western(tmp_path):
    path = tmp_path / "pl.txt"
    text = "Zażółć gęślą jaźń. Łódź leży w Polsce, a ślimak płynie wolno.\n" * 3
    path.write_bytes(text.encode("cp1250"))
    (row,) = count(path).files
    assert row.charset in ("cp1250", "iso8859_2") and row.tokens == tokens_of(text)


def test_a_cyrillic_text_in_windows_1251_is_read_as_cyrillic(tmp_path):
    path = tmp_path / "ru.txt"
    text = "Привет, как дела? Это тестовый текст на русском языке.\n" * 3
    path.write_bytes(text.encode("cp1251"))
    (row,) = count(path).files
    assert row.charset == "cp1251" and row.tokens == tokens_of(text)


def test_utf16_with_a_bom_is_text_not_binary(tmp_path):
    path = tmp_path / "export.txt"
    path.write_bytes("the agent's script\n".encode("utf-16"))
    (row,) = count(path).files
    assert row.charset == "utf-16" and row.tokens == tokens_of("the agent's script\n")


def test_a_utf8_bom_is_not_counted(tmp_path):
    path = tmp_path / "bom.md"
    path.write_bytes(b"\xef\xbb\xbf" + "hello world".encode())
    (row,) = count(path).files
    assert (row.charset, row.chars, row.tokens) == ("utf-8-sig", 11, 2)


def test_several_encodings_are_counted_in_one_pass_over_the_text(tmp_path, monkeypatch):
    from llmplan.tokens import documents

    opened = []
    real = documents.open_document
    monkeypatch.setattr(documents, "open_document", lambda *a: opened.append(a[0]) or real(*a))
    path = tmp_path / "two.pdf"
    path.write_bytes(pdf([["hello world"], ["tiktoken is great!"]]))
    o200k, cl100k = counting.count_many([path], [O200K, CL100K])
    assert len(opened) == 1  # extracted once for both encodings
    text = "hello world\ntiktoken is great!\n"
    assert (o200k.tokens, cl100k.tokens) == (tokens_of(text), tokens_of(text, CL100K))
    assert o200k.encoding == "o200k_base" and cl100k.encoding == "cl100k_base"


@pytest.mark.parametrize("name", ["a.html", "a.epub", "a.docx"])
def test_a_document_with_no_text_is_skipped_with_the_reason(tmp_path, name):
    path = tmp_path / name
    builders = {"a.html": lambda: b"<html><script>only()</script></html>", "a.epub": lambda: epub([]),
                "a.docx": lambda: docx([])}
    path.write_bytes(builders[name]())
    ((_, why),) = count(path).skipped
    assert why == f"no text in this {name.split('.')[1].upper()}: skipped"


DOC_PROBE = """
import sys
from llmplan.cli.main import run
run(sys.argv[1:])
print("LOADED=" + ",".join(m for m in ("pypdf", "charset_normalizer", "xml.etree.ElementTree", "zipfile", "html.parser")
                           if m in sys.modules), file=sys.stderr)
"""


def loaded_for(tmp_path, name: str, data: bytes) -> str:
    import subprocess
    import sys

    (tmp_path / name).write_bytes(data)
    result = subprocess.run([sys.executable, "-c", DOC_PROBE, "tokens", str(tmp_path / name), "-e", "o200k_base",
                             "--json"], capture_output=True, text=True, timeout=60)
    return result.stderr.strip().splitlines()[-1]


def test_document_libraries_are_imported_only_when_such_a_file_is_met(tmp_path):
    plain = loaded_for(tmp_path, "notes.md", b"hello world")
    assert plain == "LOADED="  # a UTF-8 text file needs none of them
    assert "pypdf" in loaded_for(tmp_path, "a.pdf", pdf([["hello"]]))
    assert "charset_normalizer" in loaded_for(tmp_path, "ru.txt", "Привет, как дела?".encode("cp1251"))
