"""On PostgreSQL, the database itself refuses what the models refuse: updating or deleting ledger and offline-hours
rows, deleting certificates, and changing an issued certificate's identity (number, holder, programme, name and
credits snapshots, issue date, verification code). The one allowed identity change is the account-deletion rule:
the name snapshot may become its own masked form (张三明 → 张*明, 张三 → 张*), exactly as
credits.certificates.rules.mask_name computes it. On SQLite this migration does nothing (the model guards remain).
Bulk TRUNCATE (test database flushes) is not a row change and is not affected."""

from django.db import migrations

INSTALL = r"""
CREATE OR REPLACE FUNCTION credits_refuse_ledger_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS credits_creditentry_append_only ON credits_creditentry;
CREATE TRIGGER credits_creditentry_append_only BEFORE UPDATE OR DELETE ON credits_creditentry
    FOR EACH ROW EXECUTE FUNCTION credits_refuse_ledger_change();
DROP TRIGGER IF EXISTS credits_offlinehoursentry_append_only ON credits_offlinehoursentry;
CREATE TRIGGER credits_offlinehoursentry_append_only BEFORE UPDATE OR DELETE ON credits_offlinehoursentry
    FOR EACH ROW EXECUTE FUNCTION credits_refuse_ledger_change();

CREATE OR REPLACE FUNCTION credits_certificate_mask_name(name text) RETURNS text AS $$
DECLARE
    trimmed text := btrim(coalesce(name, ''));
BEGIN
    IF char_length(trimmed) <= 1 THEN
        RETURN trimmed;
    ELSIF char_length(trimmed) = 2 THEN
        RETURN left(trimmed, 1) || '*';
    END IF;
    RETURN left(trimmed, 1) || '*' || right(trimmed, 1);
END;
$$ LANGUAGE plpgsql IMMUTABLE;

CREATE OR REPLACE FUNCTION credits_certificate_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'certificates cannot be deleted; revoke them instead' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.number IS DISTINCT FROM OLD.number
        OR NEW.holder_id IS DISTINCT FROM OLD.holder_id
        OR NEW.programme_id IS DISTINCT FROM OLD.programme_id
        OR NEW.credits_snapshot::jsonb IS DISTINCT FROM OLD.credits_snapshot::jsonb
        OR NEW.issued_on IS DISTINCT FROM OLD.issued_on
        OR NEW.verification_code IS DISTINCT FROM OLD.verification_code
        OR (NEW.holder_name IS DISTINCT FROM OLD.holder_name
            AND NEW.holder_name IS DISTINCT FROM credits_certificate_mask_name(OLD.holder_name))
    THEN
        RAISE EXCEPTION 'an issued certificate''s identity cannot be changed' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS credits_certificate_identity ON credits_certificate;
CREATE TRIGGER credits_certificate_identity BEFORE UPDATE OR DELETE ON credits_certificate
    FOR EACH ROW EXECUTE FUNCTION credits_certificate_guard();
"""

UNINSTALL = """
DROP TRIGGER IF EXISTS credits_certificate_identity ON credits_certificate;
DROP TRIGGER IF EXISTS credits_offlinehoursentry_append_only ON credits_offlinehoursentry;
DROP TRIGGER IF EXISTS credits_creditentry_append_only ON credits_creditentry;
DROP FUNCTION IF EXISTS credits_certificate_guard();
DROP FUNCTION IF EXISTS credits_certificate_mask_name(text);
DROP FUNCTION IF EXISTS credits_refuse_ledger_change();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNINSTALL, params=None)


class Migration(migrations.Migration):
    dependencies = [("credits", "0004_certs2_bulk_issue_cohort")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
