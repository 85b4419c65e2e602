"""Two people changing different fields of one need at the same moment both keep their change (PostgreSQL, where
each request has its own connection and the row lock decides the order)."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from programs.models import StakeholderNeed
from tests.factories import StakeholderNeedFactory, UserFactory

ROUNDS = 50


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_patches_of_different_fields_keep_both_changes(postgres_only):
    from priorities.services import reference_data_load

    reference_data_load()
    expert = UserFactory(role="expert")
    staff = UserFactory(role="jpo-staff")
    need = StakeholderNeedFactory(created_by=expert, urgency=1, description="Examiners need training.")
    clients = {}
    for name, user in (("expert", expert), ("staff", staff)):
        clients[name] = APIClient()
        clients[name].force_authenticate(user)

    def patch(name: str, body: dict, barrier: threading.Barrier, answers: dict) -> None:
        try:
            barrier.wait()
            answers[name] = clients[name].patch(f"/api/v1/needs/{need.pk}/", body, format="json").status_code
        finally:
            connection.close()

    lost = []
    for round_number in range(ROUNDS):
        urgency = round_number % 5 + 1
        description = f"Examiners need training (round {round_number})."
        barrier = threading.Barrier(2)
        answers: dict[str, int] = {}
        threads = [
            threading.Thread(target=patch, args=("expert", {"urgency": urgency}, barrier, answers)),
            threading.Thread(target=patch, args=("staff", {"description": description}, barrier, answers)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert answers == {"expert": 200, "staff": 200}
        stored = StakeholderNeed.objects.get(pk=need.pk)
        if (stored.urgency, stored.description) != (urgency, description):
            lost.append(round_number)
    assert lost == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_deleting_and_submitting_a_draft_at_once_ends_in_clear_answers(postgres_only):
    """One request wins; the other is told the report is gone (404) or no longer a draft (400) — never a 500."""
    from priorities.services import reference_data_load
    from programs.models import MissionReport
    from tests.factories import AreaAssessmentFactory, MissionReportFactory

    reference_data_load()
    author = UserFactory(role="expert")
    client = APIClient()
    client.force_authenticate(author)

    def act(kind: str, report_id: int, barrier: threading.Barrier, answers: dict) -> None:
        try:
            barrier.wait()
            if kind == "delete":
                answers[kind] = client.delete(f"/api/v1/mission-reports/{report_id}/").status_code
            else:
                answers[kind] = client.post(f"/api/v1/mission-reports/{report_id}/submit/").status_code
        finally:
            connection.close()

    for _round in range(6):
        report = MissionReportFactory(author=author)
        AreaAssessmentFactory(report=report)
        barrier = threading.Barrier(2)
        answers: dict[str, int] = {}
        threads = [
            threading.Thread(target=act, args=(kind, report.pk, barrier, answers)) for kind in ("delete", "submit")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert answers in ({"delete": 204, "submit": 404}, {"submit": 200, "delete": 400}), answers
        exists = MissionReport.objects.filter(pk=report.pk).exists()
        assert exists == (answers["submit"] == 200)
