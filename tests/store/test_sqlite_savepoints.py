"""On SQLite a command's savepoint belongs to the event's transaction: rolling the event back undoes it."""

import pytest
from sqlalchemy import select

from bot.store.models import OrgMeta


def test_a_released_savepoint_rolls_back_with_its_transaction(database):
    with pytest.raises(RuntimeError):
        with database.session() as session:
            with session.begin_nested():
                session.add(OrgMeta(key="probe", value="1"))
            raise RuntimeError("the event failed after its command")
    with database.session() as session:
        assert session.scalar(select(OrgMeta).where(OrgMeta.key == "probe")) is None
