import os
import sys

from django.core.management.base import BaseCommand


def default_workers() -> int:
    """One process per core plus one: pages are CPU-bound Python, so more processes than
    cores only queue, while the threads of each process (``--threads``) overlap the waits for
    the database."""
    return (os.cpu_count() or 1) + 1


class Command(BaseCommand):
    help = "Serve omslag with gunicorn (production). Configure with environment variables."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("OMSLAG_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("OMSLAG_WORKERS") or default_workers()),
            help="worker processes (OMSLAG_WORKERS; default: cores + 1)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("OMSLAG_THREADS") or 4),
            help="threads per worker process (OMSLAG_THREADS; default 4)",
        )

    def handle(self, *args, bind, workers, threads, **options):
        os.execvp(  # noqa: S606 (replaces this process with the server)
            sys.executable,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "omslag.wsgi:application",
                "--config",
                "python:omslag.gunicorn_conf",
                "--bind",
                bind,
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--access-logfile",
                "-",
            ],
        )
