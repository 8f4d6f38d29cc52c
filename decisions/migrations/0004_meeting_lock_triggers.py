"""PostgreSQL protections of the facts a meeting's RDD states (commissions.meetings.lifecycle), so that no path
past the services (admin, queryset update, raw SQL) changes them:

- while the meeting's `record_lock` is set (RDD submitted or approved), its kind, date, times, place and presiding
  person do not change, the meeting is not deleted, and its agenda items and attendance rows are neither added,
  changed nor deleted;
- the lock of a submitted RDD is lifted only once no RDD of the meeting is submitted any more (sent back);
- the lock of an approved RDD is lifted only for a correction, a new draft version of the RDD; until then the
  meeting's status no longer changes either.

The errors carry the marker "rdd_frozen" (SQLSTATE 23000, an IntegrityError in Django), as the RDD's own
triggers (0002). No-ops on SQLite, where the services enforce the same rules.
"""

from django.db import migrations

from portal.db import PostgreSQLOnlySQL

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION decisions_guard_meeting() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.record_lock <> '' THEN
            RAISE EXCEPTION 'rdd_frozen: la réunion % est verrouillée par son relevé de décisions : elle ne peut être supprimée', OLD.id
                USING ERRCODE = '23000';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.record_lock = '' THEN
        RETURN NEW;
    END IF;
    IF (NEW.kind, NEW.date, NEW.start_time, NEW.end_time, NEW.place, NEW.presided_by_id)
       IS DISTINCT FROM (OLD.kind, OLD.date, OLD.start_time, OLD.end_time, OLD.place, OLD.presided_by_id) THEN
        RAISE EXCEPTION 'rdd_frozen: la date, l''horaire, le lieu et la présidence de la réunion % sont verrouillés par son relevé de décisions', OLD.id
            USING ERRCODE = '23000';
    END IF;
    IF OLD.record_lock = 'soumis' AND NEW.record_lock = ''
       AND EXISTS (SELECT 1 FROM decisions_rdd WHERE meeting_id = OLD.id AND status = 'soumis') THEN
        RAISE EXCEPTION 'rdd_frozen: le relevé de décisions de la réunion % est soumis : il doit être renvoyé avant', OLD.id
            USING ERRCODE = '23000';
    END IF;
    IF OLD.record_lock = 'approuve' AND NEW.record_lock <> 'approuve'
       AND NOT EXISTS (
           SELECT 1 FROM decisions_rdd
           WHERE meeting_id = OLD.id AND status = 'brouillon' AND previous_id IS NOT NULL
       ) THEN
        RAISE EXCEPTION 'rdd_frozen: le relevé de décisions de la réunion % est approuvé : seule une nouvelle version le rouvre', OLD.id
            USING ERRCODE = '23000';
    END IF;
    IF OLD.record_lock = 'approuve' AND NEW.record_lock = 'approuve' AND NEW.status <> OLD.status THEN
        RAISE EXCEPTION 'rdd_frozen: la réunion % est close par son relevé de décisions approuvé', OLD.id
            USING ERRCODE = '23000';
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION decisions_guard_meeting_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    meeting bigint;
    lock text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        meeting := OLD.meeting_id;
    ELSE
        meeting := NEW.meeting_id;
    END IF;
    -- FOR SHARE: a row written here waits for a change of the lock in progress, and the reverse.
    SELECT record_lock INTO lock FROM commissions_meeting WHERE id = meeting FOR SHARE;
    IF lock <> '' THEN
        RAISE EXCEPTION 'rdd_frozen: % refusé sur % : la réunion % est verrouillée par son relevé de décisions',
            TG_OP, TG_TABLE_NAME, meeting
            USING ERRCODE = '23000';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.meeting_id <> NEW.meeting_id THEN
        SELECT record_lock INTO lock FROM commissions_meeting WHERE id = OLD.meeting_id FOR SHARE;
        IF lock <> '' THEN
            RAISE EXCEPTION 'rdd_frozen: % refusé sur % : la réunion % est verrouillée par son relevé de décisions',
                TG_OP, TG_TABLE_NAME, OLD.meeting_id
                USING ERRCODE = '23000';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER commissions_meeting_record_lock BEFORE UPDATE OR DELETE ON commissions_meeting
FOR EACH ROW EXECUTE FUNCTION decisions_guard_meeting();
CREATE TRIGGER commissions_agendaitem_record_lock BEFORE INSERT OR UPDATE OR DELETE ON commissions_agendaitem
FOR EACH ROW EXECUTE FUNCTION decisions_guard_meeting_rows();
CREATE TRIGGER commissions_attendance_record_lock BEFORE INSERT OR UPDATE OR DELETE ON commissions_attendance
FOR EACH ROW EXECUTE FUNCTION decisions_guard_meeting_rows();
"""

DROP = """
DROP TRIGGER IF EXISTS commissions_meeting_record_lock ON commissions_meeting;
DROP TRIGGER IF EXISTS commissions_agendaitem_record_lock ON commissions_agendaitem;
DROP TRIGGER IF EXISTS commissions_attendance_record_lock ON commissions_attendance;
DROP FUNCTION IF EXISTS decisions_guard_meeting();
DROP FUNCTION IF EXISTS decisions_guard_meeting_rows();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0003_trail_document_action"),
        ("commissions", "0004_meeting_lifecycle"),
    ]

    operations = [PostgreSQLOnlySQL(FUNCTIONS, reverse_sql=DROP)]
