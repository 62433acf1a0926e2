"""Expiry reminders: 90 and 30 days before a certificate expires, by SMS and email, each sent once."""

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext

from academy.sms import SMSError

from ... import quantities, selectors
from ...models import Certificate, CertificateReminder
from .. import rules as certificate_rules
from .. import selectors as cert_selectors

logger = logging.getLogger("credits.certificates")


@dataclass
class ReminderResult:
    sent: int = 0
    failed: int = 0


def certificate_reminders_send(*, on: date | None = None) -> ReminderResult:
    """Remind holders 90 and 30 days before expiry by SMS and email; each reminder is sent once (its row is
    written in the same transaction as the sending, and rolled back if sending fails)."""
    on = on or selectors.today()
    result = ReminderResult()
    for certificate in cert_selectors.certificates_for_reminders(on=on):
        sent_before = {reminder.days_before for reminder in certificate.reminders.all()}
        due = certificate_rules.reminder_due(valid_until=certificate.valid_until, today=on, already_sent=sent_before)
        if due is None:
            continue
        try:
            with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
                _send_reminder(certificate, days_before=due)
        except IntegrityError:
            continue  # another run sent it a moment ago
        except (SMSError, OSError):
            logger.exception("Reminder for certificate %s could not be sent", certificate.pk)
            result.failed += 1
            continue
        result.sent += 1
    return result


def _send_reminder(certificate: Certificate, *, days_before: int) -> None:
    holder, programme = certificate.holder, certificate.programme
    reminder = CertificateReminder.objects.create(certificate=certificate, days_before=days_before)
    params = {
        "programme": certificate.programme_title or programme.title,
        "number": certificate.number,
        "date": certificate_rules.chinese_date(certificate.valid_until),
    }
    if programme.renewal_credits > 0:
        text = gettext(
            "Your certificate of 《%(programme)s》 (%(number)s) expires on %(date)s. Earn %(credits)s continuing "
            "credits to have it renewed; see My certificates."
        ) % {**params, "credits": quantities.quantity(programme.renewal_credits)}
    else:
        text = (
            gettext("Your certificate of 《%(programme)s》 (%(number)s) expires on %(date)s; see My certificates.")
            % params
        )
    channels = ["notice"]  # the site inbox, SMS and WeChat as the holder chose: credits/notices.py, on this row
    if holder.email:
        send_mail(gettext("Your certificate expires soon"), text, None, [holder.email])
        channels.append("email")
    reminder.channels = ",".join(channels)
    reminder.save(update_fields=["channels"])
