"""One stack per module (the default policy: nothing falls due while a walk runs); every walk opens its own case."""

from __future__ import annotations

import pytest

from tests.integration.stack import Stack
from tests.integration.unit_flow import People


@pytest.fixture(scope="module")
def people(redis_service, tmp_path_factory):
    redis_service.reset()
    running = Stack(redis_service.url, tmp_path_factory.mktemp("response"))
    yield People(running)
    running.stop()
