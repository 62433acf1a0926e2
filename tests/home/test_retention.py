"""Event sign-ups made without an account are deleted EVENT_SIGNUP_RETENTION_DAYS after their event ends."""

import io

import pytest
from django.core.management import call_command

from home.models import EventSignup
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signups(make_event, settings):
    settings.EVENT_SIGNUP_RETENTION_DAYS = 30
    long_ago = make_event(title="去年的书画课", days=-40)
    recent = make_event(title="上周的茶话会", days=-10)
    trainee = UserFactory()
    return {
        "expired": EventSignup.objects.create(event=long_ago, name="王五", phone="+8613955556666"),
        "with_account": EventSignup.objects.create(event=long_ago, name="赵六", phone="+8613977778888", user=trainee),
        "recent": EventSignup.objects.create(event=recent, name="王五", phone="+8613955556666"),
    }


def test_command_deletes_only_expired_signups_made_without_an_account(signups):
    out = io.StringIO()
    call_command("purge_event_signups", stdout=out)
    assert not EventSignup.objects.filter(pk=signups["expired"].pk).exists()
    assert EventSignup.objects.filter(pk=signups["with_account"].pk).exists()
    assert EventSignup.objects.filter(pk=signups["recent"].pk).exists()
    assert "Deleted 1 " in out.getvalue()


def test_a_longer_retention_keeps_them(signups, settings):
    settings.EVENT_SIGNUP_RETENTION_DAYS = 60
    call_command("purge_event_signups", stdout=io.StringIO())
    assert EventSignup.objects.count() == 3


def test_running_twice_deletes_nothing_more(signups):
    call_command("purge_event_signups", stdout=io.StringIO())
    out = io.StringIO()
    call_command("purge_event_signups", stdout=out)
    assert "Deleted 0 " in out.getvalue() and EventSignup.objects.count() == 2
