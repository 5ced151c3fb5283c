"""The worker loop of django-tasks-db, with a heartbeat: every few seconds a worker records
that it is alive and takes over the jobs of workers that fell silent."""

import logging
import os
import socket
import threading

from django.conf import settings
from django.db import connection
from django.utils import translation
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from . import services

logger = logging.getLogger(__name__)


def worker_id_new() -> str:
    """Unique across machines: host, process and a random part (at most 64 characters)."""
    host = socket.gethostname().split(".")[0][:30]
    return f"{host}-{os.getpid()}-{get_random_string(8)}"


class HeartbeatWorker(Worker):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self._stopped = threading.Event()

    def run(self) -> None:
        # The first beat is written before any task is claimed, so no job runs on a worker
        # that has no row.
        services.worker_beat(self.worker_id, self.host, self.pid)
        beating = threading.Thread(target=self._beat, name="heartbeat", daemon=True)
        beating.start()
        try:
            super().run()
        finally:
            self._stopped.set()
            beating.join(timeout=settings.WORKER_HEARTBEAT_SECONDS + 1)
            services.worker_leave(self.worker_id)

    def _beat(self) -> None:
        # Its own database connection (Django's are per thread), so a job's long transaction
        # does not hold the heartbeat back on PostgreSQL. What it writes for people (why a
        # job was taken over) is in the site's language.
        translation.activate(settings.LANGUAGE_CODE)
        try:
            while not self._stopped.wait(settings.WORKER_HEARTBEAT_SECONDS):
                try:
                    services.worker_beat(self.worker_id, self.host, self.pid)
                    services.workers_recover()
                except Exception:  # a locked SQLite file or a lost connection: try again
                    logger.exception("Worker %s: heartbeat failed", self.worker_id)
                    connection.close()
        finally:
            connection.close()
