"""Make the audit table append-only in the database itself.

UPDATE and DELETE are refused row by row, TRUNCATE for the statement, with a message that says why.
Plain triggers rather than django-pgtrigger: pgtrigger's triggers can be skipped by any session that
sets ``pgtrigger.ignore``; these can only be switched off by the table's owner (ALTER TABLE), and
the hash chain catches what such an owner changes.

TRUNCATE is allowed only when the session sets ``audit.allow_truncate = on``: Django's test runner
empties every table with one TRUNCATE between transactional tests (portal/settings/test.py sets it).
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('audit.allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Record a new event instead of changing or removing one.';
END;
$$;

CREATE TRIGGER audit_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

CREATE TRIGGER audit_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""

BACKWARD = r"""
DROP TRIGGER audit_no_truncate ON audit_auditevent;
DROP TRIGGER audit_append_only ON audit_auditevent;
DROP FUNCTION audit_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
