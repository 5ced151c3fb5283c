import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve omslag with gunicorn (production). Configure with environment variables."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("OMSLAG_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("OMSLAG_WORKERS", "2"))
        )

    def handle(self, *args, bind, workers, **options):
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
                "--access-logfile",
                "-",
            ],
        )
