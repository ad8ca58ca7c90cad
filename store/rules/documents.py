"""What a document in a child's record must be, and putting one there.

A document is a file an advocate or a caseworker gives the record (a school report, a photo, a
letter of introduction). Its type is read from its bytes, never from its name: casenotes keeps PDF,
JPEG, PNG, TIFF, HEIC, Word (.docx) and plain text, and says what anything else looks like. A name
that claims another type than the bytes (a PNG called report.pdf) is refused too, since the copy a
reader opens would be handed to the wrong program. The size limit and the kinds are the policy's.

``read_upload`` reads a file from this computer (checked by its size before it is read whole);
``store_document`` writes one into the record in the caller's unit of work (the document desk's
uploads and the advocacy desk's letters of introduction both use it).
"""

from __future__ import annotations

import hashlib
import io
import os
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from store.core.arguments import DIRECTION_CONTROLS, INVISIBLE, kind_of, shown
from store.core.errors import InvalidDocument
from store.core.policy import Policy
from store.db.models import Document, Person, Worker

FILE_NAME_MAX = 255  # documents.file_name
ACCEPTED = "PDF, JPEG, PNG, TIFF, HEIC, Word (.docx) and plain text"


@dataclass(frozen=True)
class FileType:
    content_type: str
    said: str               # how a sentence names it ("a PDF")
    extensions: frozenset[str]


PDF = FileType("application/pdf", "a PDF", frozenset({"pdf"}))
JPEG = FileType("image/jpeg", "a JPEG image", frozenset({"jpg", "jpeg", "jpe", "jfif"}))
PNG = FileType("image/png", "a PNG image", frozenset({"png"}))
TIFF = FileType("image/tiff", "a TIFF image", frozenset({"tif", "tiff"}))
HEIC = FileType("image/heic", "a HEIC photo", frozenset({"heic", "heif", "hif"}))
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "a Word document (.docx)", frozenset({"docx"}))
TEXT = FileType("text/plain", "plain text", frozenset({"txt", "text", "md", "csv", "log"}))
TYPES = (PDF, JPEG, PNG, TIFF, HEIC, DOCX, TEXT)
# ISO base media brands of HEIF/HEIC photos (what a phone's camera writes)
HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})


def file_type(content: bytes) -> FileType | None:
    """The accepted type these bytes are, or None."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if content[4:8] == b"ftyp" and content[8:12] in HEIF_BRANDS:
        return HEIC
    if content.startswith(b"PK\x03\x04"):
        return DOCX if _is_word_document(content) else None
    if b"\x00" not in content:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return TEXT
    return None


def _is_word_document(content: bytes) -> bool:
    """A .docx is a ZIP holding word/document.xml (only the archive's directory is read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "word/document.xml" in names and "[Content_Types].xml" in names


def looks_like(content: bytes) -> str:
    """What refused bytes seem to be, for the sentence (puremagic's guess by their signature)."""
    if content.startswith(b"PK\x03\x04"):  # puremagic calls any ZIP an Office document
        return "it looks like a ZIP archive (.zip), not a Word document"
    try:
        import puremagic

        matches = puremagic.magic_string(content[:8192])
    except Exception:  # puremagic raises for what it cannot place; any failure is simply "unknown"
        return "casenotes cannot tell what kind of file it is"
    for match in matches:
        name = str(match.name or "").strip()
        extension = str(match.extension or "").strip()
        if name:
            return f"it looks like {name}" + (f" ({extension})" if extension else "")
    return "casenotes cannot tell what kind of file it is"


def check_content(file_name: str, content: bytes, policy: Policy) -> FileType:
    """The type of a file about to be kept, or ``InvalidDocument`` with the reason."""
    if not content:
        raise InvalidDocument(f"“{file_name}” is empty. Nothing was saved.")
    if len(content) > policy.documents.max_bytes:
        raise InvalidDocument(_too_large(file_name, len(content), policy.documents.max_bytes))
    found = file_type(content)
    if found is None:
        raise InvalidDocument(f"“{file_name}” is not a kind of file casenotes keeps: {looks_like(content)}. "
                              f"casenotes keeps {ACCEPTED}. Nothing was saved.")
    extension = extension_of(file_name)
    claimed = next((each for each in TYPES if extension in each.extensions), None)
    if claimed is not None and claimed is not found:
        raise InvalidDocument(f"“{file_name}” is named as {claimed.said}, but it is {found.said}: the program that "
                              "opens it would not read it. Rename it to what it is, or choose the right file. "
                              "Nothing was saved.")
    if extension and claimed is None:  # a copy named .html or .sh would be run, not read, where it is opened
        raise InvalidDocument(f"“{file_name}” is {found.said}, but its name ends in .{extension}: the program that "
                              f"opens a copy would take it for something else. Rename it to end in "
                              f".{min(found.extensions, key=len) if found is not TEXT else 'txt'}. Nothing was saved.")
    return found


def copy_name(file_name: str, content: bytes) -> str:
    """The name a copy of a kept document is written under, its bytes checked again as at upload: a row
    written by raw SQL on the agency server (whose database does not read file types) is never written
    out under a name a viewer would run (.sh, .desktop, .html) or as a type its bytes are not."""
    name = clean_file_name(file_name)
    found = file_type(content) if content else None
    if found is None:
        raise InvalidDocument(f"“{name}” is not a kind of file casenotes keeps ({looks_like(content)}), so casenotes "
                              "writes no copy of it; tell the agency's administrator.")
    extension = extension_of(name)
    if extension and extension not in found.extensions:
        raise InvalidDocument(f"“{name}” is {found.said}, but its name ends in .{extension}, so casenotes writes no "
                              "copy of it (a viewer would take it for something else); tell the agency's "
                              "administrator.")
    return kept_name(name, found)


def extension_of(file_name: str) -> str:
    """What a name ends in after its last dot, when that reads as a file type ("pdf", "docx"; not the
    "2" of "Report v1.2"), lower case; else ""."""
    stem, dot, extension = file_name.rpartition(".")
    if not dot or not stem or not extension.isalnum() or extension.isdigit() or len(extension) > 5:
        return ""
    return extension.lower()


def kept_name(file_name: str, found: FileType) -> str:
    """The name a document is kept under: as given, with its type's extension added when it has none
    (a scan called "report" is kept as "report.pdf"), so that a copy opens in the right program."""
    if extension_of(file_name):
        return file_name
    extension = {PDF: "pdf", JPEG: "jpg", PNG: "png", TIFF: "tiff", HEIC: "heic", DOCX: "docx", TEXT: "txt"}[found]
    return clean_file_name(f"{file_name}.{extension}")


def _too_large(file_name: str, size: int, most: int) -> str:
    return (f"“{file_name}” is {megabytes(size)}; casenotes keeps files of at most {megabytes(most)}. "
            "Nothing was saved.")


def megabytes(size: int) -> str:
    """A size as a caseworker reads it: 25 MB, 1.2 MB, 340 KB, 12 bytes."""
    if size >= 1024 * 1024:
        value = size / (1024 * 1024)
        return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} byte" + ("" if size == 1 else "s")


