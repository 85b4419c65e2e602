"""The lists keep every date on one line, however narrow the column the other cells leave it."""

import re

import pytest

from tests.factories import CooperationProgramFactory, MissionReportFactory, StakeholderNeedFactory, UserFactory

DATE_CELL = re.compile(r"<td( class=\"[^\"]*\")?>\s*(<a [^>]*>)?\d{4}-\d{2}-\d{2}")


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "dates_per_row"), [("/reports/", 2), ("/needs/", 1), ("/programs/", 2)])
def test_every_date_cell_stays_on_one_line(client, path, dates_per_row):
    client.force_login(UserFactory(role="jpo-staff"))
    MissionReportFactory()
    StakeholderNeedFactory()
    CooperationProgramFactory()
    cells = DATE_CELL.findall(client.get(path).content.decode())
    assert len(cells) == dates_per_row
    assert all("text-nowrap" in cell_class for cell_class, _link in cells)
