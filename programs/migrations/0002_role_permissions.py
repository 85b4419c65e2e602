from functools import partial

from django.db import migrations

from accounts.roles import grant_permissions, revoke_permissions

REFERENCE = ["stakeholdergroup", "cooperationarea", "implementingpartner", "cooperationprogram", "cooperationactivity"]
EVIDENCE = ["missionreport", "areaassessment", "stakeholderneed"]


def crud(models):
    return [f"{action}_{model}" for model in models for action in ("add", "change", "delete", "view")]


GRANTS = {
    "jpo-staff": crud(REFERENCE) + crud(EVIDENCE),
    "expert": [f"view_{model}" for model in REFERENCE] + crud(EVIDENCE),
    # Partner systems never see field reports or needs.
    "partner-system": [f"view_{model}" for model in REFERENCE],
}


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial"), ("accounts", "0002_role_groups")]

    operations = [
        migrations.RunPython(
            partial(grant_permissions, app_label="programs", grants=GRANTS),
            partial(revoke_permissions, app_label="programs", grants=GRANTS),
        )
    ]
