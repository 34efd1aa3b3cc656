"""The text the platform puts in the prompt from a PDF, DOCX, EPUB or HTML file:
the words, not the markup. Each reader is imported only when such a file is met.

- PDF: pypdf (pure Python, maintained by the py-pdf organisation, no compiled
  parts), one page at a time. An encrypted PDF is opened with the empty
  password (owner-only restrictions) or skipped as encrypted.
- DOCX and EPUB are zip files of XML/XHTML: read with the standard library
  (zipfile, a streaming ElementTree parse for DOCX, html.parser for XHTML),
  each member read through a size cap (a zip bomb is skipped, not expanded).
- HTML: html.parser, leaving out script, style, noscript and template, one
  line per block element, runs of spaces collapsed as a browser shows them.

A reader raises NotText(reason) for a file it cannot read (corrupt, encrypted,
not what its name says); the count skips the file with that reason.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import BinaryIO, Callable, Iterator
from urllib.parse import unquote

from msgspec import Struct

from llmplan.tokens.text import NotText

MAX_MEMBER = 256 << 20  # bytes of one zip member read at most (DOCX/EPUB)
EMIT = 1 << 20  # characters gathered before a chunk is handed on
KINDS = {".pdf": "pdf", ".docx": "docx", ".epub": "epub", ".html": "html", ".htm": "html", ".xhtml": "html"}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class Document(Struct):
    kind: str  # pdf, docx, epub
    pages: int | None  # a PDF's pages; None for the others
    chunks: Iterator[str]


def kind_of(path: Path, head: bytes) -> str:
    """pdf, docx, epub, html or text: by content where it tells, else by name."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    return KINDS.get(path.suffix.lower(), "text")


def open_document(path: Path, handle: BinaryIO, kind: str) -> Document:
    opener: Callable[[Path, BinaryIO], Document] = {"pdf": _pdf, "docx": _docx, "epub": _epub}[kind]
    return opener(path, handle)


# PDF ----------------------------------------------------------------------------------------

def _pdf(path: Path, handle: BinaryIO) -> Document:
    import logging

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its warnings about sloppy files are not ours to print
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PdfReadError

    try:
        reader = PdfReader(handle)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except (DependencyError, NotImplementedError) as error:
                raise NotText(f"encrypted PDF ({error}): skipped") from None
            if not opened:
                raise NotText("encrypted PDF (needs a password): skipped")
        pages = len(reader.pages)
    except NotText:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError,
            RecursionError, AssertionError) as error:
        raise NotText(f"not a readable PDF ({_short(error)}): skipped") from None

    def chunks() -> Iterator[str]:
        for number, page in enumerate(reader.pages, 1):
            try:
                text = page.extract_text()
            except Exception as error:  # noqa: BLE001 - pypdf raises many types on damaged pages
                raise NotText(f"PDF page {number}: cannot extract its text ({_short(error)}): skipped") from None
            yield text + "\n"

    return Document("pdf", pages, chunks())


def _short(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text[:120]


# Zip-based: DOCX and EPUB --------------------------------------------------------------------

class _Capped:
    """A zip member read through a cap on its expanded size."""

    def __init__(self, handle, name: str):
        self._handle, self._name, self._read = handle, name, 0

    def read(self, n: int = -1) -> bytes:
        data = self._handle.read(n if n is not None and n >= 0 else MAX_MEMBER + 1 - self._read)
        self._read += len(data)
        if self._read > MAX_MEMBER:
            raise NotText(f"{self._name} expands past {MAX_MEMBER >> 20} MB (a zip bomb?): skipped")
        return data


def _zip(handle: BinaryIO, what: str) -> "zipfile.ZipFile":
    import zipfile

    try:
        return zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        head = (handle.seek(0), handle.read(8))[1]
        if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE compound file: Office's encrypted package, or a .doc
            raise NotText(f"not a {what} zip (an OLE file: password-protected, or an old binary format): skipped") from None
        raise NotText(f"not a {what} ({_short(error)}): skipped") from None


def _member(archive, name: str) -> _Capped:
    import zipfile

    try:
        return _Capped(archive.open(name), name)
    except KeyError:
        raise NotText(f"no {name} inside: skipped") from None
    except (RuntimeError, NotImplementedError, zipfile.BadZipFile) as error:  # encrypted members raise RuntimeError
        raise NotText(f"{name}: {_short(error)}: skipped") from None


def _xml_events(source: _Capped, name: str):
    """(event, element) from a streaming parse; a DOCTYPE (entity tricks) is refused."""
    import zipfile
    from xml.etree.ElementTree import ParseError, XMLPullParser

    parser = XMLPullParser(events=("start", "end"))
    first = True
    try:
        while True:
            data = source.read(1 << 16)
            if first and (b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]):
                raise NotText(f"{name} declares a DOCTYPE (not Office XML): skipped")
            first = False
            if not data:
                parser.close()
                yield from parser.read_events()
                return
            parser.feed(data)
            yield from parser.read_events()
    except ParseError as error:
        raise NotText(f"{name} is not well-formed XML ({error}): skipped") from None
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise NotText(f"{name}: {_short(error)}: skipped") from None


