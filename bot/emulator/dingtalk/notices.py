"""Work notifications (工作通知): send tasks and what each person actually received.

Owns: the task ids of ``asyncsend_v2``, the quota that silently drops the same content to the
same person twice a day (the API still answers success), and ``getsendresult``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import time

__all__ = ["NoticeBook"]


class NoticeBook:
    """Tasks by id, and the (person, content, day) triples already delivered."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(256271667526)
        self.tasks: dict[int, dict] = {}
        self._seen: set[tuple[str, str, str]] = set()

    def send(self, users: list[str], known: set[str], msg: dict, now: float) -> tuple[int, list[str]]:
        """Create a task; returns (task_id, the people it reaches)."""
        digest = hashlib.sha1(json.dumps(msg, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        day = time.strftime("%Y-%m-%d", time.gmtime(now + 8 * 3600))
        reached, invalid, forbidden = [], [], []
        with self._lock:
            for user in dict.fromkeys(users):
                if user not in known:
                    invalid.append(user)
                elif (user, digest, day) in self._seen:
                    forbidden.append(user)
                else:
                    self._seen.add((user, digest, day))
                    reached.append(user)
            task_id = next(self._ids)
            self.tasks[task_id] = {"task_id": task_id, "msg": msg, "reached": reached,
                                   "invalid_user_id_list": invalid, "forbidden_user_id_list": forbidden}
        return task_id, reached

    def result(self, task_id: int) -> dict | None:
        """The ``send_result`` of a task, or None when unknown."""
        with self._lock:
            task = self.tasks.get(task_id)
        if task is None:
            return None
        return {"invalid_user_id_list": task["invalid_user_id_list"],
                "forbidden_user_id_list": task["forbidden_user_id_list"],
                "failed_user_id_list": [], "read_user_id_list": [],
                "unread_user_id_list": task["reached"], "invalid_dept_id_list": []}

    def clear(self) -> None:
        """Forget every task and the daily quota."""
        with self._lock:
            self.tasks.clear()
            self._seen.clear()
