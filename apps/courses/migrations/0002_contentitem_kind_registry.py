"""ContentItem.kind takes its choices from the registry of lesson kinds (apps.courses.kinds.kind_choices), so
a kind registered later needs no migration. Choices live in Python only: this emits no SQL."""

from django.db import migrations, models

import apps.courses.kinds


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contentitem",
            name="kind",
            field=models.CharField(choices=apps.courses.kinds.kind_choices, max_length=16),
        ),
    ]
