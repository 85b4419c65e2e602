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
