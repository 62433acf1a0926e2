"""deploy/nginx/academy.conf with Debian's own nginx: it passes `nginx -t`, and in front of gunicorn (production
settings, loopback ports) it serves a page, a static file and a holder's private certificate PDF, takes a document
upload as large as the document limit allows, and refuses a large body anywhere else.

The file is used as shipped; only what belongs to the machine is rewritten: the listening ports, the upstream's
address, the certificate (a throw-away self-signed one made here) and the directories (a temporary directory)."""

import http.client
import json
import re
import shutil
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from credits.certificates.services import issuing
from tests.courses.factories import CompetencyFactory
from tests.credits.factories import give_credits, make_programme
from tests.factories import UserFactory
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "nginx" / "academy.conf"
# This file's loopback ports: one sub-range per server, so that ports picked before anything listens differ.
UPSTREAM_PORTS, HTTP_PORTS, HTTPS_PORTS = range(55470, 55474), range(55474, 55477), range(55477, 55480)
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

needs_nginx = pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed (install-system-packages)")


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    certificate, key = directory / "academy.example.org.fullchain.pem", directory / "academy.example.org.key"
    subprocess.run(  # noqa: S603
        [shutil.which("openssl") or "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=academy.example.org", "-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    return certificate, key


def nginx_config(
    directory: Path,
    *,
    http_port: int,
    https_port: int,
    upstream_port: int,
    static_root: Path,
    media_root: Path | None = None,
    site_file: Path = CONF,
) -> Path:
    """The shipped site file (or ``site_file``, a copy of it), with this machine's ports and paths, inside a minimal
    nginx.conf of its own."""
    certificate, key = self_signed_certificate(directory)
    site = site_file.read_text(encoding="utf-8")
    replacements = {
        "/etc/nginx/tls/academy.example.org.fullchain.pem": str(certificate),
        "/etc/nginx/tls/academy.example.org.key": str(key),
        "/srv/academy/static/": f"{static_root}/",
        "/var/lib/academy/media/": f"{media_root or directory / 'media'}/",
        "server 127.0.0.1:8000 ": f"server 127.0.0.1:{upstream_port} ",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
    }
    for old, new in replacements.items():
        assert old in site, old
        site = site.replace(old, new)
    site = re.sub(r"(?m)^\s*listen \[::\].*$", "", site)  # no IPv6 in every test container
    (directory / "academy.conf").write_text(site, encoding="utf-8")
    main = directory / "nginx.conf"
    temp = {name: directory / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    main.write_text(
        "user root;\nworker_processes 1;\ndaemon off;\n"
        f"pid {directory / 'nginx.pid'};\nerror_log {directory / 'error.log'} warn;\n"
        "events { worker_connections 64; }\n"
        "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        f"  access_log {directory / 'access.log'};\n"
        f"  client_body_temp_path {temp['body']};\n  proxy_temp_path {temp['proxy']};\n"
        f"  fastcgi_temp_path {temp['fastcgi']};\n  uwsgi_temp_path {temp['uwsgi']};\n  scgi_temp_path {temp['scgi']};\n"
        f"  include {directory / 'academy.conf'};\n}}\n",
        encoding="utf-8",
    )
    return main


@needs_nginx
def test_the_shipped_config_passes_nginx_t(tmp_path):
    main = nginx_config(
        tmp_path,
        http_port=free_port(HTTP_PORTS),
        https_port=free_port(HTTPS_PORTS),
        upstream_port=8000,
        static_root=tmp_path / "static",
    )
    result = subprocess.run([NGINX, "-t", "-c", str(main)], capture_output=True, text=True, check=False)  # noqa: S603
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


def test_upload_limits_in_nginx_cover_the_settings_limits():
    """The documents location allows a 500 MiB document with its form; everything else stays small."""
    text = CONF.read_text(encoding="utf-8")
    documents = re.search(r"location /admin/documents/ \{(.*?)\n    \}", text, re.DOTALL).group(1)
    mebibytes = int(re.search(r"client_max_body_size (\d+)m;", documents).group(1))
    assert mebibytes * 1024 * 1024 > settings.WAGTAILDOCS_MAX_UPLOAD_SIZE
    general = int(re.search(r"(?m)^    client_max_body_size (\d+)m;", text).group(1))
    assert general * 1024 * 1024 > settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE


def database_url() -> str:
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    return f"postgres://{params['USER']}:{params['PASSWORD']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"


def wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    for _ in range(480):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=5).request("HEAD", "/healthz")
            return
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.25)
    raise AssertionError(log.read_text())


def https_get(port: int, path: str, *, cookie: str = "", method: str = "GET", body: bytes | None = None):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the throw-away certificate made above
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=120)
    headers = {"Host": "academy.example.org"}
    if cookie:
        headers["Cookie"] = cookie
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


