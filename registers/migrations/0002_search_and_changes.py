"""Search, filters and the change feed of the registers (REG-2).

pg_trgm for the trigram index on normalised names; ``registers_normalise``, the one
normalisation of names (see registers.models); the copies of the supplier's name, BIN/IIN,
classifier codes and consent on each entry, filled for the entries that exist; and the trigger
that carries a supplier's new name to its entries (which moves them in the change feed).
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.contrib.postgres.operations
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

# Upper case to lower case spelled out for Cyrillic and Kazakh, so the result does not depend on
# the database's locale (lower() of a "C" locale folds Latin only); ё is read as е; quotes
# become spaces; runs of white space collapse to one space.
UPPER = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯӘҒҚҢӨҰҮҺІЎ" + "ё«»\"“”„'"
LOWER = "абвгдеежзийклмнопрстуфхцчшщъыьэюяәғқңөұүһіў" + "е       "
assert len(UPPER) == len(LOWER)

NORMALISE_SQL = f"""
CREATE OR REPLACE FUNCTION registers_normalise(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN btrim(regexp_replace(
    lower(translate(value, '{UPPER.replace("'", "''")}', '{LOWER}')),
    '\\s+', ' ', 'g'
));
"""

BACKFILL_SQL = """
UPDATE registers_registerentry e
   SET name = s.name,
       identifier = s.identifier,
       publication_consent = a.consent_publication,
       kinds = ARRAY(
           SELECT DISTINCT code FROM (
               SELECT c.code FROM suppliers_offering o
                 JOIN portal_classifieritem c ON c.id = o.classifier_item_id
                WHERE o.application_id = e.application_id
               UNION
               SELECT p.code FROM suppliers_offering o
                 JOIN portal_classifieritem c ON c.id = o.classifier_item_id
                 JOIN portal_classifieritem p ON p.id = c.parent_id
                WHERE o.application_id = e.application_id
           ) AS codes ORDER BY code
       )
  FROM suppliers_supplier s, suppliers_application a
 WHERE s.id = e.supplier_id AND a.id = e.application_id;
"""

SUPPLIER_TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION registers_supplier_name_to_entries() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE registers_registerentry
       SET name = NEW.name, identifier = NEW.identifier
     WHERE supplier_id = NEW.id;
    RETURN NULL;
END;
$$
"""

SUPPLIER_TRIGGER_CREATE_SQL = """
CREATE TRIGGER registers_supplier_name_to_entries
AFTER UPDATE OF name, identifier ON suppliers_supplier
FOR EACH ROW
WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.identifier IS DISTINCT FROM NEW.identifier)
EXECUTE FUNCTION registers_supplier_name_to_entries();
"""

DROP_SUPPLIER_TRIGGER_SQL = [
    "DROP TRIGGER IF EXISTS registers_supplier_name_to_entries ON suppliers_supplier",
    "DROP FUNCTION IF EXISTS registers_supplier_name_to_entries()",
]


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0005_user_language'),
        ('registers', '0001_register_entries'),
        ('suppliers', '0006_application_decision_protocol_url'),
    ]

    operations = [
        django.contrib.postgres.operations.TrigramExtension(),
        migrations.RunSQL(
            sql=[NORMALISE_SQL],
            reverse_sql="DROP FUNCTION IF EXISTS registers_normalise(text)",
        ),
        migrations.AddField(
            model_name='registerentry',
            name='deregistration_protocol_url',
            field=models.CharField(blank=True, max_length=200, verbose_name='address of the published protocol of deregistration'),
        ),
        migrations.AddField(
            model_name='registerentry',
            name='identifier',
            field=models.CharField(blank=True, editable=False, max_length=12, verbose_name='BIN/IIN'),
        ),
        migrations.AddField(
            model_name='registerentry',
            name='kinds',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=32), blank=True, default=list, editable=False, size=None, verbose_name='kinds of goods and services'),
        ),
        migrations.AddField(
            model_name='registerentry',
            name='name',
            field=models.CharField(blank=True, editable=False, max_length=500, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='registerentry',
            name='publication_consent',
            field=models.BooleanField(blank=True, editable=False, null=True, verbose_name='consent to publication'),
        ),
        migrations.AddField(
            model_name='registerentry',
            name='updated_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='updated at'),
        ),
        migrations.AddField(
            model_name='registerentry',
            name='name_search',
            field=models.GeneratedField(db_persist=True, expression=models.Func(models.F('name'), function='registers_normalise', output_field=models.TextField()), output_field=models.TextField(), verbose_name='name for search'),
        ),
        migrations.AddIndex(
            model_name='registerentry',
            index=models.Index(fields=['identifier'], name='register_entry_identifier'),
        ),
        migrations.AddIndex(
            model_name='registerentry',
            index=models.Index(fields=['register', 'name_search', 'id'], name='register_name_order'),
        ),
        migrations.AddIndex(
            model_name='registerentry',
            index=models.Index(fields=['register', '-admitted_on', '-id'], name='register_admitted_order'),
        ),
        migrations.AddIndex(
            model_name='registerentry',
            index=models.Index(fields=['updated_at', 'id'], name='register_entry_changes'),
        ),
        migrations.AddIndex(
            model_name='registerentry',
            index=django.contrib.postgres.indexes.GinIndex(fields=['name_search'], name='register_name_trigram', opclasses=['gin_trgm_ops']),
        ),
        migrations.AddIndex(
            model_name='registerentry',
            index=django.contrib.postgres.indexes.GinIndex(fields=['kinds'], name='register_entry_kinds'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='registerentry',
            trigger=pgtrigger.compiler.Trigger(name='register_entry_copies', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n                    IF TG_OP = 'INSERT' THEN\n                        SELECT s.name, s.identifier INTO NEW.name, NEW.identifier\n                          FROM suppliers_supplier s WHERE s.id = NEW.supplier_id;\n                        SELECT a.consent_publication INTO NEW.publication_consent\n                          FROM suppliers_application a WHERE a.id = NEW.application_id;\n                        NEW.kinds := ARRAY(\n                            SELECT DISTINCT code FROM (\n                                SELECT c.code FROM suppliers_offering o\n                                  JOIN portal_classifieritem c ON c.id = o.classifier_item_id\n                                 WHERE o.application_id = NEW.application_id\n                                UNION\n                                SELECT p.code FROM suppliers_offering o\n                                  JOIN portal_classifieritem c ON c.id = o.classifier_item_id\n                                  JOIN portal_classifieritem p ON p.id = c.parent_id\n                                 WHERE o.application_id = NEW.application_id\n                            ) AS codes ORDER BY code\n                        );\n                    END IF;\n                    NEW.updated_at := clock_timestamp();\n                    RETURN NEW;\n                    ", hash='960c8d346c840bc742992f2afd51960ce4300944', operation='INSERT OR UPDATE', pgid='pgtrigger_register_entry_copies_4f3e8', table='registers_registerentry', when='BEFORE')),
        ),
        migrations.RunSQL(sql=[BACKFILL_SQL], reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(
            sql=[SUPPLIER_TRIGGER_SQL, SUPPLIER_TRIGGER_CREATE_SQL],
            reverse_sql=DROP_SUPPLIER_TRIGGER_SQL,
        ),
    ]
