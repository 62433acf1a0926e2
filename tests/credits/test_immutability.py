"""Ledger rows and issued certificates refuse changes at the model level, and on PostgreSQL also in the database
(credits/migrations/0005_append_only_triggers.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from credits.certificates.services import issuing, revocation
from credits.choices import CertificateStatus
from credits.models import (
    Certificate,
    CertificateIsImmutable,
    CreditEntry,
    LedgerIsAppendOnly,
    OfflineHoursEntry,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(certified_world):
    return issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])


@pytest.fixture
def ledger_row(certified_world):
    return CreditEntry.objects.filter(trainee=certified_world["trainee"]).first()


# Ledger ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        lambda row: (setattr(row, "amount", Decimal("9.0")), row.save()),
        lambda row: row.delete(),
        lambda row: CreditEntry.objects.filter(pk=row.pk).update(amount=Decimal("9.0")),
        lambda row: CreditEntry.objects.filter(pk=row.pk).delete(),
        lambda row: CreditEntry.objects.bulk_update([row], ["amount"]),
    ],
    ids=["save", "delete", "queryset-update", "queryset-delete", "bulk-update"],
)
def test_ledger_rows_refuse_every_kind_of_change(ledger_row, change):
    with pytest.raises(LedgerIsAppendOnly):
        change(ledger_row)
    assert CreditEntry.objects.get(pk=ledger_row.pk).amount == Decimal("3.0")


def test_offline_hours_refuse_save_update_and_delete():
    row = OfflineHoursEntry(pk=1)
    row._state.adding = False
    with pytest.raises(LedgerIsAppendOnly):
        row.save()
    with pytest.raises(LedgerIsAppendOnly):
        row.delete()
    with pytest.raises(LedgerIsAppendOnly):
        OfflineHoursEntry.objects.all().update(hours=1)
    with pytest.raises(LedgerIsAppendOnly):
        OfflineHoursEntry.objects.all().delete()


# Certificates ---------------------------------------------------------------------------------------------------

IDENTITY_CHANGES = {
    "number": "拱三方证〔2026〕第999999号",
    "holder_name": "王五",
    "credits_snapshot": [{"competency": "法规运用", "credits": "99.0"}],
    "issued_on": "shift",
    "verification_code": "0000000000000000",
    "programme_id": "other",
    "holder_id": "other",
}


def _changed_value(certificate, field, value):
    if value == "shift":
        return certificate.issued_on - timedelta(days=1)
    if value == "other" and field == "holder_id":
        from tests.factories import UserFactory

        return UserFactory().pk
    if value == "other":
        from tests.credits.factories import make_programme

        return make_programme(title="另一个项目", slug="another").pk
    return value


@pytest.mark.parametrize("field", sorted(IDENTITY_CHANGES))
def test_an_issued_certificates_identity_refuses_save(certificate, field):
    setattr(certificate, field, _changed_value(certificate, field, IDENTITY_CHANGES[field]))
    with pytest.raises(CertificateIsImmutable):
        certificate.save()
    with pytest.raises(CertificateIsImmutable):
        certificate.save(update_fields=[field.removesuffix("_id")])


@pytest.mark.parametrize("field", sorted(IDENTITY_CHANGES))
def test_an_issued_certificates_identity_refuses_queryset_update(certificate, field):
    with pytest.raises(CertificateIsImmutable):
        Certificate.objects.filter(pk=certificate.pk).update(
            **{field: _changed_value(certificate, field, IDENTITY_CHANGES[field])}
        )


def test_certificates_refuse_delete(certificate):
    with pytest.raises(CertificateIsImmutable):
        certificate.delete()
    with pytest.raises(CertificateIsImmutable):
        Certificate.objects.filter(pk=certificate.pk).delete()
    assert Certificate.objects.filter(pk=certificate.pk).exists()


def test_status_revocation_and_pdf_fields_may_still_change(certificate):
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=certificate.valid_until + timedelta(days=1))
    certificate.refresh_from_db()
    certificate.pdf_sha256 = "0" * 64
    certificate.template_version = "test"
    certificate.save()
    from tests.factories import make_registrar

    revocation.certificate_revoke(actor=make_registrar(), certificate=certificate, reason="测试")
    assert Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.REVOKED


def test_the_name_may_only_become_its_own_masked_form(certificate):
    certificate.holder_name = "张*明"
    certificate.save(update_fields=["holder_name"])
    assert Certificate.objects.get(pk=certificate.pk).holder_name == "张*明"
    certificate.holder_name = "李*四"
    with pytest.raises(CertificateIsImmutable):
        certificate.save(update_fields=["holder_name"])


# PostgreSQL triggers --------------------------------------------------------------------------------------------


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE credits_creditentry SET amount = 9 WHERE id = %s",
        "DELETE FROM credits_creditentry WHERE id = %s",
    ],
)
@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers exist only on PostgreSQL")
def test_postgres_refuses_raw_ledger_changes(ledger_row, sql):
    with pytest.raises(IntegrityError):
        _raw(sql, [ledger_row.pk])


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE credits_certificate SET number = 'X' WHERE id = %s",
        "UPDATE credits_certificate SET holder_name = '王五' WHERE id = %s",
        "UPDATE credits_certificate SET issued_on = issued_on - 1 WHERE id = %s",
        "UPDATE credits_certificate SET verification_code = 'Y' WHERE id = %s",
        "UPDATE credits_certificate SET credits_snapshot = '[]'::jsonb WHERE id = %s",
        "DELETE FROM credits_certificate WHERE id = %s",
    ],
)
@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers exist only on PostgreSQL")
def test_postgres_refuses_raw_certificate_identity_changes(certificate, sql):
    with pytest.raises(IntegrityError):
        _raw(sql, [certificate.pk])


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers exist only on PostgreSQL")
def test_postgres_allows_status_pdf_and_masking_the_name(certificate):
    _raw(
        "UPDATE credits_certificate SET pdf_sha256 = 'abc', holder_name = '张*明', valid_until = valid_until + 1 "
        "WHERE id = %s",
        [certificate.pk],
    )
    assert Certificate.objects.get(pk=certificate.pk).holder_name == "张*明"
