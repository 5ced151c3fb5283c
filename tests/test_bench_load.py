"""The load test's runner (benchmarks/bench_load.py): reading Locust's CSV files, the steady
throughput, the targets, the accounts; and the Locust file's pages cover every role."""

import importlib.util
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
LOCUSTFILE = BENCHMARKS / "load" / "locustfile.py"
STATS_HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
    "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
    "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n"
)
HISTORY_HEADER = (
    "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,"
    "99.9%,99.99%,100%,Total Request Count,Total Failure Count\n"
)


def module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    loaded = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(BENCHMARKS))
    spec.loader.exec_module(loaded)
    return loaded


@pytest.fixture(scope="module")
def bench_load():
    return module("bench_load_under_test", BENCHMARKS / "bench_load.py")


def test_per_page_and_total_figures_come_from_locusts_stats_file(bench_load, tmp_path):
    (tmp_path / "peak_stats.csv").write_text(
        STATS_HEADER + "GET,applications,40,1,120,130,20,900,5000,4.5,0.1,"
        "120,130,140,150,200,250,300,400,900,900,900\n"
        + "POST,sign in,10,0,300,310,200,700,0,1.0,0.0,"
        "300,310,320,330,400,650,700,700,700,700,700\n"
        + ",Aggregated,50,1,150,170,20,900,4000,5.5,0.1,"
        "150,160,170,180,260,600,700,700,900,900,900\n"
    )
    stats = bench_load.read_stats(tmp_path / "peak")
    assert stats["total"]["requests"] == 50
    assert stats["total"]["failures"] == 1
    assert stats["total"]["p95_ms"] == 600.0
    assert stats["pages"]["GET applications"]["p99_ms"] == 400.0
    assert stats["pages"]["POST sign in"]["p50_ms"] == 300.0
    assert set(stats["pages"]) == {"GET applications", "POST sign in"}


def test_steady_throughput_is_the_median_of_the_second_half(bench_load, tmp_path):
    rates = [0, 1, 2, 3, 40, 50, 60, 70, 80]  # second half (from index 4): median 60
    rows = "".join(
        f"{1000 + i},20,,Aggregated,{rate},0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0\n"
        f"{1000 + i},20,GET,home,999,0,1,1,1,1,1,1,1,1,1,1,1,0,0\n"
        for i, rate in enumerate(rates)
    )
    (tmp_path / "peak_stats_history.csv").write_text(HISTORY_HEADER + rows)
    assert bench_load.steady_throughput(tmp_path / "peak") == 60.0


def test_the_load_targets_fail_a_slow_page_an_error_and_too_little_throughput(bench_load):
    targets = tomllib.loads((BENCHMARKS / "targets.toml").read_text())["load"]
    results = {
        "think": {"worst_page_p95_ms": 310.0, "ok_share": 0.999},
        "peak": {"steady_requests_per_second": 49.0, "ok_share": 1.0},
    }
    missed = bench_load.check_targets(results) if targets == bench_load.TARGETS else None
    assert missed == [
        "load.think.worst_page_p95_ms: 310.0 is above the target 300",
        "load.think.ok_share: 0.999 is below the target 1.0",
        "load.peak.steady_requests_per_second: 49.0 is below the target 50",
    ]
    results = {
        "think": {"worst_page_p95_ms": 290.0, "ok_share": 1.0},
        "peak": {"steady_requests_per_second": 51.0, "ok_share": 1.0},
    }
    assert bench_load.check_targets(results) == []


def test_accounts_are_read_from_json_or_csv(bench_load, tmp_path):
    rows = [{"email": "a@x.nl", "password": "pw", "role": "viewer", "organisation": "g-x"}]
    (tmp_path / "a.json").write_text(json.dumps(rows))
    (tmp_path / "a.csv").write_text("email,password,role,organisation\na@x.nl,pw,viewer,g-x\n")
    assert bench_load.load_accounts(tmp_path / "a.json") == rows
    assert bench_load.load_accounts(tmp_path / "a.csv") == rows


def test_without_postgresql_the_load_test_says_it_was_skipped(bench_load):
    assert "skipped" in bench_load.measure(url="sqlite:///x.sqlite3")


