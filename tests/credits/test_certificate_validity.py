"""One meaning of "a certificate valid on a day" (``Certificate.objects.valid_on``), and no second copy of it."""

import re
from datetime import date, timedelta
from pathlib import Path

from django.utils import timezone

from credits.choices import CertificateStatus
from credits.models import Certificate, CertificateRequest
from tests.factories import UserFactory

from .factories import make_certificate, make_programme

DAY = date(2026, 6, 15)


def test_valid_on_means_issued_by_the_day_not_expired_before_it_and_not_revoked(db):
    programme = make_programme()
    cases = {
        "issued the day before": {"issued_on": DAY - timedelta(days=1), "valid_until": DAY + timedelta(days=30)},
        "issued on the day": {"issued_on": DAY, "valid_until": DAY + timedelta(days=30)},
        "issued the day after": {"issued_on": DAY + timedelta(days=1), "valid_until": DAY + timedelta(days=30)},
        "expired the day before": {"issued_on": DAY - timedelta(days=400), "valid_until": DAY - timedelta(days=1)},
        "expires on the day": {"issued_on": DAY - timedelta(days=400), "valid_until": DAY},
        "revoked": {
            "issued_on": DAY - timedelta(days=1),
            "valid_until": DAY + timedelta(days=30),
            "status": CertificateStatus.REVOKED,
            "revoked_at": timezone.now(),
            "revoked_reason": "材料不实",
        },
    }
    holders = {}
    for serial, (name, fields) in enumerate(cases.items(), start=1):
        holders[name] = UserFactory()
        make_certificate(holders[name], programme, number=f"拱三方证〔2026〕第{serial:06d}号", **fields)
    waiting = UserFactory()
    CertificateRequest.objects.create(holder=waiting, programme=programme)

    valid = set(Certificate.objects.valid_on(DAY).values_list("holder_id", flat=True))

    assert valid == {
        holders["issued the day before"].pk,
        holders["issued on the day"].pk,
        holders["expires on the day"].pk,
    }
    assert waiting.pk not in valid  # a pending request is not a certificate


def test_valid_on_is_a_queryset_method_that_chains(db):
    programme = make_programme()
    holder = UserFactory()
    certificate = make_certificate(holder, programme)
    today = timezone.localdate()
    assert list(Certificate.objects.filter(holder=holder).valid_on(today)) == [certificate]
    assert list(Certificate.objects.valid_on(today).filter(holder=UserFactory())) == []


def test_no_other_copy_of_the_validity_condition_remains():
    """Every query for valid certificates goes through ``valid_on``: the condition's key lookups are written once."""
    root = Path(__file__).resolve().parents[2]
    sources = [
        path
        for app in ("academy", "courses", "credits", "home")
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts
    ]
    lookup = re.compile(r"valid_until__gte|issued_on__lte")
    copies = [
        f"{path.relative_to(root)}:{number}"
        for path in sources
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if lookup.search(line)
    ]
    assert len(copies) == 1 and copies[0].startswith("credits/models.py:"), copies
