"""The README's production steps, followed word for word in a fresh copy of the code: copy `.env.example` to `.env`,
set what the README says to set, source it with `set -a`, then check --deploy, migrate and collectstatic.

`.env.example` leaves `DATABASE_URL=`, `STATIC_ROOT=`, `MEDIA_ROOT=` and `PRIVATE_MEDIA_ROOT=` empty and says empty
means "not set": sourced by sh they arrive as empty strings, which once gave `KeyError: 'ENGINE'` and made all three
directories the working directory."""

import json
import re
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Our apps (every top-level package with an apps.py: a new app is copied without touching this list) and the files
# the production steps read.
CODE = [
    *sorted(path.parent.name for path in ROOT.glob("*/apps.py")),
    "manage.py",
    "gunicorn.conf.py",
    ".env.example",
]


def readme_production_commands() -> list[str]:
    """The shell lines of the README's production block, from `cp .env.example .env` to collectstatic."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(cp \.env\.example \.env.*?)```", readme, re.DOTALL)
    assert block, "the README's production block (starting `cp .env.example .env`) is missing"
    lines = [line.split("  #")[0].strip() for line in block.group(1).splitlines()]
    return [line for line in lines if line and "gunicorn" not in line]  # the server itself is tested elsewhere


def set_variable(env_file: Path, name: str, value: str) -> None:
    """Edit one `NAME=` line of a copied .env, as a person does with an editor."""
    text = env_file.read_text(encoding="utf-8")
    text, count = re.subn(rf"^{name}=.*$", f"{name}={value}", text, flags=re.MULTILINE)
    assert count == 1, name
    env_file.write_text(text, encoding="utf-8")


@pytest.fixture
def fresh_copy(tmp_path):
    """The code as a fresh clone has it (no database, no static or media directories), with this virtualenv.

    In memory where there is a tmpfs: migrate on SQLite fsyncs every transaction, which on a disk costs a minute."""
    shm = Path("/dev/shm")  # noqa: S108 (mkdtemp below makes a private directory in it)
    tmp_path = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() else tmp_path
    for name in CODE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, tmp_path / name)
    (tmp_path / ".venv").symlink_to((ROOT / ".venv").resolve())
    # Brotli at its highest level takes most of a minute of CPU over Wagtail's admin bundles: a module that fails
    # to import leaves it out (WhiteNoise then skips .br files), and everything else is checked as made.
    (tmp_path / "no-brotli").mkdir()
    (tmp_path / "no-brotli" / "brotli.py").write_text("raise ImportError('left out by the test')\n")
    yield tmp_path
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_readme_production_steps_work_when_followed_literally(fresh_copy):
    commands = readme_production_commands()
    assert commands[0] == "cp .env.example .env"
    assert commands[1] == "set -a; . ./.env; set +a"
    subprocess.run(commands[0], shell=True, cwd=fresh_copy, check=True)  # noqa: S602 (the README's own line)
    # "then set SECRET_KEY, ALLOWED_HOSTS, SITE_BASE_URL, DATABASE_URL, …": a fresh secret, the host and its address
    # (check --deploy warns without it); DATABASE_URL stays empty (SQLite, the default .env.example names), as do
    # the file directories (their defaults under the checkout).
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^cp \.env\.example \.env +# then set [^\n]*\bSITE_BASE_URL\b", readme, re.MULTILINE)
    env_file = fresh_copy / ".env"
    set_variable(env_file, "SECRET_KEY", secrets.token_urlsafe(50))
    set_variable(env_file, "ALLOWED_HOSTS", "academy.example.org")
    set_variable(env_file, "SITE_BASE_URL", "https://academy.example.org")
    for empty in ("DATABASE_URL", "STATIC_ROOT", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"):
        assert re.search(rf"^{empty}=$", env_file.read_text(encoding="utf-8"), re.MULTILINE), empty

    script = " && ".join(commands[1:])
    result = subprocess.run(  # noqa: S603 (the README's own lines)
        ["sh", "-ec", script],  # noqa: S607
        cwd=fresh_copy,
        env={
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(fresh_copy),
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(fresh_copy / "no-brotli"),
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (fresh_copy / "db.sqlite3").stat().st_size > 0  # the SQLite default, not a KeyError
    static_root = fresh_copy / "static"  # STATIC_ROOT's default, not the working directory
    assert not (fresh_copy / "staticfiles.json").exists()
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    hashed = manifest["css/site.css"]  # the compressed manifest production serves
    assert hashed != "css/site.css" and (static_root / hashed).exists()
    assert (static_root / f"{hashed}.gz").exists()
    assert "wagtailadmin/css/core.css" in manifest
