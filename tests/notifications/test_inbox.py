"""The site inbox (消息中心): only one's own notices, the unread count in the header, marking read."""

import pytest
from django.urls import reverse

from notifications import services
from notifications.choices import Event
from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def notice(user, text="明天上午停电，课程改期。", link="/learning/sessions/1/"):
    return services.notify(
        event=Event.STAFF_NOTICE, recipients=[user], context={"title": "停课通知", "text": text}, link=link
    )[0]


def test_header_shows_the_unread_count_and_opening_a_notice_lowers_it(client):
    user = UserFactory()
    first, _second = notice(user), notice(user)
    client.force_login(user)

    page = client.get(reverse("notifications_inbox")).content.decode()
    assert 'data-testid="inbox-link">消息 <span class="badge" aria-label="2条未读">2</span>' in page
    assert "停课通知" in page and "明天上午停电" in page

    detail = client.get(reverse("notifications_detail", args=[first.pk])).content.decode()
    assert 'href="/learning/sessions/1/"' in detail  # the link to what it is about
    assert 'aria-label="1条未读">1</span>' in detail
    assert Notification.objects.get(pk=first.pk).read_at is not None


def test_mark_all_read_clears_the_count(client):
    user = UserFactory()
    notice(user), notice(user)
    client.force_login(user)
    response = client.post(reverse("notifications_mark_all_read"))
    assert response.status_code == 302
    assert 'class="badge"' not in client.get(reverse("notifications_inbox")).content.decode()
    assert not Notification.objects.unread().exists()


def test_someone_elses_notice_is_not_found_and_stays_unread(client):
    owner, other = UserFactory(), UserFactory()
    theirs = notice(owner)
    client.force_login(other)
    assert client.get(reverse("notifications_detail", args=[theirs.pk])).status_code == 404
    assert "停课通知" not in client.get(reverse("notifications_inbox")).content.decode()
    client.post(reverse("notifications_mark_all_read"))
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_inbox_needs_a_log_in(client):
    response = client.get(reverse("notifications_inbox"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_link_to_another_site_is_not_offered(client):
    user = UserFactory()
    foreign = notice(user, link="https://evil.example.com/")
    client.force_login(user)
    assert "evil.example.com" not in client.get(reverse("notifications_detail", args=[foreign.pk])).content.decode()
