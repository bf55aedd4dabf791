"""A partial index of the reports of 100 % or more: who is still due after their task's end
(``selectors.reported_done_before``) is one seek per task instead of a walk through its months."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0005_task_summary"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                condition=models.Q(("completion_pct__gte", 100)),
                fields=["task", "period_index", "status", "completion_pct"],
                name="report_task_done",
            ),
        ),
    ]
