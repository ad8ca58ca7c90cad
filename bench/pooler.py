"""A PgBouncer in front of the load test's agency server, in transaction mode, for ``--pgbouncer``.

Each worker still signs in as their own role: PgBouncer keeps one pool per (database, user), so a
server connection is only ever lent to the user it was opened for and ``session_user`` stays the
worker. Transaction mode lends a server connection for one transaction at a time, so the server
holds as many connections as transactions are running (capped by ``max_db_connections``), not one
per signed-in worker. Authentication here is ``trust`` with the run's roles listed in the auth file
(the local server trusts 127.0.0.1); an agency would use ``scram-sha-256`` with each worker's own
password (or ``auth_query``), so the pooler checks the worker's own credentials.

PgBouncer refuses to run as root; it is started as the ``postgres`` OS user and stopped by its pid.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

PORT = 6439
# max_db_connections: what the server gives the pooler at most (0: no cap). Pools are per user, and a
# user's pool keeps its server connection until server_idle_timeout: a cap below the number of users
# signed in at once starves the newest (measured: with 20 for 50 workers, sign-ins timed out after
# 10 s), so the cap only holds with a short idle timeout.
SERVER_CONNECTIONS = 0
PER_USER = 1  # default_pool_size: one transaction at a time per worker (the app's loaders then queue)
IDLE_SECONDS = 5  # server_idle_timeout: a worker who pauses gives their server connection back


@contextmanager
def pgbouncer(server_url: str, roles: list[str], port: int = PORT, most: int = SERVER_CONNECTIONS,
              per_user: int = PER_USER, idle: int = IDLE_SECONDS):
    """Run PgBouncer for ``roles`` in front of the server of ``server_url``; yields its host:port."""
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        raise SystemExit("--pgbouncer: PgBouncer is not installed (apt-get install pgbouncer)")
    url = make_url(server_url)
    folder = Path(tempfile.mkdtemp(prefix="casenotes-pgbouncer-"))
    (folder / "userlist.txt").write_text("".join(f'"{role}" ""\n' for role in roles))
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={url.host} port={url.port or 5432}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'userlist.txt'}\n"
        "pool_mode = transaction\n"
        f"max_client_conn = 2000\ndefault_pool_size = {per_user}\nmax_db_connections = {most}\n"
        f"server_idle_timeout = {idle}\n"
        f"logfile = {folder / 'pgbouncer.log'}\n")
    shutil.chown(folder, "postgres")
    for file in folder.iterdir():
        shutil.chown(file, "postgres")
    process = subprocess.Popen([binary, "-u", "postgres", str(folder / "pgbouncer.ini")])
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGINT)  # PgBouncer's "safe shutdown"
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log = folder / "pgbouncer.log"
        if log.exists():
            shutil.copy(log, Path(tempfile.gettempdir()) / f"casenotes-pgbouncer-{port}.log")
        shutil.rmtree(folder, ignore_errors=True)
