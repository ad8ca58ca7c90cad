"""The layers stay apart at run time too: importing store/ pulls in nothing above it, and the
``casenotes`` command answers ``--help`` without loading the app, the database layer or Whoosh."""

import subprocess
import sys

HEAVY = ("textual", "tui.app", "search", "whoosh", "sqlalchemy", "store", "alembic")


def _loaded_after(code: str) -> list[str]:
    probe = (f"import sys\n{code}\n"
             f"print(sorted({{m.split('.')[0] if m.split('.')[0] != 'tui' else m for m in sys.modules}}))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return eval(result.stdout.strip().splitlines()[-1])


def test_store_imports_without_search_tui_or_textual():
    loaded = _loaded_after("import store, demo.agency, store.staffing")
    assert {"textual", "tui", "search", "whoosh"}.isdisjoint(loaded), loaded


def test_casenotes_help_loads_neither_the_app_nor_the_database():
    loaded = _loaded_after("from tui.cli.main import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass")
    assert "usage" not in loaded
    assert not [m for m in loaded if m in HEAVY], loaded
