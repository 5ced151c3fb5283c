import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.utils.translation import gettext as _

from omslag.common.commands import OmslagCommand


class Command(OmslagCommand):
    help = (
        "Migrate the embedded database, load the demo data, print the demo logins and serve "
        "on http://127.0.0.1:8000."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="Prepare only; do not serve.")

    def handle(self, *args, port, no_serve, **options):
        from omslag.demo.loading import demo_load, demo_password

        # Other commands in this folder wait for the demo instead of using a half-loaded one.
        settings.DEMO_PREPARING.parent.mkdir(parents=True, exist_ok=True)
        settings.DEMO_PREPARING.write_text(str(os.getpid()))
        try:
            call_command("migrate", interactive=False, verbosity=0)
            self.stdout.write(
                _("Database ready: %(name)s") % {"name": settings.DATABASES["default"]["NAME"]}
            )
            logins = demo_load()
        finally:
            settings.DEMO_PREPARING.unlink(missing_ok=True)
        password = demo_password()
        self.stdout.write(
            self.style.SUCCESS(
                "\n" + _("Demo logins (password for all: %(password)s)") % {"password": password}
            )
        )
        for email, role, organisation in logins:
            self.stdout.write(f"  {email:<32} {role:<24} {organisation}")
        if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
            self.stdout.write(
                "\nE-mails to proposers of public challenges are written to "
                + str(settings.EMAIL_FILE_PATH)
            )
        if no_serve:
            return
        self.stdout.write(
            self.style.SUCCESS(
                "\n"
                + _("omslag runs on http://127.0.0.1:%(port)s — Ctrl+C stops it.") % {"port": port}
                + "\n"
            )
        )
        sys.stdout.flush()
        serve_with_worker(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "omslag.wsgi:application",
                "--config",
                "python:omslag.gunicorn_conf",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--access-logfile",
                "-",
            ]
        )


WORKER_COMMAND = [sys.executable, "-m", "omslag.cli", "worker"]


def serve_with_worker(server_command: list[str], worker_command: list[str] = WORKER_COMMAND):
    """Run the web server with one `omslag worker` beside it (imports and other long work
    are jobs); when the server stops, by Ctrl+C or otherwise, the worker stops with it."""
    worker = subprocess.Popen(worker_command)  # noqa: S603
    server = subprocess.Popen(server_command)  # noqa: S603
    try:
        server.wait()
    except KeyboardInterrupt:  # Ctrl+C reaches both children too; wait for them to finish
        server.wait()
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait()
        if worker.poll() is None:
            worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
