"""The test services themselves: a claimed Redis database is empty and ours; databases are migrated."""

from sqlalchemy import inspect


def test_redis_database_is_empty_and_usable(redis_client):
    keys = [k for k in redis_client.keys("*") if k != b"yq:test-claim"]
    assert keys == []
    redis_client.set("yq:probe", "1")
    assert redis_client.get("yq:probe") == b"1"


def test_database_is_migrated(database):
    tables = set(inspect(database.engine).get_table_names())
    assert {"people", "units", "unit_people", "person_roles", "org_meta", "alembic_version"} <= tables
