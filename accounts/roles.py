"""The role groups of DESIGN §1 and the helpers the apps' migrations use to grant them permissions."""

from collections.abc import Iterable, Mapping

JPO_STAFF = "jpo-staff"
EXPERT = "expert"
PARTNER_SYSTEM = "partner-system"
ROLES = (JPO_STAFF, EXPERT, PARTNER_SYSTEM)


def grant_permissions(apps, schema_editor, *, app_label: str, grants: Mapping[str, Iterable[str]]) -> None:
    """Give each role group the named permissions of one app; used from that app's data migration.

    Permissions are normally created after `migrate` finishes, so they are created here first.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    # A migration's app registry has stub configs; create_permissions only needs to see models exist.
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in grants.items():
        group, _ = Group.objects.get_or_create(name=role)
        codenames = list(codenames)
        permissions = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        found = set(permissions.values_list("codename", flat=True))
        missing = set(codenames) - found
        if missing:
            raise LookupError(f"Unknown permissions for {app_label}: {sorted(missing)}")
        group.permissions.add(*permissions)


def revoke_permissions(apps, schema_editor, *, app_label: str, grants: Mapping[str, Iterable[str]]) -> None:
    """Undo `grant_permissions` when the migration is reversed."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in grants.items():
        permissions = Permission.objects.filter(content_type__app_label=app_label, codename__in=list(codenames))
        for group in Group.objects.filter(name=role):
            group.permissions.remove(*permissions)
