"""Strike off (销号) the tasks whose 100 % report was already approved, and keep the review
comments written so far as the first entries of each report's comment history."""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    Report = apps.get_model("reporting", "Report")
    StrikeOff = apps.get_model("reporting", "StrikeOff")
    ReviewComment = apps.get_model("reporting", "ReviewComment")
    done = (
        Report.objects.filter(status="approved", completion_pct__gte=100)
        .order_by("task_id", "period_index")
        .values_list("task_id", "pk", "period_index", "reviewed_at")
    )
    seen = set()
    rows = []
    for task_id, pk, index, reviewed_at in done:
        if task_id in seen:
            continue
        seen.add(task_id)
        rows.append(
            StrikeOff(
                task_id=task_id,
                report_id=pk,
                from_index=index + 1,
                struck_off_at=reviewed_at or timezone.now(),
            )
        )
    StrikeOff.objects.bulk_create(rows, batch_size=500)
    comments = []
    for pk, status, text, at, by in (
        Report.objects.exclude(review_comment="")
        .filter(reviewed_at__isnull=False)
        .values_list("pk", "status", "review_comment", "reviewed_at", "reviewed_by_id")
    ):
        verdict = "approved" if status == "approved" else "returned"
        comments.append(ReviewComment(report_id=pk, verdict=verdict, text=text, created_at=at, author_id=by))
    ReviewComment.objects.bulk_create(comments, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0003_strike_off_regression_review_comments")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
