import django.db.models.deletion
from django.db import migrations, models

from jingjin.assessment.scheme_migration import convert_owner_schemes, link_converted


def forward(apps, schema_editor):
    convert_owner_schemes(
        ranking_scheme=apps.get_model("assessment", "RankingScheme"),
        peer_set=apps.get_model("assessment", "PeerSet"),
        assessment_scheme=apps.get_model("assessment", "AssessmentScheme"),
        criterion=apps.get_model("assessment", "SchemeCriterion"),
        unit=apps.get_model("core", "Unit"),
    )
    link_converted(
        ranking_scheme=apps.get_model("assessment", "RankingScheme"),
        assessment_scheme=apps.get_model("assessment", "AssessmentScheme"),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0006_schemes_criteria_rows'),
    ]

    operations = [
        migrations.AddField(
            model_name='assessmentscheme',
            name='min_tasks',
            field=models.PositiveSmallIntegerField(default=0, help_text='A gate: a unit with fewer tasks due in the period is listed as not ranked (0: none).', verbose_name='fewest scored tasks to be ranked'),
        ),
        migrations.AddField(
            model_name='rankinglist',
            name='assessment_scheme',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='ranking_lists', to='assessment.assessmentscheme', verbose_name='computed by the configurable scheme'),
        ),
        migrations.AddField(
            model_name='rankingscheme',
            name='assessment_code',
            field=models.CharField(blank=True, help_text='Code of the configurable assessment scheme whose published version computes the lists (empty: the fixed weights above).', max_length=64, verbose_name='configurable scheme'),
        ),
        migrations.AlterField(
            model_name='rankingentry',
            name='on_time_pct',
            field=models.FloatField(blank=True, null=True, verbose_name='on-time reporting, in percent'),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