def _docx(path: Path, handle: BinaryIO) -> Document:
    archive = _zip(handle, "DOCX")
    source = _member(archive, "word/document.xml")

    def chunks() -> Iterator[str]:
        parts: list[str] = []
        size = runs = 0  # runs: depth inside w:r (a w:tab outside a run is a tab stop, not text)
        for event, element in _xml_events(source, "word/document.xml"):
            tag = element.tag
            if event == "start":
                if tag == W + "r":
                    runs += 1
                elif runs and tag == W + "tab":
                    parts.append("\t")
                elif runs and tag in (W + "br", W + "cr"):
                    parts.append("\n")
                continue
            if tag == W + "r":
                runs -= 1
            if tag == W + "t" and element.text:
                parts.append(element.text)
                size += len(element.text)
            elif tag == W + "p":
                parts.append("\n")
                element.clear()  # keeps memory flat on a long document
                if size >= EMIT:
                    yield "".join(parts)
                    parts, size = [], 0
        yield "".join(parts)

    return Document("docx", None, chunks())


def _epub(path: Path, handle: BinaryIO) -> Document:
    from xml.etree.ElementTree import ParseError, fromstring

    archive = _zip(handle, "EPUB")
    names = set(archive.namelist())

    def xml(name: str):
        data = _member(archive, name).read()
        if b"<!ENTITY" in data:
            raise NotText(f"{name} declares entities: skipped")
        try:
            return fromstring(data)
        except ParseError as error:
            raise NotText(f"{name} is not well-formed XML ({error}): skipped") from None

    if "META-INF/encryption.xml" in names:
        encrypted = [ref.get("URI", "") for ref in xml("META-INF/encryption.xml").iter()
                     if ref.tag.endswith("CipherReference")]
        if any(uri.lower().endswith((".xhtml", ".html", ".htm", ".xml")) for uri in encrypted):
            raise NotText("encrypted EPUB (DRM): skipped")
    rootfile = next((e.get("full-path") for e in xml("META-INF/container.xml").iter() if e.tag.endswith("rootfile")),
                    None)
    if not rootfile:
        raise NotText("EPUB without a package document (META-INF/container.xml names none): skipped")
    package = xml(rootfile)
    base = posixpath.dirname(rootfile)
    manifest = {e.get("id"): e for e in package.iter() if e.tag.endswith("}item")}
    order = [manifest[ref.get("idref")] for ref in package.iter()
             if ref.tag.endswith("}itemref") and ref.get("idref") in manifest]
    chapters = [posixpath.normpath(posixpath.join(base, unquote(item.get("href", "")))) for item in order
                if item.get("media-type") in ("application/xhtml+xml", "text/html")]

    def chunks() -> Iterator[str]:
        for name in chapters:
            if name not in names:
                raise NotText(f"EPUB spine names {name}, which is not inside: skipped")
            data = _member(archive, name).read()
            try:
                markup = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                markup = data.decode(_xml_declared(data) or "utf-8", errors="replace")
            from llmplan.tokens.html_text import HtmlText

            parser = HtmlText()
            parser.feed(markup)
            parser.close()
            text = parser.drain()
            yield text if text.endswith("\n") else text + "\n"

    return Document("epub", None, chunks())


def _xml_declared(data: bytes) -> str | None:
    found = re.match(rb"<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)", data)
    if found is None:
        return None
    import codecs

    try:
        return codecs.lookup(found.group(1).decode()).name
    except LookupError:
        return None
