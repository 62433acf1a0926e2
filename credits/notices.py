"""Credits' notices, sent through the notification centre (``notifications.services.notify``) by receivers of the
rows credits writes (connected in ``CreditsConfig.ready()``), so the certificate services need no call of their
own: a certificate issued, a request awaiting a registrar, an expiry reminder (the row ``certificate_reminders_send``
writes once per threshold), an appointment to a post. Expired certificates are swept by
``certificate_expiry_notices_send`` from the daily reminder task.

Each receiver runs inside the transaction that wrote the row, so a rolled-back issue tells nobody; each notice has
a key, so a second run of anything tells nobody twice."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse

from academy.roles import REGISTRARS
from notifications.choices import Event
from notifications.services import notify

from .certificates import rules as certificate_rules
from .choices import CertificateRequestStatus, CertificateStatus
from .models import Appointment, Certificate, CertificateReminder, CertificateRequest

EXPIRED_NOTICE_CATCH_UP_DAYS = 30  # a sweep missed for up to a month still tells the holder


def _certificate_context(certificate: Certificate) -> dict:
    return {
        "programme": f"《{certificate.programme_title or certificate.programme.title}》",
        "number": certificate.number,
        "expires_on": certificate_rules.chinese_date(certificate.valid_until),
    }


@receiver(post_save, sender=Certificate, dispatch_uid="credits-notice-certificate-issued")
def certificate_issued(sender, instance: Certificate, created: bool, raw: bool = False, **kwargs):
    """Every certificate issued (automatically, approved or renewed) reaches its holder."""
    if created and not raw:
        notify(
            event=Event.CERTIFICATE_ISSUED,
            recipients=[instance.holder],
            context=_certificate_context(instance),
            link=reverse("credits_my_certificates"),
            key=f"certificate:{instance.pk}:issued",
        )


@receiver(post_save, sender=CertificateRequest, dispatch_uid="credits-notice-certificate-pending")
def certificate_pending_review(sender, instance: CertificateRequest, created: bool, raw: bool = False, **kwargs):
    """A programme that issues after approval has a new request: the registrars are told."""
    if not created or raw or instance.status != CertificateRequestStatus.PENDING:
        return
    registrars = get_user_model().objects.filter(is_active=True).filter(Q(groups__name=REGISTRARS)).distinct()
    notify(
        event=Event.CERTIFICATE_PENDING_REVIEW,
        recipients=registrars,
        context={
            "programme": f"《{instance.programme.title}》",
            "trainee": instance.holder.real_name or instance.holder.get_username(),
        },
        link=reverse("credits_certificate_requests:index"),
        key=f"certificate-request:{instance.pk}:pending",
    )


@receiver(post_save, sender=CertificateReminder, dispatch_uid="credits-notice-certificate-expiring")
def certificate_expiring(sender, instance: CertificateReminder, created: bool, raw: bool = False, **kwargs):
    """An expiry reminder is due (90, 30 or 7 days before): the holder is told."""
    if created and not raw:
        certificate = instance.certificate
        notify(
            event=Event.CERTIFICATE_EXPIRING,
            recipients=[certificate.holder],
            context={**_certificate_context(certificate), "days": instance.days_before},
            link=reverse("credits_my_certificates"),
            key=f"certificate:{certificate.pk}:expiring:{instance.days_before}",
        )


@receiver(post_save, sender=Appointment, dispatch_uid="credits-notice-appointment")
def appointment_made(sender, instance: Appointment, created: bool, raw: bool = False, **kwargs):
    """Someone was appointed to a post: they are told."""
    if created and not raw:
        notify(
            event=Event.APPOINTMENT_MADE,
            recipients=[instance.trainee],
            context={"post": instance.post.name},
            key=f"appointment:{instance.pk}:made",
        )


def certificate_expiry_notices_send(*, on: date) -> int:
    """Tell each holder whose certificate expired (in the last month, not renewed, not revoked) that it did; once."""
    expired = Certificate.objects.filter(
        status=CertificateStatus.VALID,  # not revoked
        valid_until__range=(on - timedelta(days=EXPIRED_NOTICE_CATCH_UP_DAYS), on - timedelta(days=1)),
        renewed_by__isnull=True,
    ).select_related("holder", "programme")
    told = 0
    for certificate in expired:
        told += len(
            notify(
                event=Event.CERTIFICATE_EXPIRED,
                recipients=[certificate.holder],
                context=_certificate_context(certificate),
                link=reverse("credits_my_certificates"),
                key=f"certificate:{certificate.pk}:expired",
            )
        )
    return told


def cohort_trainees_to_tell(cohort):
    """Who a staff notice to a cohort reaches: the active trainees on its roster."""
    return cohort.roster.filter(is_active=True).order_by("pk")
