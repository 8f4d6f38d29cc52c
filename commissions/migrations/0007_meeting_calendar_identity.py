"""A stored calendar identity for each meeting: a UUID as the iCalendar UID (it no longer embeds the portal's
host), the SEQUENCE raised by each change of date, times or place, and the SEQUENCE the last convocation carried.

Existing meetings keep the revision their invitations had (the number of rounds sent, less one), so that the
next invitation still replaces the entry in the members' calendars.
"""

import uuid

from django.db import migrations, models


def identities(apps, schema_editor):
    Meeting = apps.get_model("commissions", "Meeting")
    meetings = list(Meeting.objects.only("pk", "convocation_round"))
    for meeting in meetings:
        meeting.calendar_uid = uuid.uuid4()
        meeting.calendar_sequence = meeting.convocation_sequence = max(meeting.convocation_round - 1, 0)
    Meeting.objects.bulk_update(
        meetings, ["calendar_uid", "calendar_sequence", "convocation_sequence"], batch_size=500
    )


class Migration(migrations.Migration):
    dependencies = [
        ("commissions", "0006_meeting_end_after_start_message"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="calendar_uid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identifiant d'agenda"),
        ),
        migrations.AddField(
            model_name="meeting",
            name="calendar_sequence",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="révision de l'invitation"),
        ),
        migrations.AddField(
            model_name="meeting",
            name="convocation_sequence",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="révision envoyée"),
        ),
        migrations.RunPython(identities, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="meeting",
            name="calendar_uid",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="identifiant d'agenda"
            ),
        ),
    ]
