"""``Warning`` (which shadowed Python's builtin) is now ``EarlyWarning`` (issue 18)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0004_notification_kinds_of_channels"),
    ]

    operations = [
        migrations.RenameModel(old_name="Warning", new_name="EarlyWarning"),
    ]
