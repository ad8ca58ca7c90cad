"""The load test's report as Markdown (bench/load_server.py writes it beside the JSON)."""

from __future__ import annotations

ORDER = ["open caseload", "open stage", "new draft", "save draft", "submit", "review queue", "review",
         "family search", "agency search", "collide", "stale approval"]


def table(report: dict) -> str:
    load = report["load"]
    cpu = load["cpu"]
    lines = [f"# Agency server under load, {report['date']} {report['at']}, corpus `{report['size']}` "
             f"({report['notes']:,} notes)", "",
             f"Command: `{report.get('command', '')}`. {report['machine']}; {report['uptime_before']} before, "
             f"{report.get('uptime_after', '?')} after (the machine is shared).", "",
             f"{load['workers']} workers, each its own PostgreSQL login role and `Store`, on {load['processes']} "
             f"processes, for {load['seconds']:g} s, pausing {load['think_mean_s']:g} s on average between actions; "
             f"search engine in the load: `{load['search']}`; connected to {load.get('via', 'the server itself')}"
             + (f" (PgBouncer, transaction mode, {load['pool_per_user']} server connection(s) per user)"
                if load.get("pool_per_user") else "")
             + ("" if load.get("prepared_statements", True) else ", psycopg's prepared statements off") + ".", "",
             f"**{load['actions_per_s']} actions/s** ({load['actions_total']:,} actions). Errors: "
             f"{_errors(load['errors'])}. Deliberate stale approvals refused with StaleEdit: "
             f"{load['deliberate_stale_edits']}.", "",
             "| action | count | per s | p50 ms | p95 ms | p99 ms | max ms |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for action in sorted(load["actions"], key=lambda a: ORDER.index(a) if a in ORDER else 99):
        row = load["actions"][action]
        lines.append(f"| {action} | {row['count']:,} | {row['per_s']} | {row['p50_ms']:,} | {row['p95_ms']:,} | "
                     f"{row['p99_ms']:,} | {row['max_ms']:,} |")
    conn = load["connections"]
    lines += ["", f"CPU in the {cpu['wall_s']} s window ({cpu['cores']} cores = {cpu['cores'] * cpu['wall_s']:.0f} "
              f"CPU-s): clients {cpu['clients_s']} s, PostgreSQL {cpu['server_s']} s, everything else on the machine "
              f"{cpu['others_s']} s (busy in all {cpu['machine_busy_s']} s).", "",
              f"Connections (sampled each second): at most {conn['most_at_once']} open at once "
              f"({conn['most_active_at_once']} running a statement), at most {conn['most_per_worker']} per worker; "
              f"{conn['workers_seen']} workers seen."]
    setup = report.get("setup", {})
    if setup:
        words = setup.get("search_words")
        whoosh = setup.get("whoosh_build")
        lines += ["", f"Setup: {setup.get('seconds')} s (corpus copied in {setup.get('load_s')} s"
                  + (f", search words of {words['notes']:,} notes in {words['seconds']} s" if words else "")
                  + f", VACUUM ANALYZE {setup.get('vacuum_analyze_s')} s), database {setup.get('database_mb')} MB"
                  + (f", shared Whoosh index built in {whoosh['seconds']} s" if whoosh else "") + "."]
    if "search" in report:
        lines += ["", search_table(report["search"])]
    return "\n".join(lines) + "\n"


def _errors(errors: dict) -> str:
    return ", ".join(f"{name} × {n}" for name, n in sorted(errors.items())) or "none"


def search_table(search: dict) -> str:
    engines = search["engines"]
    names = {"fts5": "SQLite FTS5", "whoosh": "Whoosh (search/ today)", "postgresql": "PostgreSQL (in the database)"}
    lines = ["Search side by side, same corpus and query set, quiet machine apart from the others' work "
             "(median / p95 / max ms, queries timed):", "",
             "| scope | " + " | ".join(names[e] for e in engines) + " |", "| --- |" + " --- |" * len(engines)]
    for scope in ("family", "agency (supervisor)", "agency (director)"):
        row = search[scope]
        lines.append(f"| {scope} ({row[engines[0]]['samples']}) | " + " | ".join(
            f"{row[e]['median_ms']} / {row[e]['p95_ms']} / {row[e]['max_ms']}" for e in engines) + " |")
    for engine, why in search.get("not_run", {}).items():
        lines.append(f"\nNot run: {names[engine]}: {why}.")
    return "\n".join(lines)
