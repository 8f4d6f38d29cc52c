"""PostgreSQL: an RDD's status does not go back from submitted to draft while approvals of it exist.

The send-back (services.rdd_send_back) deletes the approvals first, then moves the status back, in one
transaction and under the RDD's row lock; a status moved back by any other path (a queryset update, raw SQL)
while an approval stays is refused, so that an approval given to one content cannot survive into another (the
scenario of the issue "Approvals bound to content": back to draft, content changed, submitted again, the second
president approving). The error carries the marker "rdd_frozen" (SQLSTATE 23000), as the triggers of 0002. A
no-op on SQLite, where the services alone move the status.
"""

from django.db import migrations

from portal.db import PostgreSQLOnlySQL

FUNCTION = r"""
CREATE OR REPLACE FUNCTION decisions_guard_rdd_approvals() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'brouillon' AND NEW.status = 'brouillon'
       AND EXISTS (SELECT 1 FROM decisions_approval WHERE rdd_id = OLD.id) THEN
        RAISE EXCEPTION 'rdd_frozen: le relevé de décisions % a des approbations : il ne revient au brouillon que par le renvoi au secrétariat, qui les retire', OLD.id
            USING ERRCODE = '23000';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER decisions_rdd_approvals_bound BEFORE UPDATE OF status ON decisions_rdd
FOR EACH ROW EXECUTE FUNCTION decisions_guard_rdd_approvals();
"""

DROP = """
DROP TRIGGER IF EXISTS decisions_rdd_approvals_bound ON decisions_rdd;
DROP FUNCTION IF EXISTS decisions_guard_rdd_approvals();
"""


class Migration(migrations.Migration):
    dependencies = [("decisions", "0006_rdd_facts_and_content_format")]

    operations = [PostgreSQLOnlySQL(FUNCTION, reverse_sql=DROP)]