def test_the_locust_file_has_pages_for_every_role(tmp_path):
    from omslag.organisations.models import Role

    accounts = tmp_path / "accounts.json"
    accounts.write_text(
        json.dumps([{"email": "a@x.nl", "password": "p", "role": "editor", "organisation": "o"}])
    )
    # Locust patches the standard library (gevent) when imported: look in another process.
    code = (
        "import importlib.util, json, sys\n"
        f"spec = importlib.util.spec_from_file_location('lf', {str(LOCUSTFILE)!r})\n"
        "lf = importlib.util.module_from_spec(spec); spec.loader.exec_module(lf)\n"
        "print(json.dumps({'roles': sorted(lf.PAGES), 'wait': lf.Person.wait_time(None)}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "OMSLAG_LOAD_ACCOUNTS": str(accounts), "OMSLAG_LOAD_THINK": "0"},
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {"roles": sorted(role.value for role in Role), "wait": 0}


def test_the_locust_users_are_fast_http_users_and_their_upload_is_a_valid_form(tmp_path):
    """Locust's fast client (less CPU for the generator on the same machine) sends bytes: the
    import's multipart body it builds is read by Django as the form and the file."""
    import base64
    import io

    from django.core.files.uploadhandler import MemoryFileUploadHandler
    from django.http.multipartparser import MultiPartParser

    accounts = tmp_path / "accounts.json"
    accounts.write_text(
        json.dumps([{"email": "a@x.nl", "password": "p", "role": "editor", "organisation": "o"}])
    )
    code = (
        "import importlib.util, json, base64\n"
        f"spec = importlib.util.spec_from_file_location('lf', {str(LOCUSTFILE)!r})\n"
        "lf = importlib.util.module_from_spec(spec); spec.loader.exec_module(lf)\n"
        "from locust import FastHttpUser\n"
        "body, kind = lf._multipart({'kind': 'applications', 'csrfmiddlewaretoken': 't'},"
        " 'file', 'applications.csv', 'naam;leverancier\\r\\nZaak;Één\\r\\n'.encode())\n"
        "users = (lf.Person, lf.ApiClient)\n"
        "print(json.dumps({'fast': [issubclass(c, FastHttpUser) for c in users],"
        " 'body': base64.b64encode(body).decode(), 'type': kind}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "OMSLAG_LOAD_ACCOUNTS": str(accounts), "OMSLAG_LOAD_THINK": "0"},
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["fast"] == [True, True]
    body = base64.b64decode(found["body"])
    meta = {"CONTENT_TYPE": found["type"], "CONTENT_LENGTH": str(len(body))}
    handlers = [MemoryFileUploadHandler()]
    data, files = MultiPartParser(meta, io.BytesIO(body), handlers).parse()
    assert data.dict() == {"kind": "applications", "csrfmiddlewaretoken": "t"}
    assert files["file"].name == "applications.csv"
    assert files["file"].read() == "naam;leverancier\r\nZaak;Één\r\n".encode()


def test_the_profilers_shares_are_those_the_locust_file_asks():
    """profile_pages weighs each page as Locust asks it: the shares add up to one, every page
    of every role and every API call has one, and an editor's page share follows its weight."""
    profile_pages = module("profile_pages_under_test", BENCHMARKS / "load" / "profile_pages.py")
    mix = module("mix_under_test", BENCHMARKS / "load" / "mix.py")
    shares = profile_pages.mix_weights()
    assert abs(sum(shares.values()) - 1) < 1e-9
    expected = {(role, name) for role, pages in mix.PAGES.items() for name, _a, _w in pages}
    expected |= {("api", name) for name, _a, _w in mix.API_CALLS}
    expected |= {(role, name) for role in mix.EXPORT["roles"] for name, _a in mix.EXPORT["pages"]}
    assert set(shares) == expected
    # By hand, per click: 9 of 10 users are people, a sixth of them editors; a person's click
    # is a page 20 times in 21, the applications page 4 of the editor's 13 weights; the
    # export click makes two measured requests for editors and administrators, none for the
    # other four roles. Requests per click in all:
    requests = 0.9 / 6 * (6 * 20 / 21 + 2 * 2 / 21) + 0.1
    assert shares[("editor", "applications")] == pytest.approx(
        0.9 / 6 * 20 / 21 * 4 / 13 / requests
    )
    assert shares[("admin", "export csv")] == pytest.approx(0.9 / 6 / 21 / requests)
    assert shares[("api", "api projects")] == pytest.approx(0.1 * 3 / 11 / requests)
