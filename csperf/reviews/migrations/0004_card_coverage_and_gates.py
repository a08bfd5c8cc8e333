# Card data coverage, exclusion from the cycle and HR's gate overrides (issue 13).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_card_manager_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="card",
            name="coverage",
            field=models.DecimalField(
                blank=True, decimal_places=4, max_digits=5, null=True, verbose_name="data coverage"
            ),
        ),
        migrations.AddField(
            model_name="card",
            name="excluded_reason",
            field=models.TextField(blank=True, verbose_name="why excluded"),
        ),
        migrations.AddField(
            model_name="card",
            name="gate_overrides",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name="card",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("self_review", "Self review"),
                    ("supervisor_review", "Supervisor review"),
                    ("inspector_review", "QC review"),
                    ("reviewer_review", "Reviewer review"),
                    ("manager_review", "Manager review"),
                    ("approved", "Approved"),
                    ("published", "Published"),
                    ("acknowledged", "Acknowledged"),
                    ("appealed", "Appealed"),
                    ("appeal_resolved", "Appeal resolved"),
                    ("closed", "Closed"),
                    ("excluded", "Excluded"),
                ],
                db_index=True,
                default="draft",
                max_length=20,
                verbose_name="status",
            ),
        ),
    ]
