"""A court record's file: its name, writing it without overwriting another, and reading its manifest
back (from the PDF's embedded ``court-record-manifest.json`` or the Markdown's marked JSON block)."""

from __future__ import annotations

import re
from pathlib import Path

from store.core.court_results import MANIFEST_FILE, CourtManifest, CourtRecord
from tui.export.court_md import MARKER


class NoManifest(Exception):
    """The file holds no court record manifest (the sentence says why)."""


def file_name(record: CourtRecord, extension: str) -> str:
    h = record.header
    family = re.sub(r"[^\w-]+", "-", h.family_name).strip("-") or "family"
    child = f"-child-{h.child_id}" if h.child_id else ""
    return f"court-record-{family}-{h.case_id}{child}-{h.produced_at:%Y-%m-%d}.{extension}"


def write_new(folder: Path, name: str, content: bytes) -> Path:
    """``folder/name``, or "name (2).ext"… if taken: never over an existing file."""
    stem, _, extension = name.rpartition(".")
    for number in range(1, 1000):
        path = folder / (name if number == 1 else f"{stem} ({number}).{extension}")
        try:
            with path.open("xb") as out:
                out.write(content)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"{folder} holds too many court records named {name}")


def read_manifest(path: Path) -> CourtManifest:
    """The manifest a court record file carries: ``NoManifest`` when it carries none, ``InvalidRequest``
    (a store error) when it carries a broken one, ``OSError`` when the file cannot be read."""
    content = path.read_bytes()
    if content.startswith(b"%PDF"):
        return CourtManifest.from_json(_pdf_manifest(path))
    text = content.decode("utf-8", errors="replace")
    at = text.find(MARKER)
    block = re.search(r"```json\n(.*?)\n```", text[at:], re.S) if at >= 0 else None
    if block is None:
        raise NoManifest(f"{path} holds no court record manifest: it is not a court record casenotes wrote, or "
                         "its manifest was removed.")
    return CourtManifest.from_json(block.group(1))


def _pdf_manifest(path: Path) -> str:
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repairs of a damaged file are said below, once
    try:
        attachments = PdfReader(path).attachments
        found = attachments.get(MANIFEST_FILE)
    except Exception as error:  # a damaged file from outside can fail the parser anywhere
        raise NoManifest(f"{path} is not a PDF casenotes can read ({error}).") from None
    if not found:
        raise NoManifest(f"{path} holds no court record manifest: it is not a court record casenotes wrote, or "
                         "its manifest was removed.")
    return found[0].decode("utf-8", errors="replace")
