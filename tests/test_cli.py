"""The casenotes command: demo creation, and --user only on a demo database."""

import pytest

from store import Store
from tui.cli import main as cli, sign_in


def test_demo_no_open_creates_a_demo_database_once(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert cli.main(["--db", url, "demo", "--seed", "2", "--scale", "0.15", "--no-open"]) == 0
    store = Store.open(url)
    staff_before = [w.login for w in store.staff()]
    assert store.is_demo and len(staff_before) >= 10
    assert cli.main(["--db", url, "demo", "--no-open"]) == 0  # kept, not generated again
    assert [w.login for w in store.staff()] == staff_before
    assert "creating the demo agency" in capsys.readouterr().out


def test_the_demo_leaves_a_letter_and_a_school_report_to_upload(tmp_path):
    from store.core.policy import Policy
    from store.rules.documents import check_content, read_upload

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert cli.main(["--db", url, "demo", "--seed", "2", "--scale", "0.15", "--no-open"]) == 0
    files = sorted(p.name for p in (tmp_path / "demo-files").iterdir())
    assert files == ["letter-of-introduction.txt", "school-report.txt"]
    for name in files:  # each is a file a child's record accepts
        file_name, content = read_upload(tmp_path / "demo-files" / name)
        assert check_content(file_name, content, Policy.defaults()) is not None


@pytest.fixture
def real_agency(tmp_path):
    """URL of a (non-demo) agency database with one caseworker, cw."""
    url = f"sqlite:///{tmp_path / 'agency.db'}"
    Store.open(url).staffing().add_worker("cw", "Cara Worker", "Caseworker")
    return url


def test_user_flag_is_refused_on_a_real_database(real_agency, capsys):
    assert cli.main(["--db", real_agency, "--user", "cw"]) == 2
    assert "only on a demo database" in capsys.readouterr().err


def test_unknown_login_is_told_to_ask_for_access(tmp_path, capsys, monkeypatch):
    url = f"sqlite:///{tmp_path / 'agency.db'}"
    Store.open(url)
    monkeypatch.setattr(sign_in, "os_login", lambda: "nobody-here")
    assert cli.main(["--db", url]) == 2
    assert "no active casenotes user with the login 'nobody-here'" in capsys.readouterr().err


def test_demo_refuses_a_real_agency_database(real_agency, capsys):
    assert cli.main(["--db", real_agency, "demo", "--no-open"]) == 2
    assert "real agency" in capsys.readouterr().err


def test_sign_in_name_comes_from_the_user_id_not_the_environment(monkeypatch):
    import pwd

    monkeypatch.setenv("USER", "supa")
    monkeypatch.setenv("LOGNAME", "supa")
    assert sign_in.os_login() == pwd.getpwuid(__import__("os").getuid()).pw_name != "supa"


def test_a_bad_policy_file_stops_the_command_with_its_reason(tmp_path, capsys, monkeypatch):
    policy = tmp_path / "policy.toml"
    policy.write_text('[clock]\nreview = { amount = 5, unit = "weeks" }\n')
    monkeypatch.setenv("CASENOTES_POLICY", str(policy))
    db = tmp_path / "agency.db"
    assert cli.main(["--db", f"sqlite:///{db}"]) == 2
    assert "clock.review has the unit 'weeks'" in capsys.readouterr().err
    assert not db.exists()  # nothing was opened or created on a policy it could not read


def test_policy_command_reads_the_clock_back_in_words(capsys, monkeypatch, tmp_path):
    from datetime import datetime, timezone

    from store import FrozenClock
    from tui.cli.policy import run_policy

    class Args:
        preset = "washington"

    assert run_policy(Args(), FrozenClock(datetime(2026, 11, 23, 15, tzinfo=timezone.utc))) == 0
    out = capsys.readouterr().out
    assert "Record each contact within 10 days of the event." in out
    assert "  Caseworker/Child Contact: within 3 days." in out
    assert "reviews within 2 business days" in out
    assert "Case plans: the first within 60 days of the case opening or a child's entry into care, reviewed every " \
        "6 months." in out
    assert "A plan element no submitted or approved note has discussed for more than 30 days is flagged" in out
    assert "  Fri 11/27/2026  Native American Heritage Day" in out  # Washington's, not New York's
    monkeypatch.setenv("CASENOTES_POLICY", str(tmp_path / "missing.toml"))
    assert cli.main(["policy"]) == 0  # no agency file: the shipped defaults
    assert "Record each contact within 72 hours of the event." in capsys.readouterr().out
    assert cli.main(["policy", "--preset", "ohio"]) == 2
    assert "no policy preset called 'ohio'" in capsys.readouterr().err


# --demo: the demo database in the data directory, from any sub-command


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """casenotes' data directory (where `casenotes demo` puts demo.db), empty, inside tmp_path."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data" / "casenotes"


@pytest.fixture
def demo_in_data_dir(demo_db, data_dir):
    import shutil

    data_dir.mkdir(parents=True)
    shutil.copy(demo_db, data_dir / "demo.db")
    return data_dir / "demo.db"


def test_demo_flag_runs_a_sub_command_on_the_demo_database(demo_in_data_dir, capsys):
    supervisor = next(w.login for w in Store.open(f"sqlite:///{demo_in_data_dir}").staff()
                      if w.title == "Casework Supervisor")
    assert cli.main(["--demo", "--user", supervisor, "timeliness", "--days", "30"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Timeliness ") and "Unit total" in out
    assert cli.main(["--demo", "--user", supervisor, "search", "school", "--limit", "3"]) == 0
    assert " · school" in capsys.readouterr().out


def test_demo_flag_without_user_says_who_one_may_be(demo_in_data_dir, capsys, monkeypatch):
    monkeypatch.setattr(sign_in, "os_login", lambda: "root")
    assert cli.main(["--demo", "search", "foo"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("casenotes: There is no active casenotes user with the login 'root'. On the demo, say who "
                          "you are with --user, e.g. --user ")
    assert "(Casework Supervisor) or --user " in err and "(Caseworker)." in err


def test_demo_flag_opens_the_app_on_the_demo_with_the_staff_picker(demo_in_data_dir, monkeypatch):
    started = []
    monkeypatch.setattr(cli, "_run_app", lambda store, login: started.append((store.url, login)) or 0)
    assert cli.main(["--demo"]) == 0
    assert started == [(f"sqlite:///{demo_in_data_dir}", None)]


def test_demo_flag_before_the_demo_exists(data_dir, capsys):
    assert cli.main(["--demo", "timeliness"]) == 2
    assert capsys.readouterr().err == ("casenotes: there is no demo database yet; make it with `casenotes demo` "
                                       "(or `make demo`).\n")
    assert not data_dir.exists()


def test_demo_flag_and_db_are_one_or_the_other(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["--demo", "--db", "sqlite:///x.db", "search", "foo"])
    assert exited.value.code == 2
    assert "argument --db: not allowed with argument --demo" in capsys.readouterr().err


def test_a_login_unknown_to_the_default_database_is_pointed_to_the_demo(demo_in_data_dir, capsys, monkeypatch):
    monkeypatch.setattr(sign_in, "os_login", lambda: "root")
    assert cli.main(["timeliness"]) == 2
    assert capsys.readouterr().err == (
        "casenotes: There is no active casenotes user with the login 'root'. To use the demo agency instead, add "
        "--demo and a demo login: `casenotes --demo --user LOGIN timeliness`; otherwise ask your administrator to "
        "add you.\n")


def test_without_a_demo_an_unknown_login_is_told_to_ask_for_access(data_dir, capsys, monkeypatch):
    monkeypatch.setattr(sign_in, "os_login", lambda: "root")
    assert cli.main(["search", "foo"]) == 2
    assert capsys.readouterr().err.endswith("login 'root'. Ask your administrator to add you.\n")


def test_a_reader_that_stops_early_ends_the_command_quietly(monkeypatch, tmp_path):
    """`casenotes … | head`: the pipe closes under the output; no traceback, the usual status 141."""
    class ClosedPipe:
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setenv("CASENOTES_POLICY", str(tmp_path / "missing.toml"))
    monkeypatch.setattr("sys.stdout", ClosedPipe())
    assert cli.main(["policy"]) == 141
