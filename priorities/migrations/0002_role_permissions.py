from functools import partial

from django.db import migrations

from accounts.roles import grant_permissions, revoke_permissions

MODELS = ["policysource", "policypriority", "policypriorityarea", "weightprofile"]
READ = [f"view_{model}" for model in MODELS]
GRANTS = {
    "jpo-staff": [f"{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")],
    "expert": READ,
    "partner-system": READ,
}


class Migration(migrations.Migration):
    dependencies = [("priorities", "0001_initial"), ("accounts", "0002_role_groups")]

    operations = [
        migrations.RunPython(
            partial(grant_permissions, app_label="priorities", grants=GRANTS),
            partial(revoke_permissions, app_label="priorities", grants=GRANTS),
        )
    ]
