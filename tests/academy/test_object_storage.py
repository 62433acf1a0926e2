"""Media and certificate PDFs on S3-compatible object storage, against a real S3 server (moto) that this module
starts on loopback: PDFs land under the private prefix, downloads go to the holder and staff only, as a signed URL
that expires within a minute (or streamed through Django when so configured), and /healthz probes both stores."""

import hashlib
import json
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from moto.server import ThreadedMotoServer

from credits.certificates.services import issuing
from credits.models import Certificate
from tests.credits.conftest import certified_world  # noqa: F401, F811 (a fixture shared with the certificate tests)
from tests.factories import UserFactory, make_registrar
from tests.ports import free_port

pytestmark = pytest.mark.django_db

PORTS = range(55441, 55450)
BUCKET = "sanfang-academy"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "academy-test", "AWS_SECRET_ACCESS_KEY": "academy-test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint():
    """A moto S3 server on 127.0.0.1, for this module only."""
    port = free_port(PORTS)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_endpoint, settings_for_env, settings, monkeypatch):
    """Settings as S3_BUCKET and friends make them, in force for one test, with an empty bucket; the certificate
    PDF field (whose storage was bound when the model loaded) is pointed at the new private storage."""
    conf = settings_for_env(
        S3_BUCKET=BUCKET, S3_ENDPOINT_URL=s3_endpoint, S3_REGION="us-east-1", S3_ADDRESSING_STYLE="path", **CREDENTIALS
    )
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**conf["STORAGES"], "staticfiles": settings.STORAGES["staticfiles"]}
    settings.PRIVATE_FILE_DELIVERY = conf["PRIVATE_FILE_DELIVERY"]
    settings.PRIVATE_FILE_URL_SECONDS = conf["PRIVATE_FILE_URL_SECONDS"]
    monkeypatch.setattr(Certificate._meta.get_field("pdf"), "storage", storages["private"])
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def fetch(url: str):
    """GET a URL as a browser following the redirect would: (status, headers (case-insensitive), body)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback test server)
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def certificate(s3, certified_world):  # noqa: F811
    return issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])


def test_settings_put_media_and_private_files_under_their_own_prefixes(settings_for_env):
    conf = settings_for_env(S3_BUCKET="b", S3_PRIVATE_BUCKET="p", S3_ENDPOINT_URL="http://127.0.0.1:9000")
    media, private = conf["STORAGES"]["default"], conf["STORAGES"]["private"]
    assert media["BACKEND"] == private["BACKEND"] == "storages.backends.s3.S3Storage"
    assert media["OPTIONS"]["location"] == "media" and media["OPTIONS"]["querystring_auth"] is False
    assert private["OPTIONS"]["bucket_name"] == "p" and private["OPTIONS"]["location"] == "private"
    assert private["OPTIONS"]["querystring_auth"] is True and private["OPTIONS"]["querystring_expire"] == 60
    assert private["OPTIONS"]["default_acl"] == "private" and private["OPTIONS"]["custom_domain"] is None
    assert conf["PRIVATE_FILE_DELIVERY"] == "signed-url"
    assert settings_for_env()["PRIVATE_FILE_DELIVERY"] == "django"


def test_certificate_pdf_is_stored_under_the_private_prefix_only(s3, certificate):
    stored = keys(s3)
    assert stored == [f"private/{certificate.pdf.name}"]
    body = s3.get_object(Bucket=BUCKET, Key=stored[0])["Body"].read()
    assert hashlib.sha256(body).hexdigest() == certificate.pdf_sha256


def test_holder_gets_a_short_lived_signed_url_that_downloads_the_pdf(client, s3_endpoint, certificate):
    client.force_login(certificate.holder)
    response = client.get(f"/credits/certificates/{certificate.pk}/download/")
    assert response.status_code == 302 and "no-store" in response["Cache-Control"]
    url = response["Location"]
    assert url.startswith(f"{s3_endpoint}/{BUCKET}/private/certificates/")
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["60"] and query["X-Amz-Signature"]
    status, headers, data = fetch(url)
    assert status == 200 and data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    assert headers["Content-Type"] == "application/pdf"
    assert (
        headers["Content-Disposition"].startswith("attachment;")
        and "filename*=utf-8''" in headers["Content-Disposition"]
    )


@pytest.mark.parametrize("who", ["anonymous", "other_trainee"])
def test_nobody_else_gets_a_url(client, certificate, who):
    if who == "other_trainee":
        client.force_login(UserFactory(street=certificate.holder.street))
    response = client.get(f"/credits/certificates/{certificate.pk}/download/")
    assert response.status_code == 404 and "Location" not in response


def test_registrar_gets_a_url_too(client, certificate, staff_groups):
    client.force_login(make_registrar())
    response = client.get(f"/credits/certificates/{certificate.pk}/download/")
    assert response.status_code == 302 and fetch(response["Location"])[0] == 200


def test_streaming_through_django_works_on_s3_when_chosen(client, settings, certificate):
    settings.PRIVATE_FILE_DELIVERY = "django"
    client.force_login(certificate.holder)
    response = client.get(f"/credits/certificates/{certificate.pk}/download/")
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == certificate.pdf_sha256


def test_media_get_plain_public_urls_under_the_media_prefix(s3, s3_endpoint):
    name = default_storage.save("images/seal.txt", ContentFile(b"public"))
    assert keys(s3) == [f"media/{name}"]
    url = default_storage.url(name)
    assert url.startswith(f"{s3_endpoint}/{BUCKET}/media/images/") and "Signature" not in url


def test_healthz_probes_both_stores_and_cleans_up(client, s3):
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["checks"]["storage"]["ok"] and body["checks"]["private_storage"]["ok"]
    assert keys(s3) == []