@needs_nginx
@pytest.mark.usefixtures("transactional_db")
def test_nginx_in_front_of_gunicorn_serves_pages_static_files_and_private_certificates(tmp_path):
    fg = CompetencyFactory(code="FG")
    programme = make_programme(total="2.0", minimums={fg: "1.5"})
    holder = UserFactory(real_name="张晓明")
    give_credits(holder, fg, "3.0")
    certificate = issuing.certificate_issue(holder=holder, programme=programme)
    browser = Client()
    browser.force_login(holder)
    session = browser.cookies["sessionid"].value

    static_root = tmp_path / "static"
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "academy.settings.production",
        "SECRET_KEY": settings.SECRET_KEY,  # the test client's session was signed with it
        "ALLOWED_HOSTS": "academy.example.org",
        "DATABASE_URL": database_url(),
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
        "TASKS_BACKEND": "immediate",
        "PYTHONPATH": str(tmp_path / "no-brotli"),
    }
    # Brotli at its highest level takes most of a minute of CPU over Wagtail's admin bundles; gzip is kept.
    (tmp_path / "no-brotli").mkdir()
    (tmp_path / "no-brotli" / "brotli.py").write_text("raise ImportError('left out by the test')\n")
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=600
    )
    upstream, http_port, https_port = free_port(UPSTREAM_PORTS), free_port(HTTP_PORTS), free_port(HTTPS_PORTS)
    main = nginx_config(
        tmp_path, http_port=http_port, https_port=https_port, upstream_port=upstream, static_root=static_root
    )
    gunicorn_log, nginx_log = tmp_path / "gunicorn.log", tmp_path / "error.log"
    with gunicorn_log.open("w") as log:
        web = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "academy.wsgi"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{upstream}", "GUNICORN_WORKERS": "2"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    proxy = subprocess.Popen([NGINX, "-c", str(main)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        wait_for(upstream, web, gunicorn_log)
        wait_for(http_port, proxy, nginx_log)

        status, headers, body = https_get(https_port, "/accounts/login/")
        assert status == 200, body[:500]
        assert "Strict-Transport-Security" in headers  # Django saw HTTPS through X-Forwarded-Proto
        hashed = json.loads((static_root / "staticfiles.json").read_text())["paths"][
            "bundles/site.css"
        ]  # base.html links the bundle
        assert f"/static/{hashed}".encode() in body

        status, headers, body = https_get(https_port, f"/static/{hashed}")
        assert status == 200 and body == (static_root / hashed).read_bytes()
        assert "immutable" in headers["Cache-Control"]

        download = reverse("credits_certificate_download", args=[certificate.pk])
        status, headers, body = https_get(https_port, download, cookie=f"sessionid={session}")
        assert status == 200, body[:500]
        assert body.startswith(b"%PDF") and headers["Content-Type"] == "application/pdf"
        status, _, body = https_get(https_port, download)
        assert status == 404 and not body.startswith(b"%PDF")  # anonymous: no file, nor a hint that it exists

        # A 20 MiB body: refused by nginx on a form, passed on to Django (which asks for a log-in) for documents.
        large = b"x" * (20 * 1024 * 1024)
        assert https_get(https_port, "/accounts/login/", method="POST", body=large)[0] == 413
        assert https_get(https_port, "/admin/documents/multiple/add/", method="POST", body=large)[0] != 413
        # Plain HTTP moves to HTTPS, except the load balancer's probe.
        plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=30)
        plain.request("GET", "/healthz", headers={"Host": "academy.example.org"})
        assert plain.getresponse().status in (200, 503)
    finally:
        proxy.terminate()
        web.terminate()
        proxy.wait(timeout=30)
        web.wait(timeout=30)
