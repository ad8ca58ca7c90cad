"""E-mail through the agency's SMTP relay (``[notifications]`` in the policy): only that something
awaits in casenotes and where to look, never case content. An e-mail leaves the agency's record
system and may be read on a phone or forwarded, so it carries no family, child, note or document:
the worker reads those in casenotes, signed in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from store.core.errors import MailNotSent
from store.core.policy import MailPolicy

TIMEOUT_SECONDS = 10  # a relay that does not answer in this time is treated as down
log = logging.getLogger("casenotes.mail")


@dataclass(frozen=True)
class Notice:
    """One e-mail: to whom, and how many new things await them (the only fact it carries)."""

    address: str
    waiting: int


def message(notice: Notice, mail: MailPolicy) -> EmailMessage:
    """The e-mail for ``notice``: a count and where to look."""
    things = "1 new notification" if notice.waiting == 1 else f"{notice.waiting} new notifications"
    email = EmailMessage()
    email["From"] = mail.sender
    email["To"] = notice.address
    email["Subject"] = f"{things} in {mail.where}"
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=mail.sender.rpartition("@")[2] or None)
    email.set_content(
        f"{things[0].upper()}{things[1:]} {'awaits' if notice.waiting == 1 else 'await'} you in {mail.where}.\n\n"
        f"Sign in to {mail.where} and open the inbox (press F2) to read {'it' if notice.waiting == 1 else 'them'}.\n"
        "This e-mail carries no case details on purpose; please do not reply to it.\n")
    return email


def send(notices: list[Notice], mail: MailPolicy) -> list[str]:
    """Send each notice through the relay; the addresses sent to. Raises ``MailNotSent`` if the relay
    cannot be reached (nothing sent then) or after sending what could be sent; an address the relay
    refuses is logged and skipped, so one bad address does not hold back everyone else's mail."""
    if not mail.smtp_host or not notices:
        return []
    import smtplib  # here, not at the top: only a sweep with a relay set needs it (``import store`` stays light)

    sent: list[str] = []
    try:
        with smtplib.SMTP(mail.smtp_host, mail.smtp_port, timeout=TIMEOUT_SECONDS) as relay:
            for notice in notices:
                try:
                    relay.send_message(message(notice, mail))
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as refused:
                    log.warning("the mail relay refused a notification e-mail to %s: %s", notice.address, refused)
                    continue
                sent.append(notice.address)
    except (OSError, smtplib.SMTPException) as failure:  # refused connection, time-out, relay gone mid-way
        log.warning("could not send notification e-mail through %s:%s: %s", mail.smtp_host, mail.smtp_port,
                    failure)
        raise MailNotSent(partly=sent) from failure
    return sent
