"""The API answers as its OpenAPI document says: Schemathesis against the running application
(a live server on the test database, PostgreSQL in CI), once signed in as a platform
administrator, who may read and change everything, and once as an organisation's editor, who
may change that organisation's registers and is refused elsewhere (403/404, as the document
says). Every operation is covered except the token ones, which would revoke the run's own
credentials.

Checks, both ways: no server errors; answers, status codes, media types and headers as the
document says; no request that breaks the document accepted, and every request it allows
accepted (a success, or 403/404/409; the operations that may rightly answer 400 or 422 are
listed with the reason in schemathesis.toml); no method the document does not name, no
required header left out and no missing credentials accepted. Generated ids name records of
the run's own database (``--config-file`` gets the toml plus their dictionaries). A fixed,
deterministic generation keeps the run repeatable; ``make fuzz`` runs the same with more
examples per operation (OMSLAG_FUZZ_EXAMPLES).
"""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.apps import apps

from omslag.accounts.models import Person
from omslag.accounts.services import api_token_issue
from omslag.demo.loading import demo_load

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
CHECKS = ",".join(
    [
        "not_a_server_error",
        "response_schema_conformance",
        "negative_data_rejection",
        "positive_data_acceptance",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "unsupported_method",
        "missing_required_header",
        "ignored_auth",
    ]
)
CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES = int(os.environ.get("OMSLAG_FUZZ_EXAMPLES", "3"))
EDITOR = "redacteur@omslag.example"  # the demo municipality's editor

# The records behind each `/{resource}/{id}` address.
RECORDS = {
    "algorithms": "algorithms.AlgorithmRecord",
    "applications": "portfolio.Application",
    "assessment-templates": "safeguards.AssessmentTemplate",
    "assessments": "safeguards.Assessment",
    "benefits": "projects.Benefit",
    "challenges": "innovation.Challenge",
    "column-mappings": "exchange.ColumnMapping",
    "dependencies": "portfolio.Dependency",
    "evaluations": "innovation.Evaluation",
    "experiments": "innovation.Experiment",
    "ideas": "innovation.Idea",
    "imports": "exchange.ImportJob",
    "invitations": "organisations.Invitation",
    "jobs": "jobs.Job",
    "maturity-rounds": "maturity.ScanRound",
    "memberships": "organisations.Membership",
    "milestones": "projects.Milestone",
    "mitigations": "safeguards.Mitigation",
    "papers": "projects.ParliamentaryPaper",
    "projects": "projects.Project",
    "quality-reviews": "projects.QualityReview",
    "reference-classes": "projects.ReferenceClass",
    "reports": "projects.ProjectReport",
    "review-advice": "projects.ReviewAdvice",
    "risks": "safeguards.Risk",
    "scenario-changes": "portfolio.ScenarioChange",
    "scenarios": "portfolio.Scenario",
    "spend-lines": "portfolio.SpendLine",
    "spend-targets": "portfolio.SpendTarget",
}


def config_with_record_ids(folder: Path) -> Path:
    """schemathesis.toml plus, per resource, a dictionary of the ids in this database that
    its `{id}` takes most of the time (the rest stays generated, for the 404s)."""
    lines = [CONFIG.read_text()]
    for resource, label in RECORDS.items():
        ids = list(apps.get_model(label).objects.order_by("pk").values_list("pk", flat=True)[:50])
        if not ids:
            continue
        name = resource.replace("-", "_")
        path = "^/" + resource + "/\\\\{id\\\\}"
        lines += [
            f"[dictionaries.{name}]",
            f"values = {ids}",
            "[[operations]]",
            f'include-path-regex = "{path}"',
            f'parameters = {{ "path.id" = {{ dictionary = "{name}", probability = 0.8 }} }}',
        ]
    config = folder / "schemathesis.toml"
    config.write_text("\n".join(lines) + "\n")
    return config


def refusing_operations() -> tuple[set[str], set[str]]:
    """The operations schemathesis.toml lets answer 400 or 422 to valid data (by name, and by
    method): the only ones that may "mostly reject" generated data."""
    names, methods = set(), set()
    for operation in tomllib.loads(CONFIG.read_text()).get("operations", []):
        statuses = operation["checks"]["positive_data_acceptance"]["expected-statuses"]
        if not {400, 422} & set(statuses):
            continue
        for key, found in (("include-name", names), ("include-method", methods)):
            include = operation.get(key, [])
            found.update([include] if isinstance(include, str) else include)
    return names, methods


def mostly_rejected(stdout: str) -> set[str]:
    """The operations of Schemathesis's "mostly rejected generated data" warning."""
    section = re.search(r"^Schema validation mismatch:.*?\n\n((?:  - .*\n)+)", stdout, re.M)
    return set(re.findall(r"^  - (.+)$", section.group(1), re.M)) if section else set()


def unexplained(operations: set[str]) -> set[str]:
    names, methods = refusing_operations()
    return {
        operation
        for operation in operations
        if operation not in names and operation.split(" ", 1)[0] not in methods
    }


def test_only_the_listed_operations_may_refuse_valid_data():
    """The check of the warnings below can fail: an operation outside the list is reported."""
    names, methods = refusing_operations()
    assert "GET /projects/{id}/forecast" in names and "PATCH" in methods
    warned = {"GET /projects/{id}/forecast", "POST /projects/{id}/history/{historyId}/restore"}
    assert unexplained(warned) == set()
    assert unexplained({*warned, "GET /applications/{id}"}) == {"GET /applications/{id}"}
    stdout = "Schema validation mismatch: 2 operations\n\n  - POST /a\n  - GET /b\n\n💡 Check"
    assert mostly_rejected(stdout) == {"POST /a", "GET /b"}


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
                "--config-file",
                str(config_with_record_ids(folder)),
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
        # Valid data mostly refused only where schemathesis.toml says why (docs/api.md).
        assert unexplained(mostly_rejected(result.stdout)) == set(), role + summary
        # The counts, for the record (pytest -s, or the CI log on failure).
        print(role, result.stdout[result.stdout.find("SUMMARY") :])
