"""Real documents built in the tests: a PDF written by hand (objects, content
streams, an xref table), DOCX and EPUB zips with the parts readers look for."""

from __future__ import annotations

import io
import zipfile


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def pdf(pages: list[list[str]]) -> bytes:
    """A PDF with one page per item, each line of text shown with Helvetica.
    A page with no lines has no text layer (as a scanned page)."""
    objects: list[bytes] = []
    n = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for i, lines in enumerate(pages):
        if lines:
            shown = " T* ".join(f"{_pdf_string(line)} Tj" for line in lines)
            stream = f"BT /F1 12 Tf 14 TL 72 720 Td {shown} ET".encode("latin-1")
        else:
            stream = b"q 0.5 g 72 72 400 600 re f Q"  # a grey box: ink, no text
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                       f"/Contents {5 + 2 * i} 0 R >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def encrypted_pdf(pages: list[list[str]], user_password: str) -> bytes:
    """The same PDF encrypted by pypdf (RC4-128: no crypto library needed)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(pages))))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(paragraphs: list[list[str]]) -> bytes:
    """A DOCX: each paragraph a list of runs; a run "\\t" is a tab."""
    body = []
    for runs in paragraphs:
        parts = []
        for run in runs:
            inner = "<w:tab/>" if run == "\t" else f'<w:t xml:space="preserve">{_xml(run)}</w:t>'
            parts.append(f"<w:r><w:rPr><w:b/></w:rPr>{inner}</w:r>")
        tab_stops = '<w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs>'  # a tab stop: layout, not text
        body.append(f"<w:p><w:pPr><w:pStyle w:val=\"Normal\"/>{tab_stops}</w:pPr>{''.join(parts)}</w:p>")
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}">'
                f"<w:body>{''.join(body)}<w:sectPr/></w:body></w:document>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml",
                         '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                         '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                         'officedocument.wordprocessingml.document.main+xml"/></Types>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                         'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        archive.writestr("word/document.xml", document)
    return out.getvalue()


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def epub(chapters: list[str], drm: bool = False) -> bytes:
    """An EPUB 3 whose spine lists the chapters (XHTML bodies) in order; the
    manifest lists them in reverse, so reading order must come from the spine."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml",
                         '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:'
                         'container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/'
                         'oebps-package+xml"/></rootfiles></container>')
        items = "".join(f'<item id="c{i}" href="text/ch%20{i}.xhtml" media-type="application/xhtml+xml"/>'
                        for i in reversed(range(len(chapters))))
        spine = "".join(f'<itemref idref="c{i}"/>' for i in range(len(chapters)))
        archive.writestr("OEBPS/content.opf",
                         '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
                         '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>KB</dc:title></metadata>'
                         f'<manifest><item id="css" href="style.css" media-type="text/css"/>{items}</manifest>'
                         f"<spine>{spine}</spine></package>")
        archive.writestr("OEBPS/style.css", "p { margin: 0 }")
        for i, body in enumerate(chapters):
            archive.writestr(f"OEBPS/text/ch {i}.xhtml",
                             '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/'
                             f'1999/xhtml"><head><title>Chapter {i}</title><style>p {{}}</style></head>'
                             f"<body>{body}</body></html>")
        if drm:
            archive.writestr("META-INF/encryption.xml",
                             '<?xml version="1.0"?><encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
                             'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:CipherData>'
                             '<enc:CipherReference URI="OEBPS/text/ch%200.xhtml"/></enc:CipherData>'
                             "</enc:EncryptedData></encryption>")
    return out.getvalue()
