"""``casenotes export --family ID [--child ID] [--from DATE --to DATE] [--format pdf|md] [--out FILE]
[--unapproved]``: a family's court record written as PDF or Markdown; ``casenotes export --verify
FILE``: its hashes checked against the database.

Exit status: writing, 0 written, 2 refused (sign-in, no such family, no access, dates, a file that
exists or cannot be written). Verifying, 0 every note, every plan and the manifest match, 1 something differs or
the file holds no manifest, 2 anything else (sign-in, a file that cannot be read)."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from tui.cli.sign_in import sign_in


def run_court_record(args) -> int:
    if args.verify and args.family is not None:
        print("casenotes: give either --family (write a court record) or --verify FILE (check one), not both.",
              file=sys.stderr)
        return 2
    if args.folder is not None:
        print(f"casenotes: {args.folder!r} is not used with --family or --verify; write the court record with "
              "--out FILE.", file=sys.stderr)
        return 2
    signed_in = sign_in(args)
    if not signed_in:
        return 2
    store, login = signed_in
    try:
        return _verify(store, login, Path(args.verify)) if args.verify else _write(store, login, args)
    finally:
        store.close()


def _write(store, login: str, args) -> int:
    from store import StoreError
    from tui.export.court_file import file_name, write_new

    form = args.format or ("md" if args.out and args.out.lower().endswith(".md") else "pdf")
    try:
        record = store.as_user(login).court_record(args.family, child_id=args.child, since=_date(args.since),
                                                   until=_date(args.until), include_unapproved=args.unapproved)
    except StoreError as error:
        print(f"casenotes: {error}", file=sys.stderr)
        return 2
    zone = store.policy.zone.name
    if form == "md":
        from tui.export.court_md import render_markdown

        content = render_markdown(record, zone).encode("utf-8")
    else:
        from tui.export.court_pdf import render_pdf

        content = render_pdf(record, zone)
    try:
        if args.out:
            path = Path(args.out).expanduser()
            with path.open("xb") as out:
                out.write(content)
        else:
            path = write_new(Path.cwd(), file_name(record, form), content)
    except FileExistsError:
        print(f"casenotes: {args.out} exists already; a court record is never written over another file. Choose "
              "another name.", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"casenotes: the court record could not be written to {args.out or Path.cwd()} "
              f"({error.strerror or error}).", file=sys.stderr)
        return 2
    unapproved = f", {record.unapproved} NOT APPROVED" if record.unapproved else ""
    print(f"Wrote the court record of the {record.header.family_name} family to {path}: "
          f"{_counted(len(record.notes), 'note')}{unapproved}, {_plans(len(record.plans))}, "
          f"{_counted(len(record.documents), 'document')} listed; manifest SHA-256 "
          f"{record.manifest.manifest_sha256}.")
    return 0


def _verify(store, login: str, path: Path) -> int:
    from store import StoreError
    from tui.export.court_file import NoManifest, read_manifest

    try:
        manifest = read_manifest(path)
    except NoManifest as error:
        print(f"casenotes: {error}", file=sys.stderr)
        return 1
    except StoreError as error:  # a manifest that is there but broken
        print(f"casenotes: {path}: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"casenotes: {path} cannot be read ({error.strerror or error}).", file=sys.stderr)
        return 2
    try:
        check = store.as_user(login).verify_court_record(manifest)
    except StoreError as error:
        print(f"casenotes: {error}", file=sys.stderr)
        return 2
    for note in check.notes:
        if note.matches:
            continue
        newer = f" (the note has been saved again since: version {note.newer_version} now)" \
            if note.newer_version else ""
        said = {"differs": "differs from the database", "missing": "is not in the database",
                "not readable": "is not a note you may read, so it was not checked"}[note.said]
        print(f"note {note.note_id} version {note.version}: {said}{newer}")
    for plan in check.plans:
        if plan.matches:
            continue
        newer = f" (a later version, plan {plan.newer_plan_id}, has been approved since)" if plan.newer_plan_id else ""
        said = {"differs": "differs from the database", "missing": "is not an approved plan in the database",
                "not readable": "is not a plan you may read, so it was not checked"}[plan.said]
        print(f"plan {plan.plan_id} version {plan.version}: {said}{newer}")
    if not check.manifest_matches:
        print("the manifest's own hash does not match its fields and note hashes: the manifest was changed.")
    matched = sum(n.matches for n in check.notes)
    plans = f", {_plans(len(check.plans))}" if check.plans else ""
    if check.all_match:
        print(f"{path}: {_counted(matched, 'note')}{plans} and the manifest match the database.")
        return 0
    plans = f", {sum(p.matches for p in check.plans)} of {_plans(len(check.plans))}" if check.plans else ""
    print(f"{path}: {matched} of {_counted(len(check.notes), 'note')}{plans} match; the copy does not match the record.")
    return 1


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _plans(count: int) -> str:
    return _counted(count, "approved plan")


def _date(text: str | None) -> str | None:
    """The store reads YYYY-MM-DD; MM/DD/YYYY is turned into it here (anything else goes as typed, for the
    store's sentence)."""
    if text is None:
        return None
    try:
        return datetime.strptime(text.strip(), "%m/%d/%Y").date().isoformat()
    except ValueError:
        return text
