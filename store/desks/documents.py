"""A child's documents: uploading one, listing a child's or a case's, reading one (every read
audited), withdrawing one with a reason, and the case's access log (who read what of the record).

Who may (``store/rules/documents.py`` says what a document must be):
- upload: whoever reads the child's record — the case's role holders, their supervision chain, the
  child's advocate while their access is open — but not the ENT PROG NOTE clerk, who enters notes
  for others and reads only those. An advocate's upload notifies the child's responsible worker.
- read (list, content, a copy): the same people; an advocate only their children's documents, and
  not the content of a withdrawn one unless they uploaded it.
- withdraw: the uploader, or a role holder in the child's case.
- the access log: those who read the case whole (a role in it, or the supervision chain above one).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pendulum
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from store.core import arguments
from store.core.errors import InvalidDocument, NoAccess, NotFound
from store.core.results import AccessLogEntry, DocumentView
from store.db.journal import audit
from store.db.models import (AdvocateAppointment, AuditEntry, Document, Note, Person, Stage, Worker, aware_utc,
                             stage_label)
from store.db.notifications import notify
from store.db.unseen import case_exists, under_row_security
from store.desks.base import DeskBase
from store.desks.visits import child_responsible_worker
from store.rules.access import CaseAccess, Reach, case_access
from store.rules.documents import copy_name, store_document

REASON_MAX = 1000
ACCESS_LOG_MOST = 2000  # the newest reads shown; an older one is in the audit record
CLERK = ("A clerk who enters notes for others reads only the notes they entered, so they do not add or open "
         "a child's documents.")


def check_may_read_child(access: CaseAccess, child_id: int) -> None:
    if access.reach is Reach.ENTRY_CLERK:
        raise NoAccess(CLERK)
    if access.reach is Reach.ADVOCATE and child_id not in access.child_ids:
        raise NoAccess("You are appointed for another child of this family; you may read only your own child's "
                       "record.")


class DocumentDesk(DeskBase):
    def upload_document(self, child_id: int, kind: str, file_name: str, content: bytes) -> DocumentView:
        """Keep a document in the child's record (see ``store.rules.documents`` for what it must be)."""
        child_id = arguments.record_id(child_id, "child", InvalidDocument)
        if not isinstance(content, bytes):
            raise InvalidDocument(f"A document's content is bytes, and casenotes was given "
                                  f"{arguments.kind_of(content)}.")
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            child = self._child(session, child_id)
            access = case_access(session, user, child.case_id, now)
            check_may_read_child(access, child_id)
            document = store_document(session, case_id=child.case_id, child_id=child_id, kind=kind,
                                      file_name=file_name, content=content, by=user, now=now, policy=self.policy)
            audit(session, user, "upload document", "document", document.id, now,
                  {"reach": access.reach.value, "kind": document.kind, "file_name": document.file_name,
                   "size": document.size, "sha256": document.sha256, "child": child_id}, case_id=child.case_id)
            if access.reach is Reach.ADVOCATE:
                self._tell_responsible_worker(session, document, child, user, now)
            view = self._views(session, [document])[0]
        return view

    def _tell_responsible_worker(self, session: Session, document: Document, child: Person, by: Worker,
                                 now: datetime) -> None:
        worker = child_responsible_worker(session, child.id, now)
        if worker is None:
            return
        stage_id = session.scalar(select(Stage.id).where(Stage.case_id == child.case_id, Stage.closed_at.is_(None))
                                  .order_by(Stage.opened_at.desc()).limit(1))
        notify(session, worker.id, "advocate upload",
               f"{by.name} (advocate) uploaded {document.kind.lower()} for {child.full_name}: {document.file_name}.",
               f"upload:document:{document.id}", now, entity="document", entity_id=document.id,
               case_id=child.case_id, stage_id=stage_id)

    def child_documents(self, child_id: int) -> list[DocumentView]:
        """The child's documents, newest first (withdrawn ones too, marked so)."""
        child_id = arguments.record_id(child_id, "child")
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            child = self._child(session, child_id)
            access = case_access(session, user, child.case_id, now)
            check_may_read_child(access, child_id)
            documents = list(session.scalars(select(Document).where(Document.person_id == child_id)
                                             .order_by(Document.uploaded_at.desc(), Document.id.desc())))
            return self._views(session, documents)

    def case_documents(self, case_id: int) -> list[DocumentView]:
        """The documents of the case's children that the reader may read, newest first."""
        case_id = arguments.record_id(case_id, "case")
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            if not case_exists(session, case_id):
                raise NotFound(f"There is no case number {case_id}.")
            access = case_access(session, user, case_id, now)
            if access.reach is Reach.ENTRY_CLERK:
                raise NoAccess(CLERK)
            query = select(Document).where(Document.case_id == case_id)
            if access.reach is Reach.ADVOCATE:
                query = query.where(Document.person_id.in_(access.child_ids))
            documents = list(session.scalars(query.order_by(Document.uploaded_at.desc(), Document.id.desc())))
            return self._views(session, documents)

    def document(self, document_id: int) -> DocumentView:
        """What is known of a document without reading its content (not audited: no content read)."""
        document_id = arguments.record_id(document_id, "document")
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            document = self._document(session, document_id)
            check_may_read_child(case_access(session, user, document.case_id, now), document.person_id)
            return self._views(session, [document])[0]

    def document_content(self, document_id: int) -> tuple[str, bytes]:
        """The document's file name and bytes; the read is audited."""
        document_id = arguments.record_id(document_id, "document")
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            document = self._document(session, document_id)
            access = case_access(session, user, document.case_id, now)
            check_may_read_child(access, document.person_id)
            if document.withdrawn_at is not None and access.reach is Reach.ADVOCATE \
                    and document.uploaded_by_id != user.id:
                raise NoAccess("This document was withdrawn from the child's record, so it is no longer shown to "
                               "advocates.")
            if under_row_security(session):
                # A worker's own session reads the bytes only through the owner's function, which checks
                # the reader as above and writes the audit row itself (row_security_guards).
                content = session.scalar(text("SELECT casenotes_document_content(:d)"), {"d": document_id})
                if content is None:
                    raise NoAccess("This document is not in a record you may read.")
                return document.file_name, bytes(content)
            content = session.scalar(select(Document.content).where(Document.id == document_id))
            audit(session, user, "read document", "document", document_id, now,
                  {"reach": access.reach.value, "case": document.case_id, "child": document.person_id},
                  case_id=document.case_id)
            return document.file_name, bytes(content or b"")

    def save_document_copy(self, document_id: int, folder: Any) -> Path:
        """Write a copy of the document into ``folder`` under its own name (never over another file:
        "report (2).pdf"); the path written. The read is audited."""
        if not isinstance(folder, (str, Path)):
            raise InvalidDocument(f"A folder is given by its path, and casenotes was given "
                                  f"{arguments.kind_of(folder)}.")
        try:  # a name too long for the file system, a folder one may not look into: a sentence
            where = Path(folder).expanduser()
            found = where.is_dir()
        except (OSError, RuntimeError) as error:
            raise InvalidDocument(f"casenotes cannot use {arguments.shown(str(folder))} as a folder "
                                  f"({error.strerror if isinstance(error, OSError) else error}); choose another.") \
                from None
        if not found:
            raise InvalidDocument(f"There is no folder {arguments.shown(str(where))}; choose another.")
        file_name, content = self.document_content(document_id)
        name = copy_name(file_name, content)
        try:
            return write_copy(where, name, content)
        except OSError as error:
            raise InvalidDocument(f"casenotes could not write the copy into {arguments.shown(str(where))} "
                                  f"({error.strerror}); choose another folder.") from None

    def withdraw_document(self, document_id: int, reason: str) -> DocumentView:
        """Withdraw a document from the child's record (it stays, marked withdrawn with the reason)."""
        document_id = arguments.record_id(document_id, "document")
        reason = arguments.text(reason, "reason for withdrawing the document", error=InvalidDocument,
                                most=REASON_MAX, lines=True, empty=False).strip()
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            document = self._document(session, document_id, lock=True)
            access = case_access(session, user, document.case_id, now)
            check_may_read_child(access, document.person_id)
            if document.uploaded_by_id != user.id and access.reach is not Reach.ASSIGNED:
                raise NoAccess("Only the person who uploaded a document, or a worker with a role in the child's case, "
                               "may withdraw it.")
            if document.withdrawn_at is not None:
                raise InvalidDocument("This document was withdrawn already; a withdrawal is made once.")
            document.withdrawn_at, document.withdrawn_by_id, document.withdrawal_reason = now, user.id, reason
            audit(session, user, "withdraw document", "document", document_id, now,
                  {"reason": reason, "child": document.person_id}, case_id=document.case_id)
            session.flush()
            return self._views(session, [document])[0]

    def access_log(self, case_id: int) -> list[AccessLogEntry]:
        """Who read what of the case's record and when, newest first: reads from outside the
        assignment (supervision chain, advocates, the clerk) and every read of a document."""
        case_id = arguments.record_id(case_id, "case")
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            if not case_exists(session, case_id):
                raise NotFound(f"There is no case number {case_id}.")
            access = case_access(session, user, case_id, now)
            if access.reach not in (Reach.ASSIGNED, Reach.SUPERVISION):
                raise NoAccess("The case's access log is for the workers who read the whole case: its role holders "
                               "and their supervisors.")
            rows = session.execute(
                select(AuditEntry, Worker.login, Worker.name, Worker.title)
                .outerjoin(Worker, Worker.id == AuditEntry.worker_id)
                .where(AuditEntry.case_id == case_id, AuditEntry.action.startswith("read "))
                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(ACCESS_LOG_MOST)).all()
            words = _Words(session, case_id, self.policy.zone)
            return [AccessLogEntry(_utc(entry.at), login, name or "the system", title or "",
                                   str((entry.detail or {}).get("reach", "")), words.what(entry, login),
                                   entry.entity, entry.entity_id)
                    for entry, login, name, title in rows]

    # -- footing ------------------------------------------------------------------------------------

    def _child(self, session: Session, child_id: int) -> Person:
        child = session.get(Person, child_id)
        if child is None or not child.is_child:
            raise NotFound(f"There is no child number {child_id}.")
        return child

    def _document(self, session: Session, document_id: int, *, lock: bool = False) -> Document:
        document = session.get(Document, document_id, with_for_update=lock or None)
        if document is None:
            raise NotFound(f"There is no document number {document_id}.")
        return document

    def _views(self, session: Session, documents: list[Document]) -> list[DocumentView]:
        if not documents:
            return []
        people = {p.id: p.full_name for p in session.scalars(
            select(Person).where(Person.id.in_({d.person_id for d in documents})))}
        worker_ids = {d.uploaded_by_id for d in documents} | {d.withdrawn_by_id for d in documents if d.withdrawn_by_id}
        workers = {w_id: (login, name) for w_id, login, name in session.execute(
            select(Worker.id, Worker.login, Worker.name).where(Worker.id.in_(worker_ids)))}
        return [DocumentView(d.id, d.case_id, d.person_id, people.get(d.person_id, ""), d.kind, d.file_name, d.size,
                             d.content_type, d.sha256, _utc(d.uploaded_at), workers[d.uploaded_by_id][0],
                             workers[d.uploaded_by_id][1], aware_utc(d.withdrawn_at),
                             workers[d.withdrawn_by_id][1] if d.withdrawn_by_id else None, d.withdrawal_reason)
                for d in documents]


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def write_copy(folder: Path, file_name: str, content: bytes) -> Path:
    """Write ``content`` as ``folder/file_name``, or "name (2).ext", "name (3).ext"… if taken; never
    over an existing file (the file is created exclusively)."""
    stem, dot, extension = file_name.rpartition(".")
    if not dot or not stem:
        stem, extension = file_name, ""
    for number in range(1, 10_000):
        name = file_name if number == 1 else f"{stem} ({number})" + (f".{extension}" if extension else "")
        path = folder / name
        try:
            with path.open("xb") as out:
                out.write(content)
        except FileExistsError:
            continue
        except OSError as error:
            reason = "you may not write there" if isinstance(error, PermissionError) else (error.strerror or "refused")
            raise InvalidDocument(f"casenotes cannot write a copy into {folder}: {reason}.") from None
        return path
    raise InvalidDocument(f"{folder} holds too many copies of {file_name}; choose another folder.")


