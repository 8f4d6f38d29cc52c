"""The tele-transmission aid scheme of the national convention approved on 02/10/2020 (source document 001)."""

from django.db import migrations


def add_schemes(apps, schema_editor):
    AidScheme = apps.get_model("statistics", "AidScheme")
    for year in range(2020, 2027):
        AidScheme.objects.get_or_create(
            year=year,
            defaults={"sesam_vitale_amount": 300, "scor_amount": 90, "threshold_percent": 80, "specialties": "60,61"},
        )


class Migration(migrations.Migration):
    dependencies = [("statistics", "0001_initial")]

    operations = [migrations.RunPython(add_schemes, migrations.RunPython.noop)]
