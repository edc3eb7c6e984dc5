"""Organization.uid: an identity that, unlike the slug, is never given again. Existing rows get one each."""

import uuid

from django.db import migrations, models


def give_each_organization_a_uid(apps, schema_editor):
    Organization = apps.get_model("tenants", "Organization")
    for organization in Organization.objects.filter(uid__isnull=True).only("pk"):
        organization.uid = uuid.uuid4()
        organization.save(update_fields=["uid"])


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0003_organizationsettings_logo"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="uid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_each_organization_a_uid, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="organization",
            name="uid",
            field=models.UUIDField(
                default=uuid.uuid4,
                editable=False,
                help_text="Never reused, unlike the slug: tokens, sessions and emailed links are bound to it.",
                unique=True,
            ),
        ),
    ]
