"""Test support: the services tests need (Redis, databases), found or started."""
