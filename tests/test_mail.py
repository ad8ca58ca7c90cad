"""Notifications by e-mail through the agency's relay: a local SMTP server (aiosmtpd) started by the
test receives one e-mail per worker with an address, saying only that something awaits and where (no
family, child, note or document); each notification is e-mailed once; a relay that is down is a typed
refusal with nothing marked, and the mail goes next time. Workers' addresses are kept by the staff API."""

import dataclasses
import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from store.core.errors import InvalidRequest, MailNotSent, NoAccess
from store.core.policy import MailPolicy
from tests.conftest import visit


class Inbox:
    """What the local relay received: (envelope recipients, message) per e-mail."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def relay():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def admin(store):
    """The test agency has no MAINTAIN STAFF holder: the system hires one, once."""
    try:
        return store.as_user("admin")
    except NoAccess:
        store.staffing().add_worker("admin", "Ada Admin", "Staff Administrator", supervisor="director",
                                    functions=["MAINTAIN STAFF"])
    return store.as_user("admin")


def use_relay(store, port):
    store.policy = dataclasses.replace(store.policy, mail=MailPolicy(
        smtp_host="127.0.0.1", smtp_port=port, sender="casenotes@agency.example", where="casenotes"))


def returned_and_approved(store, agency, clock):
    cw, supa = store.as_user("cw"), store.as_user("supa")
    first = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    second = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    supa.return_note(first.id, "Name the foster parent.")
    supa.approve(second.id)


def test_the_author_is_emailed_once_with_no_case_content(store, agency, clock, relay):
    controller, inbox = relay
    use_relay(store, controller.port)
    admin(store).change_worker("cw", {"email": "cara.worker@agency.example"})
    returned_and_approved(store, agency, clock)
    supa = store.as_user("supa")
    assert supa.deliver_mail() == 1
    [(to, mail)] = inbox.received
    assert to == ["cara.worker@agency.example"] and mail["From"] == "casenotes@agency.example"
    assert mail["Subject"] == "2 new notifications in casenotes"
    whole = mail.as_string()
    for secret in ("Rivera", "Jay", "Ana", "school bag", "foster parent", "Caseworker/Child Contact", "Supervisor"):
        assert secret not in whole
    assert "press F2" in mail.get_payload()
    assert all(n.emailed_at == clock.now() for n in store.as_user("cw").inbox())
    assert supa.deliver_mail() == 0 and len(inbox.received) == 1  # never twice


def test_no_address_or_no_relay_sends_nothing_and_marks_nothing(store, agency, clock, relay):
    controller, inbox = relay
    returned_and_approved(store, agency, clock)
    assert store.as_user("supa").deliver_mail() == 0  # the policy names no relay
    use_relay(store, controller.port)
    assert store.as_user("supa").deliver_mail() == 0  # cw has no address
    assert inbox.received == [] and all(n.emailed_at is None for n in store.as_user("cw").inbox())


def test_a_notification_read_before_the_mail_went_is_not_emailed(store, agency, clock, relay):
    controller, inbox = relay
    use_relay(store, controller.port)
    admin(store).change_worker("cw", {"email": "cara.worker@agency.example"})
    returned_and_approved(store, agency, clock)
    store.as_user("cw").mark_all_read()
    assert store.staffing().deliver_mail() == 0 and inbox.received == []


def test_a_relay_that_is_down_is_a_sentence_and_the_mail_goes_next_time(store, agency, clock, relay):
    controller, inbox = relay
    use_relay(store, free_port())  # nobody listens there
    admin(store).change_worker("cw", {"email": "cara.worker@agency.example"})
    returned_and_approved(store, agency, clock)
    with pytest.raises(MailNotSent, match="could not reach the agency's mail relay"):
        store.as_user("supa").deliver_mail()
    assert all(n.emailed_at is None for n in store.as_user("cw").inbox())
    use_relay(store, controller.port)  # the relay is back
    assert store.staffing().deliver_mail() == 1 and len(inbox.received) == 1
    assert all(n.emailed_at is not None for n in store.as_user("cw").inbox())


def test_the_servers_sweep_emails_what_it_found(store, agency, clock, relay):
    controller, inbox = relay
    use_relay(store, controller.port)
    admin(store).change_worker("supa", {"email": "sam@agency.example"})
    cw = store.as_user("cw")
    cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    clock.advance(days=8)
    staffing = store.staffing()
    assert staffing.check_notifications() == 1 and staffing.deliver_mail() == 1
    [(to, mail)] = inbox.received
    assert to == ["sam@agency.example"] and mail["Subject"] == "1 new notification in casenotes"


# --- the address on the worker's profile ----------------------------------------------------------

def test_the_staff_desk_keeps_a_workers_address(store, agency):
    director = admin(store)
    director.add_worker("newcw", "Nia Worker", "Caseworker", supervisor="supa", email=" nia@agency.example ")
    member = {m.login: m for m in director.staff()}
    assert member["newcw"].email == "nia@agency.example" and member["cw"].email is None
    director.change_worker("newcw", {"email": ""})
    assert {m.login: m for m in director.staff()}["newcw"].email is None


@pytest.mark.parametrize("bad", ["nia", "nia@agency", "nia @agency.example", "@agency.example", 5, "a" * 250 + "@x.org",
                                 "nia@agency.example\n"])
def test_a_bad_address_is_refused_and_nothing_saved(store, agency, bad):
    director = admin(store)
    with pytest.raises(InvalidRequest):
        director.change_worker("cw", {"email": bad})
    assert {m.login: m for m in director.staff()}["cw"].email is None
