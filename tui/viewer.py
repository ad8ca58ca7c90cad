"""Opening a copy of a document in the system's viewer, where this computer has one.

casenotes writes the copy first (``Desk.save_document_copy``); the viewer is a convenience on top: a
terminal on a server has none, and then the person is told where the copy is. Never an error."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

NO_VIEWER = "CASENOTES_NO_VIEWER"  # set (tests, a shared terminal): never start one


def viewer_command() -> list[str] | None:
    """The program that opens a file with its usual application: open (macOS), xdg-open (Linux, with a
    desktop), or None."""
    if os.environ.get(NO_VIEWER):
        return None
    if sys.platform == "darwin":
        return ["open"] if shutil.which("open") else None
    if sys.platform.startswith("win"):
        return None  # os.startfile: not a platform casenotes is run on today
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return None  # xdg-open without a desktop would start a text browser in this very terminal
    found = shutil.which("xdg-open")
    return [found] if found else None


def open_in_viewer(path: Path) -> bool:
    """Start the system's viewer on the file, detached; whether one was started."""
    command = viewer_command()
    if command is None:
        return False
    try:
        subprocess.Popen([*command, str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        return False
    return True
