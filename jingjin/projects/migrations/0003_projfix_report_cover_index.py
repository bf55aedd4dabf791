"""A covering index of the monthly project reports (slice projfix of issue 12): the campaign's sum of
``investment_month`` over its months and the progress table's latest ``investment_ytd`` read the
index alone instead of one table row per report. It replaces ``projectreport_month`` (the same
leading columns)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0002_projreports_ytd_reason"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="projectreport",
            index=models.Index(
                fields=["project", "period_index", "status", "investment_month", "investment_ytd"],
                name="projectreport_month_cover",
            ),
        ),
        migrations.RemoveIndex(model_name="projectreport", name="projectreport_month"),
    ]
