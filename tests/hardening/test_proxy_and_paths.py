"""HSTS only when HTTPS is real or a configured proxy says so, and messages about unreadable
uploads that never show a server path or a library's internals."""

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from omslag.common.tabular.formats import FileProblem, read_table
from omslag.exchange import services

OMSLAG = str(Path(sys.executable).with_name("omslag"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve_and_ask(tmp_path, behind_proxy: bool) -> dict:
    """Start `omslag serve` (gunicorn), ask for /login with a forwarded HTTPS header from
    localhost, and return the response headers."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env.update(
        OMSLAG_DATA_DIR=str(tmp_path),
        OMSLAG_BEHIND_TLS_PROXY="true" if behind_proxy else "false",
        OMSLAG_SECRET_KEY="insecure-test-key-for-the-proxy-test-0123456789",
        OMSLAG_DEMO="true",
        DJANGO_SETTINGS_MODULE="omslag.settings",
    )
    server = subprocess.Popen(  # noqa: S603 (our own command)
        [OMSLAG, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        request = urllib.request.Request(  # noqa: S310 (a local http address)
            f"http://127.0.0.1:{port}/login", headers={"X-Forwarded-Proto": "https"}
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                    return dict(response.headers)
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_no_hsts_from_a_forwarded_header_unless_the_proxy_is_configured(tmp_path):
    headers = _serve_and_ask(tmp_path, behind_proxy=False)
    assert "Strict-Transport-Security" not in headers
    headers = _serve_and_ask(tmp_path, behind_proxy=True)
    assert headers["Strict-Transport-Security"].startswith("max-age=")


def _broken_xlsx(mangle) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["slug", "name"])
    plain = io.BytesIO()
    book.save(plain)
    source = zipfile.ZipFile(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = mangle(info.filename, source.read(info))
            if data is not None:
                target.writestr(info.filename, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "mangle, reason",
    [
        (lambda n, d: b"<worksheet><sheetData><row><c" if "sheet1" in n else d, "line 1, column"),
        (lambda n, d: None if "sheet1" in n else d, "a part of the file is missing"),
        (lambda n, d: b"<styleSheet" if "styles" in n else d, "XML is broken"),
    ],
)
def test_broken_spreadsheets_are_described_not_crashed_on(mangle, reason):
    with pytest.raises(FileProblem, match=reason):
        table = read_table(io.BytesIO(_broken_xlsx(mangle)), "x.xlsx", max_bytes=10**7)
        list(table.rows)


def test_an_error_holding_a_server_path_is_not_shown(tree, settings, monkeypatch):
    path = f"{settings.MEDIA_ROOT}/imports/secret-name.xlsx"

    def failing(*args, **kwargs):
        raise OSError(2, "No such file or directory", path)

    monkeypatch.setattr(openpyxl, "load_workbook", failing)
    job = services.import_job_check(
        actor=None,
        organisation=tree[0],
        kind="organisations",
        upload=SimpleUploadedFile("orgs.xlsx", _broken_xlsx(lambda n, d: d)),
    )
    message = job.report["file_problem"]
    assert message.startswith("This is not a readable XLSX file")
    assert str(settings.MEDIA_ROOT) not in message and "secret-name" not in message
    assert "/" not in message.replace("XLSX", "")


def test_unreadable_ods_hides_the_library_internals():
    with pytest.raises(FileProblem) as refused:
        read_table(io.BytesIO(_broken_xlsx(lambda n, d: d)), "x.ods", max_bytes=10**7)
    assert "NoneType" not in refused.value.message and "childNodes" not in refused.value.message
