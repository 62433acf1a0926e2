"""Numbers from several threads at once: no duplicates and no gaps, even when some transactions roll back."""

import threading

import pytest
from django.db import connection, transaction

from credits.certificates.services import issuing, numbering
from credits.models import Certificate, CertificateNumberCounter
from tests.courses.factories import CompetencyFactory
from tests.factories import UserFactory

from .factories import give_credits, make_programme

pytestmark = pytest.mark.django_db(transaction=True)


def _run(threads):
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_numbers_allocated_from_threads_have_no_duplicates_or_gaps_despite_rollbacks():
    numbers, errors = [], []

    class Rollback(Exception):
        pass

    def work(worker):
        try:
            for attempt in range(10):
                try:
                    with transaction.atomic():
                        number = numbering.certificate_number_allocate(year=2031)
                        if (worker + attempt) % 4 == 0:
                            raise Rollback  # the certificate failed: its number must be handed out again
                        numbers.append(number)
                except Rollback:
                    pass
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    _run([threading.Thread(target=work, args=(worker,)) for worker in range(4)])
    assert errors == []
    serials = sorted(int(number[-7:-1]) for number in numbers)
    assert serials == list(range(1, len(numbers) + 1))
    assert CertificateNumberCounter.objects.get(year=2031).last_serial == len(numbers)


def test_certificates_issued_from_threads_are_numbered_without_duplicates_or_gaps():
    fg = CompetencyFactory(code="FG")
    programme = make_programme(total="1.0", minimums={fg: "1.0"})
    holders = [UserFactory(real_name=f"学员{index}") for index in range(6)]
    for holder in holders:
        give_credits(holder, fg, "1.0")
    errors = []

    def work(holder):
        try:
            issuing.certificate_issue(holder=holder, programme=programme)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    _run([threading.Thread(target=work, args=(holder,)) for holder in holders])
    assert errors == []
    serials = sorted(int(number[-7:-1]) for number in Certificate.objects.values_list("number", flat=True))
    assert serials == [1, 2, 3, 4, 5, 6]
