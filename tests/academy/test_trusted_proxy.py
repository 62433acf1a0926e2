"""Behind nginx every request arrives from 127.0.0.1: the client's own address is taken from X-Forwarded-For,
but only when a trusted proxy sent it, so per-IP rate limits count each client and nobody can forge an address."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from academy.middleware import TrustedProxyMiddleware


def client_address(remote_addr: str, forwarded: str | None = None, trusted=("127.0.0.1", "::1")) -> str:
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **extra)
    with override_settings(TRUSTED_PROXIES=list(trusted)):
        TrustedProxyMiddleware(lambda r: HttpResponse())(request)
    return request.META["REMOTE_ADDR"]


def test_address_reported_by_the_local_proxy_becomes_the_client_address():
    assert client_address("127.0.0.1", "203.0.113.7") == "203.0.113.7"
    assert client_address("::1", "2001:db8::5") == "2001:db8::5"


def test_entries_a_client_made_up_are_ignored():
    # The client sent "X-Forwarded-For: 1.2.3.4"; nginx ($proxy_add_x_forwarded_for) appended the real address.
    assert client_address("127.0.0.1", "1.2.3.4, 203.0.113.7") == "203.0.113.7"


def test_a_chain_of_trusted_proxies_is_walked_back_to_the_client():
    trusted = ("127.0.0.1", "10.0.0.2")  # nginx here, a load balancer in front of it
    assert client_address("127.0.0.1", "9.9.9.9, 203.0.113.7, 10.0.0.2", trusted) == "203.0.113.7"


def test_cidr_ranges_trust_every_proxy_inside_them():
    trusted = ("127.0.0.1", "10.0.0.0/8", "2001:db8:1::/48")  # nginx here, load balancers sending from ranges
    assert client_address("10.20.30.40", "203.0.113.7") == "10.20.30.40"  # not trusted by default
    assert client_address("10.20.30.40", "203.0.113.7", trusted) == "203.0.113.7"
    assert client_address("127.0.0.1", "9.9.9.9, 203.0.113.7, 10.1.2.3, 10.200.0.9", trusted) == "203.0.113.7"
    assert client_address("2001:db8:1:ffff::1", "2001:db8:99::5", trusted) == "2001:db8:99::5"
    assert client_address("11.0.0.1", "203.0.113.7", trusted) == "11.0.0.1"  # just outside the range
    assert client_address("127.0.0.1", "10.0.0.1, unknown", trusted) == "unknown"  # garbage is never a proxy


def test_an_entry_that_is_neither_an_address_nor_a_range_stops_the_site():
    with override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "nginx.internal"]), pytest.raises(ImproperlyConfigured):
        TrustedProxyMiddleware(lambda r: HttpResponse())


def test_a_request_not_from_a_trusted_proxy_keeps_its_own_address():
    assert client_address("198.51.100.3", "203.0.113.7") == "198.51.100.3"
    assert client_address("127.0.0.1", "203.0.113.7", trusted=()) == "127.0.0.1"
    assert client_address("127.0.0.1") == "127.0.0.1"


@pytest.mark.django_db
@override_settings(CERTIFICATE_VERIFY_REQUESTS_PER_MINUTE=2)
def test_verification_rate_limit_counts_each_client_behind_the_proxy(client):
    cache.clear()

    def verify(address):
        return client.get("/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)

    assert [verify("203.0.113.7").status_code for _ in range(3)] == [404, 404, 429]
    assert verify("203.0.113.8").status_code == 404  # another person behind the same nginx is not limited
