"""``casenotes demo``: make the demo agency if needed, then open it with a staff picker."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from collections.abc import Callable

from tui.cli.sign_in import demo_url


def run_demo(args, run_app: Callable[..., int]) -> int:
    from store import Store
    from demo.agency import generate

    url = args.db or demo_url()
    if args.fresh and url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    store = Store.open(url)
    if not store.staff():
        print(f"casenotes: creating the demo agency (seed {args.seed}, scale {args.scale}) in {url} …")
        if url.startswith("sqlite:///"):  # built beside it and moved in whole: a failed build leaves nothing
            store.close()
            target = Path(url.removeprefix("sqlite:///"))
            building = target.with_name(target.name + ".building")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{building}{suffix}").unlink(missing_ok=True)
            try:
                _generate(f"sqlite:///{building}", args, generate)
                for suffix in ("-wal", "-shm"):
                    Path(f"{target}{suffix}").unlink(missing_ok=True)
                os.replace(building, target)
            finally:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{building}{suffix}").unlink(missing_ok=True)
            store = Store.open(url)
        else:
            _generate(url, args, generate)
    elif not store.is_demo:
        print(f"casenotes: {url} holds a real agency, not a demo; refusing to use it as one.", file=sys.stderr)
        return 2
    if getattr(args, "export", None):
        from tui.cli.transfer import export_to

        return export_to(store, Path(args.export))
    if url.startswith("sqlite:///"):  # a letter and a school report to upload in the advocates' walk
        from demo.files import write_sample_files

        write_sample_files(Path(url.removeprefix("sqlite:///")).parent / "demo-files")
    if args.no_open:
        print(f"casenotes: demo agency ready: {len(store.staff())} staff.")
        return 0
    return run_app(store, args.user)


def _generate(url: str, args, generate: Callable[..., object]) -> None:
    from store import FrozenClock, Store, SystemClock
    from store.core.clock import utc

    clock = FrozenClock(utc(SystemClock().now()))
    seeding = Store.open(url, clock=clock)
    try:
        generate(seeding, clock, seed=args.seed, scale=args.scale)
    finally:
        seeding.close()
