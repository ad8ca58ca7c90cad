"""Who is running a command: the one sign-in every command uses (the app, search, timeliness)."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

import platformdirs


def sign_in(args):
    """(store, login) for the user running this command, or None after saying why not."""
    from store import Store, StoreError

    store = Store.open(args.db)
    if args.user and not store.is_demo:
        print("casenotes: --user works only on a demo database; you are signed in as your own login.",
              file=sys.stderr)
        return None
    login = args.user or os_login()
    try:
        store.as_user(login)
    except StoreError as error:
        print(f"casenotes: {error} {_who_to_be(args, store)}", file=sys.stderr)
        return None
    return store, login


def _who_to_be(args, store) -> str:
    """What to do when the login is not a worker here: on a demo, say who one may be; on the default
    database while a demo exists, point to it; otherwise, ask for access."""
    if store.is_demo:
        return f"On the demo, say who you are with --user, e.g. {_example_logins(store)}."
    if args.db is None and demo_path().is_file():
        command = " ".join(["casenotes --demo --user LOGIN", *([args.command] if args.command else [])])
        return (f"To use the demo agency instead, add --demo and a demo login: `{command}`; otherwise ask "
                "your administrator to add you.")
    return "Ask your administrator to add you."


def _example_logins(store) -> str:
    """A supervisor's and a caseworker's login on this database, as --user examples."""
    staff = store.staff()
    picks = [next((w for w in staff if word in w.title), None) for word in ("Supervisor", "Caseworker")]
    return " or ".join(f"--user {w.login} ({w.title})" for w in picks if w) or "--user LOGIN"


def os_login() -> str:
    """The operating system's name for this user, from the user id, not from $USER (which anyone can set)."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):  # not POSIX, or a uid without a name
        return getpass.getuser()


def demo_path() -> Path:
    """Where `casenotes demo` keeps the demo agency."""
    return Path(platformdirs.user_data_dir("casenotes")) / "demo.db"


def demo_url() -> str:
    return f"sqlite:///{demo_path()}"
