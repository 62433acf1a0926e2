"""Writes for posts: appointing a trainee to a post, refused unless they qualify (a registrar may override with a
written reason, which is audited)."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from academy.models import Community, Street, User

from ..models import Appointment, Post
from ..services import CreditActionError
from . import selectors as post_selectors


@transaction.atomic
def appointment_create(
    *,
    actor: User,
    trainee: User,
    post: Post,
    street: Street,
    start_date: date,
    community: Community | None = None,
    compound: str = "",
    override_reason: str = "",
) -> Appointment:
    """Appoint a trainee to a post. Refused, with the shortfalls, unless they hold a valid certificate of a
    qualifying programme; a registrar may override with a written reason, which is audited."""
    allowed = (
        actor.is_authenticated
        and actor.is_active
        and (actor.is_registrar or (actor.is_street_administrator and street.pk == actor.managed_street_id))
    )
    if not allowed:
        raise CreditActionError(_("You may only appoint people to posts in your own street."), code="not_allowed")
    if not post_selectors.trainees_appointable_by(actor).filter(pk=trainee.pk).exists():
        raise CreditActionError(_("You may only appoint people from your own street."), code="not_allowed")
    override_reason = (override_reason or "").strip()
    standing = post_selectors.post_standing(trainee=trainee, post=post)
    if not standing.qualified:
        if not override_reason:
            raise CreditActionError(
                _("%(name)s does not qualify for the post %(post)s.")
                % {"name": trainee.display_name, "post": post.name},
                code="not_qualified",
                shortfalls=standing.shortfalls,
            )
        if not actor.is_registrar:
            raise CreditActionError(
                _("Only registrars may appoint someone who does not qualify."),
                code="not_allowed",
                shortfalls=standing.shortfalls,
            )
    elif override_reason:
        # Nothing to override: keep the record honest rather than storing a reason that explains nothing.
        override_reason = ""
    appointment = Appointment(
        trainee=trainee,
        post=post,
        street=street,
        community=community,
        compound=(compound or "").strip(),
        start_date=start_date,
        certificate=standing.certificate,
        override_reason=override_reason,
        created_by=actor,
    )
    appointment.full_clean()
    appointment.save()
    if override_reason:
        log(
            instance=appointment,
            action="credits.appointment_override",
            user=actor,
            data={
                "trainee": trainee.pk,
                "post": post.slug,
                "reason": override_reason,
                "shortfalls": standing.shortfalls,
            },
        )
    else:
        log(
            instance=appointment,
            action="credits.appointment_create",
            user=actor,
            data={
                "trainee": trainee.pk,
                "post": post.slug,
                "street": street.pk,
                "certificate": standing.certificate.number,
            },
        )
    return appointment
