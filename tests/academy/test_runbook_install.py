"""deploy/README.md's first installation (section 2), followed step by step as a container allows, gives a running
site: a home page, a static file and a log-in through nginx, a task run by the worker, and /healthz ok.

The steps are read from the runbook itself, so the two cannot drift: every command of the section's ```sh blocks is
run, or rewritten, or skipped for a stated reason, and a command this test does not recognise fails it. The values
the env file gets are the section's ```dotenv block. What a container cannot have is rewritten, and only that:

- paths: /srv/academy is a fresh copy of the repository's files (as `git clone` makes it, so no compiled translations
  and no static files), /etc/academy, /var/lib/academy, /usr/local/bin and /etc/systemd/system are directories under
  a temporary one;
- the machine: PostgreSQL and Redis are the throw-away ones of `make test-postgres` (a database of its own, dropped
  afterwards), gunicorn and nginx listen on loopback ports of this file's range, nginx has a self-signed certificate;
- people: there is no `academy` user (`sudo -u academy` runs as the test's user), no editor (the dotenv block is
  written into the file) and no terminal (createsuperuser takes Django's DJANGO_SUPERUSER_* variables);
- systemd: there is none, so each unit that `systemctl enable --now` names is started as systemd would, from its
  installed file: ExecStart with %i and %H filled in, in WorkingDirectory, with Environment= and EnvironmentFile=.
  Timers are left out (the scheduler's commands are checked by tests/academy/test_runbook.py).

The running site is marked `postgres`: the runbook's production runs on PostgreSQL and Redis, which only `make
test-postgres` has; that the section still has the steps this test takes is checked everywhere."""

import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import socket
import ssl
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.academy.test_nginx import NGINX, nginx_config, wait_for
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
RUNBOOK = ROOT / "deploy" / "README.md"
# This file's loopback ports (55800-55849): one sub-range per server.
WEB_PORTS, HTTP_PORTS, HTTPS_PORTS = range(55800, 55804), range(55804, 55807), range(55807, 55810)
HOST = "academy.example.org"
REQUIREMENTS = ("requirements.txt", "requirements-dev.txt")
ADMIN = {"username": "runbook-admin", "email": "admin@academy.example.org", "password": secrets.token_urlsafe(16)}


def installation_section() -> str:
    text = RUNBOOK.read_text(encoding="utf-8")
    start = text.index("## 2. First installation")
    return text[start : text.index("\n## 3.", start)]


def installation_commands() -> list[str]:
    """Every command of section 2's ```sh blocks, in order: continuation lines joined, comments dropped."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", installation_section(), re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line and not line.startswith("#"):
                commands.append(re.sub(r"\s+", " ", line))
    return commands


def settings_values() -> dict[str, str]:
    """The section's ```dotenv block: the values the env file must have."""
    blocks = re.findall(r"```dotenv\n(.*?)```", installation_section(), re.DOTALL)
    assert len(blocks) == 1, "section 2 must have one ```dotenv block of the values to set"
    return dict(line.split("=", 1) for line in blocks[0].splitlines() if line.strip())


def read_environment_file(path: Path) -> dict[str, str]:
    """KEY=value lines as systemd's EnvironmentFile= reads them (comments skipped, one pair of quotes removed)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")) or "=" not in line:
            continue
        name, value = line.split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[name.strip()] = value
    return values


def service_section(path: Path) -> dict[str, list[str]]:
    """The [Service] section of a unit file; each key with all its values (ExecStart= may repeat)."""
    section, values = None, {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line and not line.startswith("#"):
            name, value = line.split("=", 1)
            values.setdefault(name, []).append(value)
    return values


def copy_of_the_repository(target: Path) -> None:
    """The repository's files as a clone has them: tracked and new files, nothing git ignores (no .mo, no static)."""
    listed = subprocess.run(  # noqa: S603
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (item.decode() for item in listed)):
        source = ROOT / name
        if not source.is_file() or source.is_symlink():
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name)
    (target / ".venv").symlink_to((ROOT / ".venv").resolve())  # `make setup` finds it installed and up to date


