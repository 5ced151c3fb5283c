"""The API answers as its OpenAPI document says: Schemathesis against the running application
(a live server on the test database, PostgreSQL in CI), once signed in as a platform
administrator, who may read and change everything, and once as an organisation's editor, who
may change that organisation's registers and is refused elsewhere (403/404, as the document
says). Every operation is covered except the token ones, which would revoke the run's own
credentials.

Checks: no server errors, responses that match the document, and no request that breaks the
document accepted. A fixed, deterministic generation keeps the run repeatable; ``make fuzz``
runs the same with more examples per operation (OMSLAG_FUZZ_EXAMPLES).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from omslag.accounts.models import Person
from omslag.accounts.services import api_token_issue
from omslag.demo import demo_load

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
CHECKS = "not_a_server_error,response_schema_conformance,negative_data_rejection"
EXAMPLES = int(os.environ.get("OMSLAG_FUZZ_EXAMPLES", "3"))
EDITOR = "redacteur@omslag.example"  # the demo municipality's editor


@pytest.fixture
def fuzz_tokens(transactional_db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_CLASSES": [],  # the fuzzer sends thousands of requests a minute
    }
    demo_load(password="fuzz-demo-password-0123")
    admin = Person.objects.filter(is_superuser=True).first()
    editor = Person.objects.get(email=EDITOR)
    return {
        "platform administrator": api_token_issue(person=admin, name="schemathesis")[1],
        "editor": api_token_issue(person=editor, name="schemathesis")[1],
    }


def test_the_api_answers_as_its_document_says(live_server, fuzz_tokens, tmp_path):
    api = f"{live_server.url}/api/v1"
    for role, token in fuzz_tokens.items():
        folder = tmp_path / role.replace(" ", "-")
        folder.mkdir()
        result = subprocess.run(  # noqa: S603 (our own dependency)
            [
                SCHEMATHESIS,
                "run",
                f"{api}/openapi.json",
                "--url",
                api,
                "--header",
                f"Authorization: Bearer {token}",
                "--checks",
                CHECKS,
                "--phases",
                "fuzzing",
                "--max-examples",
                str(EXAMPLES),
                "--generation-deterministic",
                "--exclude-path-regex",
                "^/tokens",
                "--workers",
                "1",
                "--report",
                "junit",
                "--report-dir",
                str(folder),
            ],
            capture_output=True,
            text=True,
            cwd=folder,  # Schemathesis keeps its example database in the working directory
            timeout=540,
            check=False,
        )
        failures = result.stdout.find("FAILURES")
        summary = result.stdout[failures:][:12000] if failures >= 0 else result.stdout[-4000:]
        assert "Operations:" in result.stdout, role + summary + result.stderr[-2000:]
        assert result.returncode == 0, role + summary
        # The counts, for the record (pytest -s, or the CI log on failure).
        print(role, result.stdout[result.stdout.find("SUMMARY") :])
