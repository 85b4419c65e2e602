"""The country page's "Why this rank" panel: the country against the median and its neighbours, and its interval
beside theirs."""

import re

import numpy as np
import pytest

from priorities.models import AreaResult
from tests.factories import UserFactory


@pytest.mark.django_db
def test_a_ranked_country_is_set_beside_the_median_and_its_neighbours(client, checked_run):
    result = checked_run.results.get(rank=5)
    client.force_login(UserFactory(role="jpo-staff"))
    page = client.get(f"/countries/{result.country_id}/").content.decode()
    panel = page[page.index('id="why-this-rank"') :]
    above = checked_run.results.get(rank=4)
    below = checked_run.results.get(rank=6)
    assert f"{above.country.name} (#4)" in panel and f"{below.country.name} (#6)" in panel
    # The need column: the mean of the country's top areas' normalised need, computed here from the stored pairs.
    needs = [
        pair.normalized["field.need"]
        for pair in AreaResult.objects.filter(run=checked_run, country=result.country, area__code__in=result.top_areas)
    ]
    row = re.search(r"<td>Need assessed on mission</td>\s*<td[^>]*>([^<]+)</td>", panel)
    assert row and float(row.group(1)) == pytest.approx(np.mean(needs), abs=0.005)
    # Ranks 2 to 8 in the forest plot, this country's dot the larger one.
    assert panel.count("<circle") == 7
    assert panel.count('r="5"') == 1
    assert "What moves this rank most" in panel


@pytest.mark.django_db
def test_an_unranked_country_has_no_panel(client, checked_run):
    unranked = checked_run.results.filter(rank__isnull=True).first()
    client.force_login(UserFactory(role="jpo-staff"))
    page = client.get(f"/countries/{unranked.country_id}/").content.decode()
    assert 'id="why-this-rank"' not in page


@pytest.mark.django_db
def test_the_panel_in_japanese(client, checked_run):
    result = checked_run.results.get(rank=1)
    client.force_login(UserFactory(role="jpo-staff"))
    page = client.get(f"/countries/{result.country_id}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert 'id="why-this-rank"' in page and "Why this rank" not in page
    # The drivers' sentence, from the Sobol indices.
    assert "相互作用を含めて" in page and "with its interactions" not in page


@pytest.mark.django_db
def test_the_panel_names_what_the_sobol_indices_find_the_rank_depends_on(client, checked_run):
    from priorities.profiles import driver_label

    result = checked_run.results.get(rank=5)
    sensitivity = checked_run.robustness["sensitivity"]
    indices = next(row["rank"] for row in sensitivity["countries"] if row["iso3"] == result.country_id)
    strongest = sorted(range(len(sensitivity["inputs"])), key=lambda i: -indices["total"][i])[:3]
    assert [driver["input"] for driver in result.drivers] == [sensitivity["inputs"][i] for i in strongest]
    assert [driver["total"] for driver in result.drivers] == pytest.approx([indices["total"][i] for i in strongest])
    assert [driver["first_order"] for driver in result.drivers] == pytest.approx(
        [indices["first"][i] for i in strongest]
    )
    client.force_login(UserFactory(role="jpo-staff"))
    page = client.get(f"/countries/{result.country_id}/").content.decode()
    panel = page[page.index('id="why-this-rank"') :]
    sentence = panel[: panel.index("</p>")]
    for driver in result.drivers:
        assert str(driver_label(driver["input"], {})) in sentence
    assert f"{result.drivers[0]['total']:.2f} with its interactions" in sentence
