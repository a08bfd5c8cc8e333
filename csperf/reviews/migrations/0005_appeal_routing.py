"""Appeals go to the rater who decided the items first, HR last, each stage with a deadline.

Appeals filed before this were answered by HR: they stay at HR's stage, and an open one is due
7 days (the default) after it was filed.
"""

import datetime as dt

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def legacy_appeals_are_hrs(apps, schema_editor):
    Appeal = apps.get_model("reviews", "Appeal")
    for appeal in Appeal.objects.all():
        appeal.stage = "hr"
        appeal.responder_role = "hr"
        if appeal.status == "open":
            appeal.due_at = appeal.created_at + dt.timedelta(days=7)
        appeal.save(update_fields=["stage", "responder_role", "due_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0004_card_coverage_and_gates"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="due_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="answer due"),
        ),
        migrations.AddField(
            model_name="appeal",
            name="escalate_by",
            field=models.DateTimeField(blank=True, null=True, verbose_name="escalate by"),
        ),
        migrations.AddField(
            model_name="appeal",
            name="escalated_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="appeal",
            name="escalation_reason",
            field=models.TextField(blank=True, verbose_name="reason for escalating"),
        ),
        migrations.AddField(
            model_name="appeal",
            name="filing",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="appeal",
            name="rater_resolution",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="appeal",
            name="rater_resolved_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="appeal",
            name="rater_resolved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="appeal",
            name="responder_role",
            field=models.CharField(default="hr", max_length=30, verbose_name="answered by"),
        ),
        migrations.AddField(
            model_name="appeal",
            name="stage",
            field=models.CharField(
                choices=[("rater", "Rater"), ("hr", "HR")],
                default="rater",
                max_length=10,
                verbose_name="stage",
            ),
        ),
        migrations.AlterField(
            model_name="appeal",
            name="status",
            field=models.CharField(
                choices=[
                    ("open", "Waiting for an answer"),
                    ("escalated", "Escalated to HR"),
                    ("accepted", "Accepted"),
                    ("rejected", "Rejected"),
                ],
                default="open",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(legacy_appeals_are_hrs, migrations.RunPython.noop),
    ]
