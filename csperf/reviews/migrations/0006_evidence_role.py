"""Evidence keeps the chain role it was attached for: before publication a file is listed only to
those who read that rater's column. Files attached before have a blank role (their uploader's
roles on the card decide)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0005_appeal_routing"),
    ]

    operations = [
        migrations.AddField(
            model_name="evidence",
            name="role",
            field=models.CharField(blank=True, default="", max_length=40),
        ),
    ]
