"""A third platform that exists only in the tests (``memchat``), run through the real web app and a real
worker: the product's openness to a platform it does not name (issue 17; docs/architecture.md, "Where
to add: a platform")."""