class Host:
    """One machine following the runbook: a shell session (its working directory), the paths it rewrites, the
    processes the units started."""

    def __init__(self, root: Path, *, database_url: str, redis_url: str):
        self.root = root
        self.checkout = root / "srv" / "academy"
        self.paths = {
            "/srv/academy": str(self.checkout),
            "/etc/academy": str(root / "etc" / "academy"),
            "/var/lib/academy": str(root / "var" / "lib" / "academy"),
            "/var/backups/academy": str(root / "var" / "backups" / "academy"),
            "/usr/local/bin": str(root / "usr" / "local" / "bin"),
            "/etc/systemd/system": str(root / "etc" / "systemd" / "system"),
        }
        for directory in ("/usr/local/bin", "/etc/systemd/system"):
            Path(self.paths[directory]).mkdir(parents=True)
        self.machine = {"DATABASE_URL": database_url, "REDIS_URL": redis_url}
        self.cwd = root
        self.web_port = free_port(WEB_PORTS)
        self.http_port, self.https_port = free_port(HTTP_PORTS), free_port(HTTPS_PORTS)
        self.nginx_main: Path | None = None
        self.processes: dict[str, subprocess.Popen] = {}
        # Brotli at its highest level takes most of a minute of CPU over Wagtail's admin bundles (as in test_nginx).
        (root / "no-brotli").mkdir()
        (root / "no-brotli" / "brotli.py").write_text("raise ImportError('left out by the test')\n")
        self.env = {
            "PATH": f"{self.paths['/usr/local/bin']}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
            "HOME": str(root),
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(root / "no-brotli"),
            "DJANGO_SUPERUSER_USERNAME": ADMIN["username"],
            "DJANGO_SUPERUSER_EMAIL": ADMIN["email"],
            "DJANGO_SUPERUSER_PASSWORD": ADMIN["password"],
        }

    def rewrite(self, text: str) -> str:
        for path, here in self.paths.items():
            text = text.replace(path, here)
        return text.replace("sudo -u academy ", "")

    def shell(self, command: str) -> str:
        result = subprocess.run(  # noqa: S603 (the runbook's own lines)
            ["sh", "-ec", command],  # noqa: S607
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        return result.stdout

    def follow(self, command: str) -> None:
        """Take one step of the runbook: its paths made this host's, then what `plan` makes of it."""
        for action, *arguments in self.plan(self.rewrite(command)):
            action(*arguments)

    def plan(self, command: str) -> list[tuple]:  # noqa: C901 (one dispatch table, read top to bottom)
        """What taking ``command`` means on this host: a list of (method, arguments); empty for a step left out."""
        words = command.split()
        if command.startswith("cd ") and " && " in command:
            directory, rest = command.split(" && ", 1)
            return [(setattr, self, "cwd", Path(directory.removeprefix("cd ").strip())), *self.plan(rest)]
        if " && " in command and not command.startswith("nginx -t"):
            return [action for part in command.split(" && ") for action in self.plan(part)]
        if words[:2] == ["apt-get", "install"]:
            return []  # system packages: scripts/install-system-packages.sh installed this machine's
        if words[0] == "adduser":
            return []  # no system user: every process runs as the test's user
        if words[0] == "install" and "/etc/nginx/" in command:
            return []  # the site's certificate: nginx_config makes a self-signed one where academy.conf looks
        if words[0] == "install":
            # Owners and groups need the academy user; the files, directories and modes are made as written.
            return [(self._install, re.sub(r" -[og] \S+", "", command))]
        if words[:2] == ["git", "clone"]:
            return [(copy_of_the_repository, Path(words[-1]))]
        if words[0] == "editor":
            return [(self._edit_environment_file, Path(words[1]))]
        if words[0] == "academy-manage":
            return [(self._manage, command)]
        if words[:2] == ["make", "setup"]:
            return [(self.shell, command)]
        if words[:2] == ["systemctl", "daemon-reload"]:
            return []  # no systemd: the units are read from where the runbook copied them
        if words[:3] == ["systemctl", "enable", "--now"]:
            # Timers are the scheduler's: their commands are checked by tests/academy/test_runbook.py.
            return [(self._start_unit, name) for name in words[3:] if not name.endswith(".timer")]
        if words[0] == "cp" and "deploy/nginx/academy.conf" in words:
            return []  # the site file is read from the checkout by `nginx -t` below, with this machine's ports
        if words[0] == "ln" and "/etc/nginx/sites-enabled/" in command:
            return []
        if words[0] == "cp":
            return [(self.shell, command)]
        if command == "nginx -t && systemctl reload nginx":
            return [(self._nginx,)]
        if words[0] == "curl" and "/healthz" in command:
            return [(self._health_through_nginx,)]
        raise AssertionError(f"deploy/README.md section 2 has a step this test does not know how to take: {command}")

    def _install(self, command: str) -> None:
        self.shell(command)
        words = shlex.split(command)
        source, target = words[-2], words[-1]
        if (
            "-d" not in words and Path(source).name == "academy-manage"
        ):  # the helper names /srv/academy and /etc/academy: this host's
            installed = Path(target)
            installed.write_text(self.rewrite(installed.read_text(encoding="utf-8")), encoding="utf-8")

    def _edit_environment_file(self, path: Path) -> None:
        """As a person with an editor: the dotenv block's values, with this machine's in place of each <…>, host
        name and path; gunicorn on this file's port (nginx's upstream below says the same)."""
        values = {name: self.rewrite(value) for name, value in settings_values().items()}
        values.update(self.machine, SECRET_KEY=secrets.token_urlsafe(50), GUNICORN_BIND=f"127.0.0.1:{self.web_port}")
        assert not [name for name, value in values.items() if "<" in value], values
        text = path.read_text(encoding="utf-8")
        for name, value in values.items():
            text, count = re.subn(rf"(?m)^{name}=.*$", lambda _m, v=f"{name}={value}": v, text)
            assert count == 1, f"{name} is not a line of .env.example"
        path.write_text(text, encoding="utf-8")

    def _manage(self, command: str) -> None:
        if command.split()[1] == "createsuperuser":
            command += " --noinput"  # no terminal: Django takes DJANGO_SUPERUSER_* instead of asking
        self.output = self.shell(command)

    def _start_unit(self, name: str) -> None:
        template = re.sub(r"@[^.]+", "@", name)
        unit_file = Path(self.paths["/etc/systemd/system"]) / (template if "." in template else f"{template}.service")
        instance = name.split("@", 1)[1] if "@" in name else ""
        service = service_section(unit_file)
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}  # systemd's own, before the unit's
        for path in service.get("EnvironmentFile", []):
            env.update(read_environment_file(Path(self.rewrite(path.lstrip("-")))))
        for assignments in service.get("Environment", []):
            env.update(word.split("=", 1) for word in shlex.split(assignments))
        (start,) = service["ExecStart"]
        start = self.rewrite(start).replace("%i", instance).replace("%H", socket.gethostname())
        log = (self.root / f"{name}.log").open("w")
        self.processes[name] = subprocess.Popen(  # noqa: S603 (the unit's own command)
            shlex.split(start),
            cwd=self.rewrite(service["WorkingDirectory"][0]),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        if name == "academy-web":
            wait_for(self.web_port, self.processes[name], self.root / f"{name}.log")

    def _nginx(self) -> None:
        (self.root / "nginx").mkdir()
        self.nginx_main = nginx_config(
            self.root / "nginx",
            http_port=self.http_port,
            https_port=self.https_port,
            upstream_port=self.web_port,
            static_root=Path(self.rewrite("/srv/academy/static")),
            media_root=Path(self.rewrite("/var/lib/academy/media")),
            site_file=self.checkout / "deploy" / "nginx" / "academy.conf",
        )
        result = subprocess.run([NGINX, "-t", "-c", str(self.nginx_main)], capture_output=True, text=True, check=False)  # noqa: S603
        assert result.returncode == 0, result.stderr
        self.processes["nginx"] = subprocess.Popen(  # noqa: S603
            [NGINX, "-c", str(self.nginx_main)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for(self.http_port, self.processes["nginx"], self.root / "nginx" / "error.log")

    def _health_through_nginx(self) -> None:
        plain = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=60)
        plain.request("GET", "/healthz", headers={"Host": HOST})
        response = plain.getresponse()
        self.health = (response.status, json.loads(response.read()))

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


class Browser:
    """HTTPS through nginx with a cookie jar, as a phone on the site's name would."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the throw-away certificate
        connection = http.client.HTTPSConnection("127.0.0.1", self.port, context=context, timeout=120)
        headers = {"Host": HOST, "Referer": f"https://{HOST}{path}", "Origin": f"https://{HOST}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return response.status, response, response.read()

    def follow(self, path: str) -> list[tuple[int, str]]:
        """GET ``path`` and the redirects after it: each step's status and path."""
        chain = []
        for _ in range(5):
            status, response, _ = self.request("GET", path)
            chain.append((status, path))
            if status not in (301, 302, 303):
                break
            path = urllib.parse.urlsplit(response.getheader("Location"))._replace(scheme="", netloc="").geturl()
        return chain


@pytest.fixture
def database_and_redis():
    """A database of its own on `make test-postgres`'s server (as a fresh host would have), dropped afterwards."""
    import psycopg

    server, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not server.startswith("postgres") or not redis_url:
        pytest.skip("needs the PostgreSQL and Redis of `make test-postgres` (scripts/with-postgres-redis.sh)")
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (scripts/install-system-packages.sh)")
    stamp = ROOT / ".venv" / ".installed"  # `make setup` in the copy must find the virtualenv up to date, not pip
    if not stamp.exists() or any(stamp.stat().st_mtime < (ROOT / f).stat().st_mtime for f in REQUIREMENTS):
        pytest.skip("the virtualenv is older than the requirements: run `make setup` first")
    name = f"runbook_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = urllib.parse.urlsplit(server)._replace(path=f"/{name}").geturl()
    yield url, redis_url.rsplit("/", 1)[0] + "/7"  # a Redis database of its own too
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_runbook_names_only_steps_this_test_takes(tmp_path):
    """Runs everywhere (no servers): the section still has the steps below, in this order."""
    commands = installation_commands()
    order = ["apt-get install", "git clone", "make setup", ".env.example /etc/academy/academy.env", "migrate"]
    order += ["createsuperuser", "collectstatic", "systemctl enable --now academy-web", "nginx -t", "/healthz"]
    positions = [next(i for i, c in enumerate(commands) if needle in c) for needle in order]
    assert positions == sorted(positions), commands
    assert {"DATABASE_URL", "REDIS_URL", "TASKS_BACKEND", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"} <= set(settings_values())
    host = Host(tmp_path, database_url="postgres://", redis_url="redis://")
    planned = [host.plan(host.rewrite(command)) for command in commands]  # raises on a step it does not know
    started = [arguments[0] for actions in planned for action, *arguments in actions if action == host._start_unit]
    assert started == ["academy-web", "academy-worker@1"]


@pytest.mark.postgres
def test_the_runbook_followed_step_by_step_gives_a_running_site(tmp_path, database_and_redis):
    import psycopg

    database_url, redis_url = database_and_redis
    host = Host(tmp_path, database_url=database_url, redis_url=redis_url)
    try:
        for command in installation_commands():
            host.follow(command)

        # Compiled translations (make setup), the tables, the static files: where the runbook says.
        assert list(host.checkout.glob("courses/locale/zh_Hans/LC_MESSAGES/django.mo"))
        static_root = Path(host.rewrite("/srv/academy/static"))
        manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
        environment = read_environment_file(Path(host.rewrite("/etc/academy/academy.env")))
        media_root = Path(environment["MEDIA_ROOT"])  # where Django stores images and documents ...
        assert "academy-worker@1" in host.processes and "academy-web" in host.processes

        # /healthz through nginx's plain-HTTP probe (the runbook's curl): every check ok, Redis and the queue included.
        status, health = host.health
        assert status == 200 and health["status"] == "ok", health
        assert health["checks"]["task_queue"]["backend"] == "database" and health["checks"]["cache"]["ok"]

        browser = Browser(host.https_port)
        status, _, body = browser.request("GET", "/")
        assert status == 200, body[:500]
        hashed = manifest["css/site.css"]
        status, response, body = browser.request("GET", f"/static/{hashed}")
        assert status == 200 and body == (static_root / hashed).read_bytes()
        assert "immutable" in response.getheader("Cache-Control")  # nginx's location, not WhiteNoise
        (media_root / "images").mkdir(parents=True, exist_ok=True)
        (media_root / "images" / "runbook.txt").write_text("media")
        status, _, body = browser.request("GET", "/media/images/runbook.txt")
        assert (status, body) == (200, b"media")  # ... is where nginx serves them from

        # The superuser createsuperuser made logs in (staff are then sent to set up their second factor).
        status, _, body = browser.request("GET", "/accounts/login/")
        assert status == 200
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        form = {"csrfmiddlewaretoken": token, "login": ADMIN["email"], "password": ADMIN["password"]}
        status, response, body = browser.request("POST", "/accounts/login/", form)
        assert status == 302, body[:1000]
        chain = browser.follow("/admin/")
        assert chain[0][0] == 302 and "/accounts/2fa/totp/activate" in chain[1][1], chain
        assert chain[-1][0] == 200 and "/accounts/login/" not in chain[-1][1], chain  # a page for the signed-in

        # A task handed to the queue is run by the worker the unit started, under the unit's worker id.
        host.follow("academy-manage send_certificate_reminders --task")  # section 1: the reminders on a worker
        task_id = re.search(r"Enqueued task (\S+)\.", host.output).group(1)
        deadline = time.time() + 120
        with psycopg.connect(database_url, autocommit=True) as connection:
            while True:
                status, workers = connection.execute(
                    "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE id = %s", [task_id]
                ).fetchone()
                if status in ("SUCCESSFUL", "FAILED") or time.time() > deadline:
                    break
                time.sleep(0.5)
        assert status == "SUCCESSFUL", (status, (tmp_path / "academy-worker@1.log").read_text()[-3000:])
        assert workers == [f"{socket.gethostname()}-1"]
    finally:
        host.stop()
