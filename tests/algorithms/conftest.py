import pytest

from omslag.organisations.models import Organisation, Role
from tests.conftest import SHARED_DATA, skip_unless
from tests.factories import member, organisation

SHARED = SHARED_DATA
FRAMEWORK_DIR = SHARED / "safeguards" / "algoritmekader"
STANDARD_SCHEMA = SHARED / "algoritmeregister" / "publicatiestandaard-schema.json"


@pytest.fixture
def framework_dir():
    skip_unless(FRAMEWORK_DIR.is_dir(), f"the Algoritmekader files are not at {FRAMEWORK_DIR}")
    return FRAMEWORK_DIR


@pytest.fixture
def framework(db, framework_dir):
    from omslag.algorithms.services import algoritmekader_import

    report = algoritmekader_import(directory=framework_dir)
    assert report.ok, report.problems
    return report


@pytest.fixture
def municipality(db):
    return organisation(
        "wadderveen", kind=Organisation.Kind.MUNICIPALITY, name="Gemeente Wadderveen"
    )


@pytest.fixture
def editor(municipality):
    return member(Role.EDITOR, municipality)


@pytest.fixture
def viewer(municipality):
    return member(Role.VIEWER, municipality)


def algorithm_values(**overrides) -> dict:
    values = {
        "name": "Routeplanning afvalinzameling",
        "description_short": "Berekent de kortste routes voor de vuilniswagens.",
        "theme": ["Natuur en milieu"],
        "status": "in_use",
        "start_date": "2023-03",
        "contact": "algoritmes@wadderveen.example",
        "publication_category": "other",
        "purpose_and_impact": "Minder ritten.",
        "considerations": "Goedkoper dan vaste routes.",
        "human_intervention": "De planner past routes aan.",
        "risk_management": "Terugval op vaste routes.",
        "impact_assessments": "Geen",
        "data": "Vulgraad per container.",
        "technical_operation": "Een routeringsalgoritme.",
        "supplier": "Intern ontwikkeld",
        "ai_type": "other_algorithm",
        "risk_group": "not_ai",
        "ai_role": "",
    }
    values.update(overrides)
    return values


HIGH_RISK = {
    "name": "Signaal fraudekans",
    "ai_type": "ai_system",
    "risk_group": "high",
    "ai_role": "deployer",
    "publication_category": "high_risk_ai",
}
MINIMAL = {
    "name": "Spamfilter",
    "ai_type": "ai_system",
    "risk_group": "minimal",
    "ai_role": "deployer",
}