class _Words:
    """What an audited read was of, in a caseworker's words."""

    def __init__(self, session: Session, case_id: int, zone: pendulum.Timezone):
        self.session, self.case_id, self.zone = session, case_id, zone
        self.children = {p.id: p.full_name for p in session.scalars(
            select(Person).where(Person.case_id == case_id, Person.is_child))}
        self.stages = {s_id: stage_label(kind, subtype) for s_id, kind, subtype in session.execute(
            select(Stage.id, Stage.type, Stage.subtype).where(Stage.case_id == case_id))}

    def what(self, entry: AuditEntry, login: str | None) -> str:
        detail: dict[str, Any] = entry.detail or {}
        whose = self._advocates_children(entry.worker_id) if detail.get("reach") == "advocate" else ""
        about = f" ({whose}'s)" if whose else ""
        if entry.entity == "document" and entry.entity_id is not None:
            row = self.session.execute(select(Document.file_name, Document.kind, Document.person_id)
                                       .where(Document.id == entry.entity_id)).first()
            if row is None:
                return f"document {entry.entity_id}"
            return f"{self.children.get(row.person_id, 'a child')}'s document {row.file_name} ({row.kind})"
        if entry.entity == "note" and entry.entity_id is not None:
            note = self.session.execute(select(Note.stage_id, Note.event_at).where(Note.id == entry.entity_id)).first()
            stage = self.stages.get(note.stage_id, "a stage") if note else "a stage"
            when = f" of {pendulum.instance(_utc(note.event_at)).in_timezone(self.zone):%m/%d/%Y}" if note else ""
            return f"a note{when} in {stage}{about}"
        if entry.entity == "stage" and entry.entity_id is not None:
            return f"the notes of {self.stages.get(entry.entity_id, 'a stage')}{about}"
        if entry.entity == "search":
            return "searched the family's notes" + about
        if entry.action == "read case activity":
            return "the case's activity history"
        if entry.entity == "case":
            return "the family's record" + about
        return entry.action.removeprefix("read ")

    def _advocates_children(self, worker_id: int | None) -> str:
        if worker_id is None:
            return ""
        ids = self.session.scalars(select(AdvocateAppointment.person_id).where(
            AdvocateAppointment.worker_id == worker_id, AdvocateAppointment.person_id.in_(self.children)))
        return " and ".join(sorted({self.children[i] for i in ids}))
