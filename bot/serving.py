"""Run the web app under gunicorn from Python (``yuqing serve``)."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:  # noqa: D102 - gunicorn hook
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):  # noqa: D102 - gunicorn hook
        from bot.app import create_app

        return create_app()


def run_gunicorn(host: str, port: int, workers: int) -> None:
    """Serve ``create_app()`` with gunicorn's sync workers (the ack path never waits on I/O it owns)."""
    _Gunicorn({"bind": f"{host}:{port}", "workers": workers, "worker_class": "gthread", "threads": 8,
               "timeout": 30, "graceful_timeout": 10, "accesslog": "-"}).run()
