"""Certificate numbers: consecutive within a year, allocated inside the transaction that inserts the certificates,
so a rollback returns them and numbers have neither duplicates nor gaps."""

from django.conf import settings
from django.db import IntegrityError, transaction

from ...models import CertificateNumberCounter
from .. import rules as certificate_rules


def certificate_number_counter_lock(*, year: int) -> CertificateNumberCounter:
    """The year's certificate-number counter row, locked until the caller's transaction ends (select_for_update on PostgreSQL;
    SQLite's IMMEDIATE transactions lock the database). Every issuer takes this lock before inserting a
    certificate, so whoever holds it may re-check what exists without being overtaken."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Certificate numbers must be allocated inside the certificate's transaction.")
    counter = CertificateNumberCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                CertificateNumberCounter.objects.create(year=year)
        except IntegrityError:
            pass  # another writer created this year's row first; lock theirs
        counter = CertificateNumberCounter.objects.select_for_update().get(year=year)
    return counter


def certificate_numbers_allocate(*, year: int, count: int) -> list[str]:
    """The next ``count`` consecutive numbers of ``year``. Must run inside the transaction that inserts the
    certificates: a rollback returns the numbers with the rows, so numbers have neither duplicates nor gaps."""
    counter = certificate_number_counter_lock(year=year)
    first = counter.last_serial + 1
    counter.last_serial += count
    counter.save(update_fields=["last_serial"])
    return [
        certificate_rules.certificate_number_format(settings.CERTIFICATE_NUMBER_FORMAT, year=year, serial=serial)
        for serial in range(first, first + count)
    ]


def certificate_number_allocate(*, year: int) -> str:
    """The next number of ``year`` (see ``certificate_numbers_allocate``)."""
    return certificate_numbers_allocate(year=year, count=1)[0]
