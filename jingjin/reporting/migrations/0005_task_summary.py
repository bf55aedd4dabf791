"""The report summary of each task (:mod:`jingjin.reporting.summaries`), filled from the reports."""

import django.db.models.deletion
from django.db import migrations, models

#: the statuses that count as reported (:data:`jingjin.reporting.choices.REPORTED_STATES`)
REPORTED = ("submitted", "resubmitted", "approved")


def fill(apps, schema_editor):
    from jingjin.reporting.summaries import pack

    Report = apps.get_model("reporting", "Report")
    TaskSummary = apps.get_model("reporting", "TaskSummary")
    rows = {}
    for task_id, index, status, pct, first in (
        Report.objects.order_by().values_list(
            "task_id", "period_index", "status", "completion_pct", "first_submitted_at"
        ).iterator(chunk_size=10_000)
    ):
        rows.setdefault(task_id, []).append((index, status, pct, first))
    TaskSummary.objects.bulk_create(
        [TaskSummary(task_id=task_id, facts=pack(entries, REPORTED)) for task_id, entries in rows.items()],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0003_task_shares"),
        ("reporting", "0004_strike_off_existing"),
    ]

    operations = [
        migrations.CreateModel(
            name="TaskSummary",
            fields=[
                (
                    "task",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="report_summary",
                        serialize=False,
                        to="plans.task",
                        verbose_name="task",
                    ),
                ),
                ("facts", models.BinaryField(verbose_name="packed report facts")),
            ],
            options={
                "verbose_name": "report summary",
                "verbose_name_plural": "report summaries",
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