def clean_file_name(value: Any) -> str:
    """The name a document is kept under: its last path part, without control or direction
    characters, at most 255 characters (the extension kept)."""
    if not isinstance(value, str):
        raise InvalidDocument(f"A document's file name is text, and casenotes was given {kind_of(value)}.")
    name = value.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char) not in INVISIBLE
                   and char not in DIRECTION_CONTROLS).strip()
    if name in ("", ".", ".."):
        raise InvalidDocument(f"A document needs a file name, and {shown(value)} gives none. Nothing was saved.")
    if len(name) > FILE_NAME_MAX:
        _, dot, extension = name.rpartition(".")
        keep = "." + extension if dot and len(extension) <= 10 else ""
        name = name[:FILE_NAME_MAX - len(keep) - 1].rstrip() + "…" + keep
    return name


def check_kind(kind: Any, policy: Policy) -> str:
    if not isinstance(kind, str):
        raise InvalidDocument(f"A document's kind is text, and casenotes was given {kind_of(kind)}.")
    if kind not in policy.document_kinds:
        raise InvalidDocument(f"{shown(kind)} is not a kind of document in the agency's list; choose one of: "
                              + "; ".join(policy.document_kinds) + ". Nothing was saved.")
    return kind


def read_upload(path: Any, max_bytes: int | None = None) -> tuple[str, bytes]:
    """The name and bytes of a file on this computer to be uploaded; refused (``InvalidDocument``)
    when there is no such file, it is a folder, unreadable, empty or larger than ``max_bytes`` (the
    agency policy's limit when not given) — its size is checked before it is read."""
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise InvalidDocument(f"A file to upload is given by its path, and casenotes was given {kind_of(path)}.")
    try:
        where = Path(path).expanduser()
    except (TypeError, ValueError, RuntimeError):
        raise InvalidDocument(f"{shown(str(path))} is not a path to a file.") from None
    most = Policy.load().documents.max_bytes if max_bytes is None else max_bytes
    try:
        if not where.exists():
            raise InvalidDocument(f"There is no file at {where}. Check the path and try again.")
        if where.is_dir():
            raise InvalidDocument(f"{where} is a folder; choose a file in it.")
        size = where.stat().st_size
    except (OSError, ValueError) as error:  # a name the system refuses, a folder one may not enter
        raise InvalidDocument(f"casenotes cannot read {where}: {_reason(error)}.") from None
    if size == 0:
        raise InvalidDocument(f"“{where.name}” is empty. Nothing was saved.")
    if size > most:
        raise InvalidDocument(_too_large(where.name, size, most))
    try:
        with where.open("rb") as file:
            content = file.read(most + 1)  # a file still growing is not read past the limit
    except OSError as error:
        raise InvalidDocument(f"casenotes cannot read {where}: {_reason(error)}.") from None
    if not content:
        raise InvalidDocument(f"“{where.name}” is empty. Nothing was saved.")
    if len(content) > most:
        raise InvalidDocument(_too_large(where.name, len(content), most))
    return where.name, content


def _reason(error: Exception) -> str:
    if isinstance(error, PermissionError):
        return "you do not have permission to read it"
    return (getattr(error, "strerror", None) or str(error) or "the system refused").rstrip(".").lower()


def store_document(session: Session, *, case_id: int, child_id: int, kind: str, file_name: str, content: bytes,
                   by: Worker | int, now: datetime, policy: Policy) -> Document:
    """Check and write a document into a child's record, in the caller's transaction (who may
    upload is the caller's rule). The child must be a child of the case."""
    kind = check_kind(kind, policy)
    file_name = clean_file_name(file_name)
    if not isinstance(content, bytes):
        raise InvalidDocument(f"A document's content is bytes, and casenotes was given {kind_of(content)}.")
    found = check_content(file_name, content, policy)
    file_name = kept_name(file_name, found)
    child = session.get(Person, child_id)
    if child is None or child.case_id != case_id or not child.is_child:
        raise InvalidDocument("Documents are kept in a child's record, and that person is not a child of this "
                              "family's case. Nothing was saved.")
    document = Document(case_id=case_id, person_id=child_id, kind=kind, file_name=file_name, content=content,
                        sha256=hashlib.sha256(content).hexdigest(), size=len(content),
                        content_type=found.content_type, uploaded_at=now,
                        uploaded_by_id=by if isinstance(by, int) else by.id)
    session.add(document)
    session.flush()
    return document
