"""The domain's state machine (tests/unit/domain/test_state_machine.py) on a real database."""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from bot.core.clock import SHANGHAI
from bot.store.case_repo import SqlCaseStore
from bot.store.org_repo import apply_organisation
from tests.unit.domain.sample_org import make_org
from tests.unit.domain.test_state_machine import CaseMachine


def test_random_actions_keep_the_database_consistent(database):
    with database.session() as session:
        apply_organisation(session, make_org(), datetime(2026, 11, 1, tzinfo=SHANGHAI))
    store = SqlCaseStore(database)

    class OnDatabase(CaseMachine):
        make_store = staticmethod(lambda: store)

    run_state_machine_as_test(OnDatabase, settings=settings(max_examples=8, stateful_step_count=30, deadline=None,
                                                            suppress_health_check=list(HealthCheck)))
