"""PostgreSQL protections of the RDD, so that no path (form, admin, queryset update, raw SQL) bypasses them:

- the content rows (item records, decisions, commitments and their follow-up,
  questions) are written only while their RDD is a draft;
- approvals are added or cleared only while the RDD is submitted, never changed;
- validation votes are added only while the RDD is transmitted, never changed;
- once submitted, an RDD's row changes only by a step of the workflow (its
  status and that step's dates), and is never deleted;
- the trail is append-only.

The errors carry the marker "rdd_frozen" (SQLSTATE 23000, an IntegrityError in
Django) that decisions.content turns into a French message. No-ops on SQLite,
where the models and the services enforce the same rules.
"""

from django.db import migrations

from portal.db import PostgreSQLOnlySQL

CONTENT_TABLES = [
    "decisions_itemrecord",
    "decisions_decision",
    "decisions_commitment",
    "decisions_commitmentupdate",
    "decisions_question",
]

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION decisions_rdd_status_locked(rdd bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    result text;
BEGIN
    -- FOR SHARE: a content write waits for a transition in progress on the same RDD, and the reverse.
    SELECT status INTO result FROM decisions_rdd WHERE id = rdd FOR SHARE;
    RETURN result;
END;
$$;

CREATE OR REPLACE FUNCTION decisions_guard_content() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    row_data jsonb;
    rows_data jsonb[];
    rdd bigint;
    rdd_status text;
BEGIN
    -- Losing the link to an agenda item deleted later changes nothing of what was recorded.
    IF TG_OP = 'UPDATE'
       AND (to_jsonb(NEW) -> 'agenda_item_id') = 'null'::jsonb
       AND (to_jsonb(NEW) - 'agenda_item_id') = (to_jsonb(OLD) - 'agenda_item_id') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        rows_data := ARRAY[to_jsonb(NEW)];
    ELSIF TG_OP = 'DELETE' THEN
        rows_data := ARRAY[to_jsonb(OLD)];
    ELSE
        rows_data := ARRAY[to_jsonb(OLD), to_jsonb(NEW)];
    END IF;
    FOREACH row_data IN ARRAY rows_data LOOP
        IF TG_TABLE_NAME = 'decisions_decision' THEN
            SELECT rdd_id INTO rdd FROM decisions_itemrecord WHERE id = (row_data ->> 'item_record_id')::bigint;
        ELSE
            rdd := (row_data ->> 'rdd_id')::bigint;
        END IF;
        IF rdd IS NOT NULL THEN
            rdd_status := decisions_rdd_status_locked(rdd);
            IF rdd_status IS NOT NULL AND rdd_status <> 'brouillon' THEN
                RAISE EXCEPTION 'rdd_frozen: le relevé de décisions % n''est plus un brouillon (statut %) : % refusé sur %',
                    rdd, rdd_status, TG_OP, TG_TABLE_NAME
                    USING ERRCODE = '23000';
            END IF;
        END IF;
    END LOOP;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION decisions_guard_step_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    -- TG_ARGV[0]: the only RDD status in which rows of this table are added or removed.
    rdd_status text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'rdd_frozen: % ne se modifie pas', TG_TABLE_NAME USING ERRCODE = '23000';
    END IF;
    IF TG_OP = 'DELETE' THEN
        rdd_status := decisions_rdd_status_locked(OLD.rdd_id);
    ELSE
        rdd_status := decisions_rdd_status_locked(NEW.rdd_id);
    END IF;
    IF rdd_status IS NOT NULL AND rdd_status <> TG_ARGV[0] THEN
        RAISE EXCEPTION 'rdd_frozen: % refusé sur % : le relevé est au statut %', TG_OP, TG_TABLE_NAME, rdd_status
            USING ERRCODE = '23000';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION decisions_guard_rdd() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    step_columns text[] := ARRAY[
        'status', 'submitted_at', 'approved_at', 'transmitted_at', 'validated_at', 'validated_on', 'validated_in_id'
    ];
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'brouillon' THEN
            RAISE EXCEPTION 'rdd_frozen: le relevé de décisions % n''est plus un brouillon : il ne peut être supprimé', OLD.id
                USING ERRCODE = '23000';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'brouillon' AND NEW.status = 'brouillon' THEN
        RETURN NEW;
    END IF;
    IF NEW.status = OLD.status THEN
        RAISE EXCEPTION 'rdd_frozen: le relevé de décisions % n''est plus un brouillon (statut %) : il ne change que par une étape du circuit',
            OLD.id, OLD.status
            USING ERRCODE = '23000';
    END IF;
    IF (OLD.status, NEW.status) NOT IN (
        ('brouillon', 'soumis'), ('soumis', 'brouillon'), ('soumis', 'approuve'),
        ('approuve', 'transmis'), ('transmis', 'valide')
    ) THEN
        RAISE EXCEPTION 'rdd_frozen: passage du statut % au statut % interdit', OLD.status, NEW.status
            USING ERRCODE = '23000';
    END IF;
    IF OLD.status <> 'brouillon' AND (to_jsonb(NEW) - step_columns) <> (to_jsonb(OLD) - step_columns) THEN
        RAISE EXCEPTION 'rdd_frozen: le contenu du relevé de décisions % ne peut plus être modifié', OLD.id
            USING ERRCODE = '23000';
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION decisions_guard_trail() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'rdd_frozen: le journal des relevés ne se modifie ni ne s''efface (% refusé)', TG_OP
        USING ERRCODE = '23000';
END;
$$;
"""

TRIGGERS = (
    "".join(
        f"CREATE TRIGGER {table}_freeze BEFORE INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION decisions_guard_content();\n"
        for table in CONTENT_TABLES
    )
    + "CREATE TRIGGER decisions_approval_freeze BEFORE INSERT OR UPDATE OR DELETE ON decisions_approval "
    "FOR EACH ROW EXECUTE FUNCTION decisions_guard_step_rows('soumis');\n"
    "CREATE TRIGGER decisions_validationvote_freeze BEFORE INSERT OR UPDATE OR DELETE ON decisions_validationvote "
    "FOR EACH ROW EXECUTE FUNCTION decisions_guard_step_rows('transmis');\n"
    "CREATE TRIGGER decisions_rdd_freeze BEFORE UPDATE OR DELETE ON decisions_rdd "
    "FOR EACH ROW EXECUTE FUNCTION decisions_guard_rdd();\n"
    "CREATE TRIGGER decisions_trailentry_append_only BEFORE UPDATE OR DELETE ON decisions_trailentry "
    "FOR EACH ROW EXECUTE FUNCTION decisions_guard_trail();\n"
)

DROP = (
    "".join(f"DROP TRIGGER IF EXISTS {table}_freeze ON {table};\n" for table in CONTENT_TABLES)
    + "DROP TRIGGER IF EXISTS decisions_approval_freeze ON decisions_approval;\n"
    "DROP TRIGGER IF EXISTS decisions_validationvote_freeze ON decisions_validationvote;\n"
    "DROP TRIGGER IF EXISTS decisions_rdd_freeze ON decisions_rdd;\n"
    "DROP TRIGGER IF EXISTS decisions_trailentry_append_only ON decisions_trailentry;\n"
    "DROP FUNCTION IF EXISTS decisions_guard_content();\n"
    "DROP FUNCTION IF EXISTS decisions_guard_step_rows();\n"
    "DROP FUNCTION IF EXISTS decisions_guard_rdd();\n"
    "DROP FUNCTION IF EXISTS decisions_guard_trail();\n"
    "DROP FUNCTION IF EXISTS decisions_rdd_status_locked(bigint);\n"
)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial")]

    operations = [PostgreSQLOnlySQL(FUNCTIONS + TRIGGERS, reverse_sql=DROP)]
