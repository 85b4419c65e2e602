from functools import partial

from django.db import migrations

from accounts.roles import grant_permissions, revoke_permissions

READ = ["view_rankingrun", "view_rankingresult", "view_arearesult"]
GRANTS = {
    # Staff start runs (add) and publish them (change); results are written by the scoring service only.
    "jpo-staff": [*READ, "add_rankingrun", "change_rankingrun"],
    "expert": READ,
    "partner-system": READ,
}


class Migration(migrations.Migration):
    dependencies = [("priorities", "0003_ranking_runs")]

    operations = [
        migrations.RunPython(
            partial(grant_permissions, app_label="priorities", grants=GRANTS),
            partial(revoke_permissions, app_label="priorities", grants=GRANTS),
        )
    ]
