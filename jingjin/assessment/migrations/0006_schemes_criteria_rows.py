from django.db import migrations

from jingjin.assessment.scheme_migration import convert_ranking_schemes


def forward(apps, schema_editor):
    convert_ranking_schemes(
        ranking_scheme=apps.get_model("assessment", "RankingScheme"),
        peer_set=apps.get_model("assessment", "PeerSet"),
        assessment_scheme=apps.get_model("assessment", "AssessmentScheme"),
        criterion=apps.get_model("assessment", "SchemeCriterion"),
        unit=apps.get_model("core", "Unit"),
    )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0005_schemes_configurable")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
