"""Credits' answers to academy's personal-data signals (connected in CreditsConfig.ready()): the ledger, offline
hours, certificates (with their PDFs), appointments and the transcript PDF for a trainee's download; and what
deleting their account does to certificates and cohorts. Ledger rows are never touched: they stay, with their
totals, attached to the anonymised account."""

from academy.privacy import PersonalDataPart

from .certificates import pdf as certificate_pdf
from .certificates import selectors as cert_selectors
from .certificates.services.revocation import certificates_revoke_for_deleted_account
from .models import Appointment, Certificate, CertificateRequest, Cohort, CreditEntry, OfflineHoursEntry


def personal_data(sender, *, user, **kwargs) -> PersonalDataPart:
    """The trainee's ledger, offline hours, certificates and requests, appointments, and files: the transcript
    (学习档案) PDF and each certificate's stored PDF."""
    certificates = list(Certificate.objects.filter(holder=user).select_related("programme").order_by("issued_on", "pk"))
    sections = {
        "credit_ledger": [
            {
                "competency": e.competency.name,
                "amount": e.amount,
                "kind": e.get_kind_display(),
                "earned_on": e.earned_on,
                "recorded_at": e.recorded_at,
                "note": e.note,
                "course": e.course.code if e.course_id else "",
            }
            for e in CreditEntry.objects.filter(trainee=user)
            .select_related("competency", "course")
            .order_by("earned_on", "pk")
        ],
        "offline_hours": [
            {"session": h.session.title, "course": h.course.code, "hours": h.hours, "earned_on": h.earned_on}
            for h in OfflineHoursEntry.objects.filter(trainee=user)
            .select_related("session", "course")
            .order_by("earned_on", "pk")
        ],
        "certificates": [
            {
                "number": c.number,
                "programme": c.programme_title or c.programme.title,
                "name_on_certificate": c.holder_name,
                "credits": c.credits_snapshot,
                "issued_on": c.issued_on,
                "valid_until": c.valid_until,
                "status": c.get_status_display(),
                "revoked_at": c.revoked_at,
                "revoked_reason": c.revoked_reason,
                "verification_code": c.verification_code_display,
                "pdf_sha256": c.pdf_sha256,
            }
            for c in certificates
        ],
        "certificate_requests": [
            {
                "programme": r.programme.title,
                "status": r.get_status_display(),
                "requested_at": r.requested_at,
                "decided_at": r.decided_at,
                "decline_reason": r.decline_reason,
            }
            for r in CertificateRequest.objects.filter(holder=user).select_related("programme").order_by("requested_at")
        ],
        "appointments": [
            {
                "post": a.post.name,
                "street": a.street.name,
                "community": a.community.name if a.community_id else "",
                "compound": a.compound,
                "start_date": a.start_date,
                "certificate": a.certificate.number if a.certificate_id else "",
            }
            for a in Appointment.objects.filter(trainee=user).select_related(
                "post", "street", "community", "certificate"
            )
        ],
        "cohorts": list(Cohort.objects.filter(roster=user).values_list("name", flat=True)),
    }
    transcript = certificate_pdf.transcript_pdf(
        {
            "transcript": cert_selectors.transcript_for(user),
            "academy_name": cert_selectors.certificate_settings().academy_name,
        }
    )
    files = {"transcript.pdf": transcript}
    for certificate in certificates:
        if certificate.pdf:
            with certificate.pdf.open("rb") as stored:
                files[f"certificates/{certificate.verification_code}.pdf"] = stored.read()
    return PersonalDataPart(sections=sections, files=files)


def anonymise(sender, *, user, **kwargs) -> dict:
    """Certificates are revoked at the holder's request and their names masked; the trainee leaves every cohort's
    roster. Ledger rows, offline hours and appointments stay (facts others relied on, tied to the anonymised
    account)."""
    counts = certificates_revoke_for_deleted_account(holder=user)
    cohorts = list(Cohort.objects.filter(roster=user))
    for cohort in cohorts:
        cohort.roster.remove(user)
    counts["cohorts_left"] = len(cohorts)
    return counts
