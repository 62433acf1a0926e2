"""deploy/ stays true to the code: every manage.py command the runbook and the units name exists (and the units'
arguments parse), every setting variable they mention is in .env.example, timers have services, the shell scripts
parse, and the nginx example never serves the private files."""

import configparser
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("academy-*"))
TEXTS = [
    DEPLOY / "README.md",
    DEPLOY / "backup.sh",
    DEPLOY / "academy-manage",
    DEPLOY / "nginx" / "academy.conf",
    *UNITS,
]
# Variables in deploy/ that are not settings: the backup script's own, and systemd's.
NOT_SETTINGS = {"BACKUP_DIR", "BACKUP_KEEP_DAYS", "MAINPID"}
PRODUCTION_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
COMMAND = re.compile(r"(?:manage\.py|academy-manage)[ \t]+([a-z_]+)")


def env_example_names() -> set[str]:
    return {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.startswith("#")
    }


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser


def exec_starts(path: Path) -> list[str]:
    """Every ExecStart= line of a unit (configparser keeps only the last of repeated keys)."""
    return [
        line.split("=", 1)[1] for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("ExecStart=")
    ]


def test_the_runbook_and_units_exist():
    names = {path.name for path in UNITS}
    assert {"academy-web.service", "academy-worker@.service"} <= names
    assert (DEPLOY / "README.md").exists() and (DEPLOY / "nginx" / "academy.conf").exists()


@pytest.mark.parametrize("path", TEXTS, ids=lambda path: path.name)
def test_every_manage_py_command_named_exists(path):
    named = set(COMMAND.findall(path.read_text(encoding="utf-8")))
    assert named - set(get_commands()) == set()


def test_the_runbook_names_every_periodic_command_and_the_worker():
    text = (DEPLOY / "README.md").read_text(encoding="utf-8")
    named = set(COMMAND.findall(text)) | set(re.findall(r"`([a-z_]+) --", text))
    assert {"send_session_reminders", "send_certificate_reminders", "publish_scheduled", "clearsessions"} <= named
    assert {"requeue_stale_tasks", "sweep_orphan_certificate_files"} <= named
    assert {"db_worker", "migrate", "collectstatic", "prune_db_task_results"} <= named


@pytest.mark.parametrize("path", [p for p in UNITS if p.suffix == ".service"], ids=lambda path: path.name)
def test_unit_commands_parse_with_their_arguments(path):
    for line in exec_starts(path):
        words = shlex.split(line)
        if "manage.py" not in words:
            continue
        name, *arguments = words[words.index("manage.py") + 1 :]
        command = load_command_class(get_commands()[name], name)
        with override_settings(TASKS=PRODUCTION_TASKS):  # db_worker accepts only a database task backend
            command.create_parser("manage.py", name).parse_args(arguments)  # raises CommandError on a bad argument


@pytest.mark.parametrize("path", TEXTS, ids=lambda path: path.name)
def test_every_setting_variable_mentioned_is_in_env_example(path):
    text = path.read_text(encoding="utf-8")
    mentioned = set(re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", text))
    mentioned |= set(re.findall(r"(?m)^\s*(?:Environment=)?([A-Z][A-Z0-9_]*)=", text))
    mentioned |= set(re.findall(r"`([A-Z][A-Z0-9]*_[A-Z0-9_]+)(?:=[^`]*)?`", text))
    assert mentioned - env_example_names() - NOT_SETTINGS == set()


def test_every_timer_has_its_service_and_a_schedule():
    timers = [path for path in UNITS if path.suffix == ".timer"]
    assert len(timers) >= 4
    for timer in timers:
        assert (timer.with_suffix(".service")).exists(), timer.name
        assert unit(timer)["Timer"]["OnCalendar"]
        assert unit(timer)["Install"]["WantedBy"] == "timers.target"
    calendar = shutil.which("systemd-analyze")
    if calendar:  # where systemd's tools exist, let systemd itself read each schedule
        for timer in timers:
            spec = unit(timer)["Timer"]["OnCalendar"]
            result = subprocess.run([calendar, "calendar", spec], capture_output=True, text=True, check=False)  # noqa: S603
            assert result.returncode == 0, (timer.name, result.stderr)


def test_services_run_as_the_academy_user_from_the_checkout_with_the_env_file():
    for path in (p for p in UNITS if p.suffix == ".service"):
        service = unit(path)["Service"]
        assert service["User"] == "academy" and service["WorkingDirectory"] == "/srv/academy", path.name
        assert service["EnvironmentFile"] == "/etc/academy/academy.env", path.name
        for line in exec_starts(path):
            assert line.startswith("/srv/academy/"), (path.name, line)
            executable = line.split()[0].removeprefix("/srv/academy/")
            if not executable.startswith(".venv/"):
                assert (ROOT / executable).exists(), (path.name, executable)


def test_shell_scripts_parse():
    for script in (DEPLOY / "backup.sh", DEPLOY / "academy-manage"):
        assert script.stat().st_mode & 0o111, f"{script.name} is not executable"
        shell = "bash" if "bash" in script.read_text().splitlines()[0] else "sh"
        subprocess.run([shell, "-n", str(script)], check=True)  # noqa: S603, S607


def test_nginx_never_serves_the_private_files_and_proxies_the_rest():
    conf = (DEPLOY / "nginx" / "academy.conf").read_text(encoding="utf-8")
    served = re.findall(r"(?m)^\s*(?:alias|root)\s+(\S+);", conf)
    assert served and not any("private" in path for path in served)
    assert "proxy_pass http://academy_web;" in conf and "ssl_certificate " in conf
    assert "X-Forwarded-Proto $scheme" in conf


def test_env_example_reads_the_same_in_sh_as_in_systemd():
    """deploy/academy-manage sources the environment file with sh; systemd reads it as EnvironmentFile. A value with
    a space or a < must be quoted for sh, and systemd strips those quotes: both must see the same value."""
    result = subprocess.run(
        ["sh", "-c", 'set -a; . ./.env.example; set +a; printf "%s\\n" "$DEFAULT_FROM_EMAIL" "$TRUSTED_PROXIES"'],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines() == ["三方学院 <noreply@academy.example.org>", "127.0.0.1,::1"]
