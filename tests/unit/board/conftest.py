"""The board on a Flask test client, over a SQLite database built through the real domain commands: part A's
rich case (重大, 食品科, reported, script approved), the same walked as a confidential one, and a plain 一般 case
opened later and assigned to 药品科. The board's clock is a FixedClock the tests move."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask, Response

from bot.board import board_blueprint
from bot.board.session import sign_in
from bot.core.clock import FixedClock
from bot.domain.case import commands as cases
from bot.domain.records import Intake
from bot.domain.unit import commands as units
from bot.store.case_repo import SqlCaseStore
from tests.store.dossier_case import DESK, NOW, rich_case, rules

SECRET = "board-test-secret"
TOKEN = "op-token-1234567890"
LATER = NOW + timedelta(days=1)


class FakeSettings:
    """What the board reads of ``bot.config.Settings``: ``get`` and the parsed ``board_tokens``."""

    def __init__(self, **values: str) -> None:
        self.values = {"BOARD_SECRET_KEY": SECRET, **values}
        self.board_tokens = {TOKEN: "p-li"}

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)


class BoardWorld:
    """The app, its clock and the case numbers."""

    def __init__(self, database, app, clock, plain: str, secret: str, general: str) -> None:
        self.database, self.app, self.clock = database, app, clock
        self.plain, self.secret_case, self.general = plain, secret, general

    def client(self, person_id: str | None = None, *, via: str = "token"):
        """A test client, signed in as ``person_id`` (a cookie made by the session module) when given."""
        client = self.app.test_client()
        if person_id:
            client.set_cookie("yq_board", session_cookie(person_id, via, self.clock.now()), path="/board")
        return client


def session_cookie(person_id: str, via: str, now, secret: str = SECRET) -> str:
    response = Response()
    sign_in(response, secret, person_id, via, now, False)
    return re.search(r"yq_board=([^;]+)", response.headers["Set-Cookie"]).group(1)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def world(sqlite_database):
    plain = rich_case(sqlite_database)
    secret = rich_case(sqlite_database, confidential=True, title="某涉密线索")
    store, r = SqlCaseStore(sqlite_database), rules()
    case = cases.open_case(store, r, DESK, NOW + timedelta(hours=5), title="某药店虚假广告", source="微信",
                           intake=Intake("text", summary="网民反映某药店虚假宣传")).case
    units.assign_unit(store, r, case.id, DESK, NOW + timedelta(hours=5, minutes=1), "u-drug")
    clock = FixedClock(LATER)
    app = Flask("board-test")
    app.register_blueprint(board_blueprint(FakeSettings(), sqlite_database, clock=clock))
    return BoardWorld(sqlite_database, app, clock, plain, secret, case.number)


__all__ = ["BoardWorld", "FakeSettings", "SECRET", "TOKEN", "csrf_of", "session_cookie"]
