"""``casenotes upload --child ID --kind KIND FILE``: keep a file in a child's record, as the app's
upload does (the same checks: who may, the kind, the type read from the bytes, the size).

Exit status: 0 kept; 1 the file was refused (no such file, a folder, unreadable, empty, too large,
not a kind of file casenotes keeps); 2 anything else refused (sign-in, the child, the kind, access)."""

from __future__ import annotations

import sys

from tui.cli.sign_in import sign_in


def find_kind(typed: str, kinds: tuple[str, ...]) -> str | list[str]:
    """The policy's kind meant by what was typed: itself in any case, or the only kind holding the
    typed words ("school" → "Education portfolio / school records"); else the kinds it could be."""
    wanted = typed.strip().casefold()
    exact = [kind for kind in kinds if kind.casefold() == wanted]
    if exact:
        return exact[0]
    words = wanted.split()
    holding = [kind for kind in kinds if words and all(word in kind.casefold() for word in words)]
    return holding[0] if len(holding) == 1 else holding


def run_upload(args) -> int:
    from store import InvalidDocument, StoreError
    from store.rules.documents import megabytes, read_upload

    signed_in = sign_in(args)
    if not signed_in:
        return 2
    store, login = signed_in
    try:
        kind = find_kind(args.kind, store.policy.document_kinds)
        if isinstance(kind, list):
            said = "fits more than one" if kind else "is not one"
            print(f"casenotes: {args.kind!r} {said} of the agency's kinds of document; say which: "
                  + "; ".join(kind or store.policy.document_kinds) + ".", file=sys.stderr)
            return 2
        try:
            file_name, content = read_upload(args.file, store.policy.documents.max_bytes)
        except StoreError as error:
            print(f"casenotes: {error}", file=sys.stderr)
            return 1
        try:
            view = store.as_user(login).upload_document(args.child, kind, file_name, content)
        except StoreError as error:
            print(f"casenotes: {error}", file=sys.stderr)
            return 1 if isinstance(error, InvalidDocument) else 2  # the kind was matched above: the file
    finally:
        store.close()
    print(f"Kept {view.file_name} ({megabytes(view.size)}, {view.content_type}) in {view.child_name}'s record as "
          f"“{view.kind}”: document {view.id}, SHA-256 {view.sha256}.")
    return 0
