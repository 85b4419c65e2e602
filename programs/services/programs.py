"""Writes to cooperation programs: staff record and change them; the ranking is told their countries changed."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from countries.models import Country

from ..models import CooperationArea, CooperationProgram, ImplementingPartner, StakeholderGroup
from ..signals import evidence_changed


@dataclass
class ProgramFields:
    title: str
    program_type: str
    status: str
    start_date: object
    stage: int
    countries: list[Country]
    areas: list[CooperationArea]
    description: str = ""
    end_date: object = None
    budget_jpy: int | None = None
    stakeholder_groups: list[StakeholderGroup] = field(default_factory=list)
    partners: list[ImplementingPartner] = field(default_factory=list)

    SCALARS = ("title", "program_type", "status", "start_date", "end_date", "stage", "description", "budget_jpy")


def _apply(program: CooperationProgram, fields: ProgramFields) -> CooperationProgram:
    if not fields.countries:
        raise ValidationError({"countries": [_("Choose at least one country.")]})
    if not fields.areas:
        raise ValidationError({"areas": [_("Choose at least one area.")]})
    for name in ProgramFields.SCALARS:
        setattr(program, name, getattr(fields, name))
    program.full_clean()
    program.save()
    program.countries.set(fields.countries)
    program.areas.set(fields.areas)
    program.stakeholder_groups.set(fields.stakeholder_groups)
    program.partners.set(fields.partners)
    return program


@transaction.atomic
def program_create(*, fields: ProgramFields) -> CooperationProgram:
    program = _apply(CooperationProgram(), fields)
    countries = [country.iso3 for country in fields.countries]
    transaction.on_commit(lambda: evidence_changed.send(sender=CooperationProgram, countries=countries))
    return program


@transaction.atomic
def program_update(*, program: CooperationProgram, fields: ProgramFields) -> CooperationProgram:
    program = CooperationProgram.objects.select_for_update().get(pk=program.pk)
    before = set(program.countries.values_list("iso3", flat=True))
    program = _apply(program, fields)
    countries = sorted(before | {country.iso3 for country in fields.countries})
    transaction.on_commit(lambda: evidence_changed.send(sender=CooperationProgram, countries=countries))
    return program
