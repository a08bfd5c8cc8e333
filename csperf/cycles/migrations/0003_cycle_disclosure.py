from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cycles", "0002_cycle_scope_coverage_archive"),
    ]

    operations = [
        migrations.AddField(
            model_name="cycle",
            name="disclose_results",
            field=models.BooleanField(
                default=False, verbose_name="publish results to the department"
            ),
        ),
        migrations.AddField(
            model_name="cycle",
            name="disclose_from",
            field=models.DateField(blank=True, null=True, verbose_name="results shown from"),
        ),
        migrations.AddField(
            model_name="cycle",
            name="disclose_until",
            field=models.DateField(blank=True, null=True, verbose_name="results shown until"),
        ),
    ]
