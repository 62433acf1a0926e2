"""A streamed export keeps working when its fetches run on different server connections, as they do behind PgBouncer
in transaction mode (`PGBOUNCER=1 scripts/with-postgres-redis.sh`, the last phase of `make test-postgres`).

Django's ``.iterator()`` declares a server-side cursor (WITH HOLD, outside a transaction) and fetches it chunk by
chunk. PgBouncer hands each transaction whichever server connection is free; here a second connection holds the one
that declared the cursor while the export fetches its next chunk, so the fetch lands on another server connection.
Without ``DISABLE_SERVER_SIDE_CURSORS`` (set from the environment, deploy/README.md) that fetch fails with
``cursor "_django_curs_…" does not exist``; directly on PostgreSQL the test passes either way."""

import csv
import io

import pytest
from django.contrib.sessions.models import Session
from django.db import connections
from django.utils import timezone

from academy.spreadsheets import ITERATOR_CHUNK, lazy_rows, spreadsheet_response

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("transactional_db")]


def test_a_streamed_export_survives_its_server_connection_being_taken_between_fetches():
    expires = timezone.now() + timezone.timedelta(days=1)
    count = ITERATOR_CHUNK + 500
    Session.objects.bulk_create(
        Session(session_key=f"export-{n:06d}", session_data="", expire_date=expires) for n in range(count)
    )
    rows = ([session.session_key] for session in lazy_rows(Session.objects.order_by("session_key")))
    chunks = iter(spreadsheet_response(fmt="csv", filename="sessions", headings=["key"], rows=rows).streaming_content)
    received = [next(chunks)]  # the cursor is declared and its first chunk fetched

    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:  # a transaction left open: its server connection stays taken
            cursor.execute("SELECT 1")
        received.extend(chunks)  # the next fetches must find the rows on whatever server connection they get
    finally:
        other.rollback()
        other.close()

    text = b"".join(chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in received).decode("utf-8-sig")
    keys = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert keys == [f"export-{n:06d}" for n in range(count)]
