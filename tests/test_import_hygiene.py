"""store/ stands alone: importing it must not pull in the layers above it or Textual."""

import subprocess
import sys


def test_store_imports_without_search_tui_or_textual():
    code = ("import sys, store, demo.agency; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'tui', 'search', 'whoosh')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
