import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("priorities", "0011_sensitivity_samples"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="rankingrun", old_name="reused_from", new_name="identical_to"),
        migrations.AddField(
            model_name="rankingrun",
            name="discarded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="discarded at"),
        ),
        migrations.AddField(
            model_name="rankingrun",
            name="discarded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="discarded by",
            ),
        ),
        migrations.AddField(
            model_name="rankingrun",
            name="ready_to_publish",
            field=models.BooleanField(
                default=False,
                help_text="An automatic run that succeeded and waits for staff to publish or discard it; a later run of the profile, published or waiting, takes its place.",
                verbose_name="ready to publish",
            ),
        ),
        migrations.AlterField(
            model_name="rankingrun",
            name="identical_to",
            field=models.ForeignKey(
                blank=True,
                help_text="The first run with the same inputs digest, settings, method, samples, seed and code version: its results are this run's, copied rather than computed again.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="priorities.rankingrun",
                verbose_name="identical to run",
            ),
        ),
        migrations.AddConstraint(
            model_name="rankingrun",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("ready_to_publish", False),
                    models.Q(("discarded_at", None), ("is_published", False), ("status", "succeeded")),
                    _connector="OR",
                ),
                name="run_ready_only_if_succeeded_unpublished",
            ),
        ),
    ]
