"""``casenotes demo``: make the demo agency if needed, then open it with a staff picker."""

from __future__ import annotations

import sys
from pathlib import Path
from collections.abc import Callable

from tui.cli.sign_in import demo_url


def run_demo(args, run_app: Callable[..., int]) -> int:
    from store import FrozenClock, Store, SystemClock
    from store.core.clock import utc
    from demo.agency import generate

    url = args.db or demo_url()
    if args.fresh and url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    store = Store.open(url)
    if not store.staff():
        clock = FrozenClock(utc(SystemClock().now()))
        seeding = Store.open(url, clock=clock)
        print(f"casenotes: creating the demo agency (seed {args.seed}, scale {args.scale}) in {url} …")
        generate(seeding, clock, seed=args.seed, scale=args.scale)
        seeding.close()
    elif not store.is_demo:
        print(f"casenotes: {url} holds a real agency, not a demo; refusing to use it as one.", file=sys.stderr)
        return 2
    if getattr(args, "export", None):
        from tui.cli.transfer import export_to

        return export_to(store, Path(args.export))
    if args.no_open:
        print(f"casenotes: demo agency ready: {len(store.staff())} staff.")
        return 0
    return run_app(store, args.user)
