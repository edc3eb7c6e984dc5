from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_undispatched_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(("dispatched_at__isnull", False)), fields=["created_at"], name="event_dispatched"
            ),
        ),
    ]
