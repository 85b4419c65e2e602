"""The independence ladder in the ranking: the next rung favoured, and the direction of the stage a setting."""

import numpy as np
import pytest

from priorities.criteria import CLIMBED_RUNG, LATER_RUNG, NEXT_RUNG, next_step
from priorities.profile_settings import HISTORY_NEXT_STEP, HISTORY_STAGE, ProfileSettings
from priorities.profiles import profile_criteria
from priorities.scoring import ScoringError

AREAS = [
    {"code": "patent_examination", "stakeholder_group__code": "ip_office"},
    {"code": "enforcement", "stakeholder_group__code": "customs_enforcement"},
    {"code": "south_south", "stakeholder_group__code": "ip_office"},
]


def test_each_country_is_pointed_to_the_areas_on_its_next_rung():
    # Countries at stage 0 (no program yet), 1, 2 and 3 (the top).
    fit = next_step(np.array([0.0, 1.0, 2.0, 3.0]), AREAS)
    assert fit.tolist() == [
        [NEXT_RUNG, LATER_RUNG, LATER_RUNG],  # start with the IP office's own areas
        [CLIMBED_RUNG, NEXT_RUNG, LATER_RUNG],  # then the wider stakeholders'
        [CLIMBED_RUNG, CLIMBED_RUNG, NEXT_RUNG],  # then South-South trainer development
        [CLIMBED_RUNG, CLIMBED_RUNG, NEXT_RUNG],  # and at the top, keep to it
    ]


def test_the_default_profile_weighs_the_next_step_on_a_zero_to_one_scale():
    criteria = {criterion.code: criterion for criterion in profile_criteria(ProfileSettings(), ["sdg"])}
    assert criteria[HISTORY_NEXT_STEP].weight > 0
    assert (criteria[HISTORY_NEXT_STEP].low, criteria[HISTORY_NEXT_STEP].high) == (0.0, 1.0)
    assert sum(criterion.weight for criterion in criteria.values()) == pytest.approx(1.0)


@pytest.mark.parametrize("direction", ["benefit", "cost"])
def test_the_direction_of_the_stage_is_the_ladder_setting(direction):
    settings = ProfileSettings().replace(ladder_direction=direction)
    criteria = {criterion.code: criterion for criterion in profile_criteria(settings, ["sdg"])}
    assert criteria[HISTORY_STAGE].direction == direction


def test_the_stage_direction_cannot_be_set_a_second_way():
    settings = ProfileSettings().replace(criterion_directions={HISTORY_STAGE: "cost"})
    with pytest.raises(ScoringError, match="ladder setting") as refused:
        profile_criteria(settings, ["sdg"])
    assert refused.value.field == "criterion_directions"
