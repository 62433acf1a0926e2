"""The certificate stage and the next step the automatic check takes: one pure function, every stage covered."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from credits.certificates.rules import Stage, Step, certificate_stage, next_step
from credits.choices import CertificateStatus, IssueMode

TODAY = date(2026, 12, 7)
FAR = TODAY + timedelta(days=365)  # renewal not open yet
SOON = TODAY + timedelta(days=30)  # renewal open (90 days before expiry)
PAST = TODAY - timedelta(days=1)


@pytest.mark.parametrize(
    ("status", "valid_until", "stage"),
    [
        (None, None, Stage.NONE),
        (CertificateStatus.VALID, TODAY, Stage.CURRENT),  # the last day still counts
        (CertificateStatus.VALID, FAR, Stage.CURRENT),
        (CertificateStatus.VALID, PAST, Stage.LAPSED),
        (CertificateStatus.REVOKED, FAR, Stage.REVOKED),
        (CertificateStatus.REVOKED, PAST, Stage.REVOKED),
    ],
)
def test_stage_is_read_from_the_latest_certificate(status, valid_until, stage):
    assert certificate_stage(status=status, valid_until=valid_until, on=TODAY) == stage


RENEWS, NO_RENEWAL = Decimal("2.0"), Decimal("0.0")
AUTO, APPROVAL = IssueMode.AUTOMATIC, IssueMode.APPROVAL

CASES = [
    # stage, valid_until, renewal credits, issue mode, met, step
    (Stage.REVOKED, FAR, RENEWS, AUTO, None, Step.LEAVE),
    (Stage.REVOKED, PAST, RENEWS, AUTO, True, Step.LEAVE),
    (Stage.CURRENT, FAR, RENEWS, AUTO, None, Step.HOLD),
    (Stage.CURRENT, SOON, NO_RENEWAL, AUTO, None, Step.HOLD),
    (Stage.CURRENT, SOON, RENEWS, AUTO, None, Step.RENEW),
    (Stage.CURRENT, SOON, RENEWS, APPROVAL, None, Step.RENEW),
    (Stage.NONE, None, RENEWS, AUTO, None, Step.JUDGE),
    (Stage.NONE, None, RENEWS, AUTO, False, Step.WAIT),
    (Stage.NONE, None, RENEWS, AUTO, True, Step.ISSUE),
    (Stage.NONE, None, RENEWS, APPROVAL, True, Step.QUEUE),
    (Stage.LAPSED, PAST, RENEWS, AUTO, None, Step.JUDGE),
    (Stage.LAPSED, PAST, NO_RENEWAL, AUTO, False, Step.WAIT),
    (Stage.LAPSED, PAST, RENEWS, AUTO, True, Step.ISSUE),
    (Stage.LAPSED, PAST, RENEWS, APPROVAL, True, Step.QUEUE),
]


@pytest.mark.parametrize(("stage", "valid_until", "renewal", "mode", "met", "step"), CASES)
def test_next_step_for_every_stage(stage, valid_until, renewal, mode, met, step):
    assert (
        next_step(stage=stage, valid_until=valid_until, today=TODAY, renewal_credits=renewal, issue_mode=mode, met=met)
        == step
    )


def test_the_cases_cover_every_stage_and_every_step():
    assert {case[0] for case in CASES} == set(Stage)
    assert {case[-1] for case in CASES} == set(Step)


def test_eligibility_is_asked_for_only_where_it_decides():
    """A current or revoked certificate never needs the holder's record read (it costs queries)."""
    for stage in (Stage.CURRENT, Stage.REVOKED):
        assert next_step(stage=stage, valid_until=FAR, today=TODAY, renewal_credits=RENEWS, issue_mode=AUTO) not in {
            Step.JUDGE,
            Step.WAIT,
            Step.ISSUE,
            Step.QUEUE,
        }
