"""Who is running a command: the one sign-in every command uses (the app, search, timeliness)."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

import platformdirs


def sign_in(args):
    """(store, login) for the user running this command, or None after saying why not.

    Who you are: on a demo, ``--user``; on the agency server (PostgreSQL), the database user you
    connected as (the URL's, a service file's, ``PGUSER``), mapped to its worker by the store; on a
    SQLite file, your operating-system login."""
    from store import Store, StoreError

    store = Store.open(args.db)
    if args.user and not store.is_demo:
        yourself = ("the database user you connect as (--db postgresql://you@host/dbname, PGUSER or a service "
                    "file)" if store.has_database_users else "your own login")
        print(f"casenotes: --user works only on a demo database; here you are signed in as {yourself}.",
              file=sys.stderr)
        store.close()
        return None
    try:
        if args.user:
            login = args.user
            store.as_user(login)
        elif store.has_database_users:
            login = store.signed_in().login
        else:
            login = os_login()
            store.as_user(login)
    except StoreError as error:
        advice = _who_to_be(args, store)
        print(f"casenotes: {error}{' ' + advice if advice else ''}", file=sys.stderr)
        store.close()
        return None
    return store, login


def _who_to_be(args, store) -> str:
    """What to do when the login is not a worker here: on a demo, say who one may be; on the default
    database while a demo exists, point to it; otherwise, ask for access."""
    if store.is_demo:
        return f"On the demo, say who you are with --user, e.g. {_example_logins(store)}."
    if store.has_database_users:  # the store's sentence already says whom to ask
        return ""
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
