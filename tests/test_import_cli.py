"""``casenotes import DIR`` / ``export DIR`` / ``demo --export DIR`` on the command line: the report,
the exit codes (0 all well, 1 rows refused, 2 cannot open) and a progress bar only on a terminal."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from store import FrozenClock, Store
from tui.cli.main import main
from tui.cli.transfer import Bar

from conftest import T0, build_agency
from test_import_export import GOOD, rows_in, write


def _agency(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'agency.db'}"
    store = Store.open(url, clock=FrozenClock(T0))
    build_agency(store)
    store.close()
    return url


def test_export_then_check_then_apply_then_nothing_to_do(tmp_path, capsys):
    source, target = _agency(tmp_path), f"sqlite:///{tmp_path / 'new.db'}"
    assert main(["--db", source, "export", str(tmp_path / "files")]) == 0
    assert "exported to" in capsys.readouterr().out
    assert main(["--db", target, "import", str(tmp_path / "files")]) == 0
    out = capsys.readouterr().out
    assert "(checked only, nothing written)" in out
    assert "  stages.csv             5          0        0        0" in out
    assert "All rows pass. Run again with --apply to write these 33 records." in out
    assert main(["--db", target, "import", str(tmp_path / "files"), "--apply"]) == 0
    assert "Written in one transaction: 33 records added or changed." in capsys.readouterr().out
    assert main(["--db", target, "import", str(tmp_path / "files"), "--apply"]) == 0
    out = capsys.readouterr().out
    assert "  roles.csv              0          7        0        0" in out
    assert "Nothing to do: every record is already as the files say." in out


def test_refused_rows_are_listed_and_exit_1_with_nothing_written(tmp_path, capsys):
    folder = write(tmp_path / "files", {"persons.csv": ("2016-05-14", "2027-05-14"),
                                        "staff.csv": ("U1,W2,\n", "U1,W99,\n")})
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert main(["--db", url, "import", str(folder), "--apply"]) == 1
    out = capsys.readouterr().out
    assert "Refused (3):" in out  # W3 and W4 both report to W99
    assert "  staff.csv, line 4: the supervisor W99 is not in staff.csv nor imported before." in out
    assert ("  persons.csv, line 2: the birth date 05/14/2027 is still to come; a birth date is today or earlier."
            in out)
    assert "Nothing was written. Correct the rows above and run the import again." in out
    assert rows_in(Store.open(url))["workers"] == 0


def test_a_folder_that_cannot_be_read_exits_2(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert main(["--db", url, "import", str(tmp_path / "nowhere")]) == 2
    assert "is not a folder casenotes can read. Nothing was written." in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["--db", url, "import", str(tmp_path / "empty")]) == 2
    assert "holds none of the import files" in capsys.readouterr().err
    assert main(["--db", f"sqlite:///{tmp_path}", "import", str(tmp_path / "empty")]) == 2  # a folder, no database


def test_no_progress_bar_when_not_on_a_terminal(tmp_path):
    folder = write(tmp_path / "files")
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    done = subprocess.run([sys.executable, "-m", "tui.cli", "--db", f"sqlite:///{tmp_path / 'new.db'}", "import",
                           str(folder), "--apply"], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "importing [" not in done.stderr and "\r" not in done.stdout + done.stderr
    assert "Written in one transaction: 12 records added or changed." in done.stdout


def test_the_progress_bar_redraws_in_place_and_ends_its_line():
    out = io.StringIO()
    bar = Bar(out)
    for done in range(1, 101):
        bar(done, 100)
    bar.done()
    text = out.getvalue()
    assert text.startswith("\rimporting [") and text.endswith("] 100/100\n")
    assert text.count("\r") == 31  # the empty bar, then once per step of it: not once per row


def test_demo_export_writes_sample_files(demo_db, tmp_path, capsys):
    import shutil

    copy = tmp_path / "demo.db"
    shutil.copy(demo_db, copy)
    assert main(["--db", f"sqlite:///{copy}", "demo", "--export", str(tmp_path / "sample")]) == 0
    assert "exported to" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "sample").iterdir()) == sorted(GOOD)
    header = (tmp_path / "sample" / "staff.csv").read_text().splitlines()[0]
    assert header.startswith("worker_id,login,name,title,employer")
