"""Small real files of each kind casenotes keeps (their first bytes are what the type is read from),
and some it refuses, for the documents' tests."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib


def pdf() -> bytes:
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32 + b"\xff\xd9"


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
            + chunk(b"IEND", b""))


def tiff() -> bytes:
    return b"II*\x00\x08\x00\x00\x00" + b"\x00\x00" + b"\x00" * 16


def heic() -> bytes:
    return struct.pack(">I", 24) + b"ftypheic" + b"\x00\x00\x00\x00" + b"mif1heic" + b"\x00" * 32


def _zip(files: dict[str, str]) -> bytes:
    """The same bytes whenever made: a member's time is fixed, not the clock's (the samples name
    parametrised tests, which every pytest-xdist worker must collect alike)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 2, 3, 4, 5)), content)
    return buffer.getvalue()


def docx() -> bytes:
    return _zip({"[Content_Types].xml": '<?xml version="1.0"?><Types/>',
                 "word/document.xml": '<?xml version="1.0"?><w:document/>'})


def text() -> bytes:
    return "School report, autumn term.\nJay reads well above his grade — well done.\n".encode()


def zip_archive() -> bytes:
    return _zip({"notes.txt": "not a Word document"})


def gif() -> bytes:
    return b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + b"\x00" * 20


def executable() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56


ACCEPTED = {  # file name → (bytes, content type)
    "report.pdf": (pdf(), "application/pdf"),
    "photo.jpg": (jpeg(), "image/jpeg"),
    "chart.png": (png(), "image/png"),
    "scan.tiff": (tiff(), "image/tiff"),
    "photo.heic": (heic(), "image/heic"),
    "portfolio.docx": (docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "school report.txt": (text(), "text/plain"),
}
