"""Settings for the db_worker processes the fault tests start: the test settings (and so the test database that
DATABASE_URL names), with tasks queued in the database instead of run at once."""

from academy.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
