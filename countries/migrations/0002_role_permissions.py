from functools import partial

from django.db import migrations

from accounts.roles import grant_permissions, revoke_permissions

READ = ["view_country", "view_countrygroup", "view_indicator", "view_indicatorvalue"]
GRANTS = {
    "jpo-staff": [
        *READ,
        "change_country",
        "change_countrygroup",
        "add_indicator",
        "change_indicator",
        "add_indicatorvalue",
        "change_indicatorvalue",
        "delete_indicatorvalue",
    ],
    "expert": READ,
    "partner-system": READ,
}


class Migration(migrations.Migration):
    dependencies = [("countries", "0001_initial"), ("accounts", "0002_role_groups")]

    operations = [
        migrations.RunPython(
            partial(grant_permissions, app_label="countries", grants=GRANTS),
            partial(revoke_permissions, app_label="countries", grants=GRANTS),
        )
    ]
