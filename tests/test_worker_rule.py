"""The worker rule of tui/ (issue 15, item 1), read from the source: a worker reads or writes through
the desk and posts a message; it never calls into a screen (no ``call_from_thread``), never sets a
screen's state, and a failure of it is said by the one handler (``exit_on_error=False`` everywhere,
``SaysWorkerFailures`` mixed into each class that runs workers)."""

import ast
from pathlib import Path

TUI = Path(__file__).resolve().parent.parent / "tui"


def _sources():
    for path in sorted(TUI.rglob("*.py")):
        yield path.relative_to(TUI.parent), ast.parse(path.read_text(encoding="utf-8"))


def _workers(tree):
    """(class, function, the @work call) of every method decorated with @work(...)."""
    for cls in (node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)):
        for function in (node for node in cls.body if isinstance(node, ast.FunctionDef)):
            for decorator in function.decorator_list:
                if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", None) == "work":
                    yield cls, function, decorator


def test_no_worker_calls_into_the_ui_thread():
    found = [f"{path}:{node.lineno}" for path, tree in _sources() for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and node.attr == "call_from_thread"]
    assert found == []


def test_no_worker_sets_state_of_its_screen_or_app():
    found = []
    for path, tree in _sources():
        for cls, function, _ in _workers(tree):
            for node in ast.walk(function):
                targets = node.targets if isinstance(node, ast.Assign) else (
                    [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else [])
                found += [f"{path}:{node.lineno} {cls.name}.{function.name}: {ast.unparse(t)}"
                          for t in targets if ast.unparse(t).startswith("self.")]
    assert found == []


def test_every_worker_leaves_its_failure_to_the_one_handler():
    not_off, not_said = [], []
    for path, tree in _sources():
        for cls, function, call in _workers(tree):
            settings = {k.arg: ast.unparse(k.value) for k in call.keywords}
            if settings.get("exit_on_error") != "False":
                not_off.append(f"{path}:{function.lineno} {cls.name}.{function.name}")
            if "SaysWorkerFailures" not in {ast.unparse(base) for base in cls.bases}:
                not_said.append(f"{path} {cls.name}")
    assert not_off == [] and sorted(set(not_said)) == []


def test_worker_messages_live_in_one_module_and_go_to_their_node_only():
    import tui.messages as messages
    from textual.message import Message

    kinds = [v for v in vars(messages).values()
             if isinstance(v, type) and issubclass(v, Message) and v is not Message]
    assert len(kinds) > 30 and all(kind.bubble is False for kind in kinds)
    elsewhere = [f"{path}:{node.lineno} {node.name}" for path, tree in _sources() if str(path) != "tui/messages.py"
                 and not str(path).startswith("tui/widgets/")  # a widget's own events (Picklist.Changed…)
                 for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
                 and any(ast.unparse(base) == "Message" for base in node.bases)]
    assert elsewhere == []


# -- the rule at work ---------------------------------------------------------------------------------

def _open_deadlines_with(demo_store, tmp_path, monkeypatch, failure):
    import asyncio

    from store.desks.desk import Desk
    from tests.test_flows import first_caseworker, open_app
    from tests.test_tui import settle

    def fail(self):
        raise failure

    monkeypatch.setattr(Desk, "my_deadlines", fail)

    async def run():
        app = open_app(demo_store, first_caseworker(demo_store), tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.action_deadlines()
            await settle(pilot)
            return app.is_running, [n.message for n in app._notifications], type(app.screen).__name__

    return asyncio.run(run())


def test_a_worker_the_store_refuses_says_the_stores_sentence(demo_store, tmp_path, monkeypatch):
    """The staff picker's read had no refusal of its own: a busy database ended the app."""
    import asyncio

    from store import DatabaseBusy
    from store.service import Store
    from tests.test_tui import settle
    from tui.app import CasenotesApp

    def busy(self):
        raise DatabaseBusy()

    monkeypatch.setattr(Store, "staff", busy)

    async def run():
        app = CasenotesApp(demo_store, None, home=tmp_path, indexing=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            return app.is_running, [n.message for n in app._notifications], type(app.screen).__name__

    running, said, shown = asyncio.run(run())
    assert running and shown == "StaffPickerScreen"
    assert said == [str(DatabaseBusy())]
    assert not (tmp_path / "casenotes.log").exists()


def test_a_worker_that_breaks_says_a_sentence_and_logs_the_traceback_without_ending_the_app(
        demo_store, tmp_path, monkeypatch):
    running, said, shown = _open_deadlines_with(demo_store, tmp_path, monkeypatch, RuntimeError("the bug"))
    assert running and shown == "DeadlinesScreen"  # the app used to end with a traceback (WorkerFailed)
    [sentence] = said
    assert "Something went wrong" in sentence and "casenotes.log" in sentence and "the bug" not in sentence
    log = (tmp_path / "casenotes.log").read_text()
    assert "a worker failed" in log and "RuntimeError: the bug" in log and "my_deadlines" in log


def test_the_palette_asks_the_database_nothing_as_keys_are_typed(demo_store, tmp_path, monkeypatch):
    """The palette's commands are listed on every key; whether this is the demo (for "Switch demo
    user") was read from the database each time, on the UI thread. It is read once, at sign-in."""
    import asyncio

    from store.service import Store
    from tests.test_flows import first_caseworker, open_app
    from tests.test_tui import settle
    from tui.palette import CasenotesCommands

    async def run():
        app = open_app(demo_store, first_caseworker(demo_store), tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            asked = []
            monkeypatch.setattr(Store, "meta", lambda self, key: asked.append(key))
            names = [name for name, _, _ in CasenotesCommands(app.screen)._fixed()]
            return names, asked

    names, asked = asyncio.run(run())
    assert "Switch demo user" in names and asked == []
