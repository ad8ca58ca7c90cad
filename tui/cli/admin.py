"""``casenotes admin``: the agency server's owner sets the database up and gives workers their sign-ins.

Run connected as the database's owner or a superuser (``--db postgresql://owner@host/dbname``):
``init`` creates or upgrades the schema and the roles (again after every upgrade); ``logins`` makes a
database user for every active worker without one (after an import) and takes LOGIN from deactivated
workers'; ``add-login LOGIN`` / ``end-login LOGIN`` do it for one worker; ``notify`` is the server's sweep (every
worker's newly overdue corrections and reviews and absence cut-offs tomorrow, each once) and the
e-mail of what is new through the policy's relay, for cron every few minutes: a worker's own
connection reads only their own notifications, so on the server the owner e-mails everyone's. Each prints what it did in
sentences; a refusal prints its sentence, changes nothing, and exits 2.
"""

from __future__ import annotations

import sys


def add_admin_commands(commands) -> None:
    admin = commands.add_parser("admin", help="set up a PostgreSQL agency server and workers' sign-ins "
                                "(the database's owner)")
    actions = admin.add_subparsers(dest="admin_command", required=True)
    init = actions.add_parser("init", help="create or upgrade the schema, the owner and workers' roles (idempotent)")
    logins = actions.add_parser("logins", help="a database user for every active worker without one; LOGIN "
                                "taken from deactivated workers'")
    add = actions.add_parser("add-login", help="give one worker their database user (or LOGIN back)")
    add.add_argument("login", help="the worker's casenotes login")
    end = actions.add_parser("end-login", help="take LOGIN from one worker's database user (it is kept)")
    end.add_argument("login", help="the worker's casenotes login")
    notify = actions.add_parser("notify", help="every worker's new notifications (overdue corrections and reviews, "
                                "absence cut-offs), and their e-mail through the policy's relay (for cron)")
    for action in (init, logins, add, end, notify):
        # As in the README (`casenotes admin init --db URL`), besides before the sub-command.
        action.add_argument("--db", dest="admin_db", help="the agency's PostgreSQL database, as its owner")


def run_admin(args) -> int:
    from store import Store, StoreError

    url = getattr(args, "admin_db", None) or args.db
    if url is None:
        print("casenotes: say which agency database with --db postgresql://owner@host/dbname; casenotes admin "
              "works on a PostgreSQL agency server only.", file=sys.stderr)
        return 2
    from store.server_admin import check_server_address

    check_server_address(url)  # a SQLite file is refused before anything is made
    store = Store.open(url)  # creates or upgrades the schema: the owner's alone (a worker is told so)
    try:
        if args.admin_command == "init":
            said = store.set_up_server()
        elif args.admin_command == "logins":
            changes = store.server_admin().logins()
            said = [str(c) for c in changes] or ["Every active worker has a database user and no deactivated "
                                                 "worker's can sign in; nothing to do."]
        elif args.admin_command == "notify":
            said = _notify(store)
        elif args.admin_command == "add-login":
            said = [str(store.server_admin().add_login(args.login))]
        else:
            said = [str(store.server_admin().end_login(args.login))]
    except StoreError as error:
        print(f"casenotes: {error}", file=sys.stderr)
        return 2
    finally:
        store.close()
    for sentence in said:
        print(sentence)
    return 0


def _notify(store) -> list[str]:
    """The sweep, then the e-mail; a relay that is down is said and tried again on the next run."""
    from store.core.errors import MailNotSent

    staffing = store.staffing()
    made = staffing.check_notifications()
    said = [f"{made} new notification{'' if made == 1 else 's'} for workers' inboxes." if made
            else "No new notifications: nothing has become overdue since the last look."]
    if not store.policy.mail.enabled:
        return [*said, "No mail relay is set in the policy ([notifications] smtp_host): notifications stay in the app."]
    try:
        sent = staffing.deliver_mail()
    except MailNotSent as down:
        raise MailNotSent(f"{said[0]} {down.message}") from down
    return [*said, f"E-mailed {sent} worker{'' if sent == 1 else 's'} through {store.policy.mail.smtp_host}." if sent
            else "Nobody had new notifications to e-mail."]
