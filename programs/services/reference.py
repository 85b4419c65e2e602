"""Writes to programs: loading the shipped vocabulary of stakeholder groups, areas and partners."""

import csv
from pathlib import Path

from django.db import transaction

from ..models import CooperationArea, ImplementingPartner, StakeholderGroup

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def programs_load_reference_data() -> dict[str, int]:
    """Create or update the stakeholder groups, cooperation areas and implementing partners of DESIGN §2.

    Areas staff added themselves are left alone.
    """
    groups = {}
    for position, row in enumerate(_rows("stakeholder_groups.csv")):
        groups[row["code"]], _ = StakeholderGroup.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_ja": row["name_ja"],
                "description": row["description"],
                "position": position,
            },
        )
    for position, row in enumerate(_rows("cooperation_areas.csv")):
        CooperationArea.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_ja": row["name_ja"],
                "description": row["description"],
                "stakeholder_group": groups[row["stakeholder_group"]],
                "position": position,
            },
        )
    for row in _rows("implementing_partners.csv"):
        ImplementingPartner.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
    return {
        "stakeholder_groups": StakeholderGroup.objects.count(),
        "areas": CooperationArea.objects.count(),
        "implementing_partners": ImplementingPartner.objects.count(),
    }
