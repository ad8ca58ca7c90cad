"""``make bench``: every figure of the benchmark suite with its reference measured in the same run,
written to bench/results/<date>-<size>.md (a table) and .json.

    python -m bench.run --size small|medium|large [--out bench/results] [--quick]

``--quick`` (the CI smoke run) takes fewer samples: it shows the suite runs, not how fast.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

from . import (import_vs_insert, memory, save_vs_insert, screens_at_scale, search_vs_fts5, searchable_after_save,
               tui_start)

# An agency brought in by `casenotes import` (families, workers); the figure is the large one.
IMPORT_SIZES = {"tiny": (200, 20), "small": (1_000, 60), "medium": (5_000, 150), "large": (20_000, 600)}
QUICK_IMPORT = (40, 20)
TARGETS = {"save": 3.0, "family": 1.0, "agency": 3.0, "build": 0.1, "searchable_ms": 1000, "tui": 1.3,
           "scale": 1.2, "memory_mb": 200}


def run(size: str, quick: bool, log) -> dict:
    report: dict = {"size": size, "date": time.strftime("%Y-%m-%d"), "quick": quick,
                    "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}"}
    steps = [
        ("save", lambda: save_vs_insert.run_both(20 if quick else 200, log=log)),
        ("search", lambda: search_vs_fts5.run(size, rebuild=True, log=log)),
        ("searchable", lambda: searchable_after_save.run(size, 5 if quick else 30, log=log)),
        ("tui_start", lambda: tui_start.run(size, 2 if quick else 10, log=log)),
        ("screens", lambda: screens_at_scale.run(1 if quick else 5, log=log, scale=0.1 if quick else 1)),
        ("memory", lambda: memory.run(size, log=log)),
        ("import", lambda: import_vs_insert.run_both(*(QUICK_IMPORT if quick else IMPORT_SIZES[size]), log=log)),
    ]
    for name, step in steps:
        started = time.perf_counter()
        log(f"== {name}")
        report[name] = step()
        report[name]["seconds"] = round(time.perf_counter() - started, 1)
    return report


def _ms(figures: dict) -> str:
    return f"{figures['median_ms']} / {figures['p95_ms']} / {figures['max_ms']} ms"


def table(report: dict) -> str:
    """The results as Markdown: one row per figure, casenotes against its reference, ratio and target."""
    lines = [f"# Benchmarks, {report['date']}, corpus size `{report['size']}`"
             + (" (quick smoke run: few samples)" if report["quick"] else ""), "",
             f"{report['machine']}. Times are median / p95 / max; ratios are casenotes ÷ reference (median / p95), "
             "both measured in the same run.", "",
             "| figure | casenotes | reference | ratio | target |", "| --- | --- | --- | --- | --- |"]
    for backend in ("sqlite", "postgresql"):
        row = report["save"].get(backend, {})
        if "skipped" in row:
            lines.append(f"| note save, {backend} | {row['skipped']} | | | ≤ {TARGETS['save']}× |")
        elif row:
            lines.append(f"| note save, {backend} ({row['store_save']['samples']}) | {_ms(row['store_save'])} | "
                         f"bare INSERT+COMMIT {_ms(row['bare_insert'])} | {row['ratio_median']}× / {row['ratio_p95']}× "
                         f"| ≤ {TARGETS['save']}× |")
    search = report["search"]
    if "fts5_build" in search:
        ours, theirs = search["casenotes_build"], search["fts5_build"]
        lines.append(f"| index build | {ours['notes_per_s']:,} notes/s | FTS5 {theirs['notes_per_s']:,} notes/s | "
                     f"{search['build_ratio']}× the rate | ≥ {TARGETS['build']}× |")
    for scope, target in (("family", TARGETS["family"]), ("agency (supervisor)", TARGETS["agency"]),
                          ("agency (director)", TARGETS["agency"])):
        row = search[scope]
        lines.append(f"| search, {scope} ({row['casenotes']['samples']} queries) | {_ms(row['casenotes'])} | "
                     f"FTS5 {_ms(row['fts5'])} | {row['ratio_median']}× / {row['ratio_p95']}× | ≤ {target}× |")
    found = report["searchable"]["save_to_found"]
    lines.append(f"| saved note searchable ({found['samples']} saves) | {_ms(found)} after the save | | | "
                 f"≤ {TARGETS['searchable_ms']} ms |")
    start = report["tui_start"]
    lines.append(f"| TUI start to caseload painted ({start['rows']} rows) | {_ms(start['casenotes'])} | bare Textual "
                 f"{_ms(start['bare_textual'])} | {start['ratio_median']}× / {start['ratio_p95']}× | "
                 f"≤ {TARGETS['tui']}× |")
    for key in ("stage_first", "stage_oldest", "queue_first", "queue_last"):
        row = report["screens"][key]
        lines.append(f"| {row['label']} | {_ms(row['large'])} | {_ms(row['small'])} | {row['ratio_median']}× / "
                     f"{row['ratio_p95']}× | ≤ {TARGETS['scale']}× |")
    for backend in ("sqlite", "postgresql"):
        row = report.get("import", {}).get(backend, {})
        if "skipped" in row:
            lines.append(f"| import, {backend} | {row['skipped']} | | | |")
        elif row:
            lines.append(f"| import of {row['families']:,} families / {row['workers']} workers ({row['rows']:,} rows), "
                         f"{backend} | {row['import_rows_per_s']:,} rows/s | bare Core bulk insert "
                         f"{row['bare_rows_per_s']:,} rows/s | {row['ratio']}× the time | figure |")
    mem = report["memory"]
    lines.append(f"| app peak memory (`{mem['corpus']}`) | {mem['peak_rss_mb']} MB | | | ≤ {TARGETS['memory_mb']} MB |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large", choices=("tiny", "small", "medium", "large"))
    parser.add_argument("--out", type=Path, help="write <date>-<size>.json and .md in this folder")
    parser.add_argument("--quick", action="store_true", help="few samples: a smoke run")
    args = parser.parse_args(argv)
    report = run(args.size, args.quick, log=lambda line: print(line, file=sys.stderr, flush=True))
    print(table(report))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        stem = args.out / f"{report['date']}-{args.size}"
        stem.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
        stem.with_suffix(".md").write_text(table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
