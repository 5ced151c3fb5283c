import signal
import subprocess
import sys

from django.utils.translation import gettext as _

from omslag.common.commands import OmslagCommand
from omslag.jobs.worker import HeartbeatWorker, worker_id_new


class Command(OmslagCommand):
    help = (
        "Run background workers: they take jobs (imports, exports, reports) from the queue in "
        "the database. Start any number, on any machine that reaches the database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--processes", type=int, default=1, help="worker processes to start (default 1)"
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds to wait before looking again when the queue is empty",
        )
        parser.add_argument(
            "--batch", action="store_true", help="do the queued jobs, then stop (one process)"
        )

    def handle(self, *args, processes, interval, batch, **options):
        if processes > 1 and not batch:
            return self.run_processes(processes, interval)
        worker = HeartbeatWorker(
            queue_names=["default"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=not batch,
            max_tasks=None,
            worker_id=worker_id_new(),
            excluded_queue_names=[],
        )
        self.stdout.write(_("Worker %(id)s waits for jobs.") % {"id": worker.worker_id})
        self.stdout.flush()
        worker.configure_signals()
        worker.run()

    def run_processes(self, processes: int, interval: float) -> None:
        """Start single workers as child processes; stop them together on Ctrl+C or TERM."""
        command = [sys.executable, "-m", "omslag.cli", "worker", "--interval", str(interval)]
        children = [subprocess.Popen(command) for _ in range(processes)]  # noqa: S603

        def stop(signum, frame):
            for child in children:
                child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        for child in children:
            child.wait()
