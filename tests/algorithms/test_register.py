"""The algorithm register: applicable requirements from the AI Act profile, measure states,
the publication standard's limits (model, form, API) and the export in the standard."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from omslag.algorithms import selectors, services
from omslag.algorithms.demo import algorithms_demo_load
from omslag.algorithms.models import AlgorithmRecord, Measure, MeasureState
from omslag.common.errors import RuleViolation
from tests.conftest import skip_unless

from .conftest import HIGH_RISK, MINIMAL, STANDARD_SCHEMA, algorithm_values


def _create(organisation, **overrides):
    return services.algorithm_create(
        actor=None, organisation=organisation, **algorithm_values(**overrides)
    )


def _codes(requirements):
    return {r.code for r in requirements}


def test_high_risk_deployer_gets_the_high_risk_requirements_a_minimal_one_does_not(
    framework, municipality
):
    high = _create(municipality, **HIGH_RISK)
    minimal = _create(municipality, **MINIMAL)
    not_ai = _create(municipality)
    high_codes = _codes(selectors.applicable_requirements(high))
    minimal_codes = _codes(selectors.applicable_requirements(minimal))
    not_ai_codes = _codes(selectors.applicable_requirements(not_ai))
    always = {
        "arc-01",
        "aut-01",
        "avg-01",
        "avg-02",
        "avg-03",
        "avg-04",
        "avg-05",
        "avg-06",
        "avg-07",
        "avg-08",
        "avg-09",
        "avg-10",
        "avg-11",
        "avg-12",
        "avg-13",
        "awb-01",
        "awb-02",
        "bio-01",
        "bzk-01",
        "dat-01",
        "grw-01",
        "grw-02",
        "woo-01",
    }  # always_applicable: 1 in the files
    assert not_ai_codes == always
    # Deployer of a high-risk AI system: aia-20..27 (gebruiksverantwoordelijke, hoog-risico),
    # aia-01 (AI literacy), aia-33 and aia-36 (any AI system, both roles), aia-37 (no profile).
    assert high_codes == always | {
        "aia-01",
        "aia-20",
        "aia-21",
        "aia-22",
        "aia-23",
        "aia-24",
        "aia-25",
        "aia-26",
        "aia-27",
        "aia-33",
        "aia-36",
        "aia-37",
    }
    assert minimal_codes == always | {"aia-01", "aia-33", "aia-36", "aia-37"}
    assert "aia-03" not in high_codes  # the risk management system is the provider's
    provider = _create(municipality, **{**HIGH_RISK, "name": "Eigen model", "ai_role": "provider"})
    assert "aia-03" in _codes(selectors.applicable_requirements(provider))
    assert len(selectors.applicable_measures(high)) > len(selectors.applicable_measures(minimal))


def test_measure_state_moves_step_by_step_and_not_applicable_needs_a_reason(
    framework, municipality
):
    algorithm = _create(municipality, **HIGH_RISK)
    measure = Measure.objects.get(key="6-imp-03-menselijke-tussenkomst")
    set_state = lambda state, reason="": services.measure_state_set(  # noqa: E731
        actor=None, algorithm=algorithm, measure=measure, state=state, reason=reason
    )
    with pytest.raises(RuleViolation, match="cannot go from to_do to done"):
        set_state("done")
    for state in ("in_progress", "in_review", "done"):
        assert set_state(state).state == state
    assert set_state("in_progress").state == "in_progress"  # reopened
    with pytest.raises(ValidationError) as error:
        set_state("not_applicable")
    assert "reason" in error.value.message_dict
    record = set_state("not_applicable", "Er beslist altijd een mens; zie de werkinstructie.")
    assert record.reason.startswith("Er beslist")
    assert record.history.count() == 5
    assert MeasureState.objects.filter(algorithm=algorithm).count() == 1


def test_a_measure_that_does_not_follow_from_the_profile_gets_no_state(framework, municipality):
    algorithm = _create(municipality, **MINIMAL)
    measure = Measure.objects.get(key="0-org-03-toepassen-risicobeheer")  # aia-03, awb-01
    unrelated = Measure.objects.exclude(
        requirements__in=selectors.applicable_requirements(algorithm)
    ).first()
    assert selectors.measure_is_applicable(algorithm, measure)
    with pytest.raises(RuleViolation, match="does not follow"):
        services.measure_state_set(
            actor=None, algorithm=algorithm, measure=unrelated, state="in_progress"
        )


def test_model_names_the_field_and_the_limit_of_the_standard(municipality):
    with pytest.raises(ValidationError) as error:
        _create(municipality, name="x" * 100, supplier="y" * 200, start_date="2023-13")
    errors = error.value.message_dict
    assert "name may have at most 99 characters" in errors["name"][0]
    assert "it has 100" in errors["name"][0]
    assert "supplier may have at most 199 characters" in errors["supplier"][0]
    assert "YYYY-MM" in errors["start_date"][0]
    assert not AlgorithmRecord.objects.exists()


def test_ai_profile_must_be_consistent(municipality):
    with pytest.raises(ValidationError) as error:
        _create(municipality, ai_type="ai_system", risk_group="not_ai")
    assert "risk_group" in error.value.message_dict


def test_form_shows_the_limit_on_the_field(client, editor, municipality):
    client.force_login(editor)
    data = {**algorithm_values(description_short="z" * 400), "theme": "Verkeer, Milieu"}
    page = client.post(
        f"/organisations/{municipality.slug}/algorithms/new", data, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "description_short may have at most 399 characters" in html
    assert 'id="id_description_short_error"' in html
    assert not AlgorithmRecord.objects.exists()
    data["description_short"] = "Kort."
    page = client.post(f"/organisations/{municipality.slug}/algorithms/new", data)
    assert page.status_code == 302
    assert AlgorithmRecord.objects.get().theme == ["Verkeer", "Milieu"]


def test_api_refuses_an_over_length_field_with_400_naming_field_and_limit(
    api_for, editor, municipality
):
    api = api_for(editor)
    api.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    body = {
        "name": "n" * 120,
        "descriptionShort": "Kort.",
        "theme": ["Verkeer"],
        "status": "in_use",
        "startMonth": "2023-01",
        "contact": "https://wadderveen.example/contact",
        "publicationCategory": "other",
        "purposeAndImpact": "Doel.",
        "considerations": "Afweging.",
        "humanIntervention": "Mens.",
        "riskManagement": "Risico.",
        "impactAssessments": "Geen",
        "data": "Gegevens.",
        "technicalOperation": "Werking.",
        "supplier": "Intern ontwikkeld",
        "aiType": "other_algorithm",
        "riskGroup": "not_ai",
    }
    answer = api.post(f"/api/v1/organisations/{municipality.slug}/algorithms", body, format="json")
    assert answer.status_code == 400
    assert answer["Content-Type"].startswith("application/problem+json")
    params = answer.json()["invalidParams"]
    assert params[0]["name"] == "name"
    assert "at most 99 characters" in params[0]["reason"]
    body["name"] = "Routeplanning"
    answer = api.post(f"/api/v1/organisations/{municipality.slug}/algorithms", body, format="json")
    assert answer.status_code == 201, answer.json()
    created = answer.json()
    assert created["descriptionShort"] == "Kort." and created["riskGroup"] == "not_ai"
    answer = api.patch(
        f"/api/v1/algorithms/{created['id']}",
        {"version": created["version"], "legalBasisTitle": "t" * 100},
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["invalidParams"][0]["name"] == "legalBasisTitle"


def test_api_measure_state_patch_and_viewer_is_refused(
    framework, api_for, editor, viewer, municipality
):
    algorithm = _create(municipality, **HIGH_RISK)
    url = f"/api/v1/algorithms/{algorithm.pk}/measures/6-imp-03-menselijke-tussenkomst"
    assert api_for(viewer).patch(url, {"state": "in_progress"}, format="json").status_code == 403
    api = api_for(editor)
    answer = api.patch(url, {"state": "in_progress"}, format="json")
    assert answer.status_code == 200 and answer.json()["state"] == "in_progress"
    answer = api.patch(url, {"state": "not_applicable"}, format="json")
    assert answer.status_code == 422
    listing = api.get(f"/api/v1/algorithms/{algorithm.pk}/measures").json()
    assert {"key": "6-imp-03-menselijke-tussenkomst", "state": "in_progress"}.items() <= next(
        m for m in listing if m["key"] == "6-imp-03-menselijke-tussenkomst"
    ).items()
    requirement = api.get("/api/v1/requirements/aia-21").json()
    assert "6-imp-03-menselijke-tussenkomst" in {m["key"] for m in requirement["measures"]}


def test_another_organisations_algorithm_is_not_found(api_for, municipality):
    from tests.factories import member, organisation

    other = organisation("elders")
    stranger = member("editor", other)
    algorithm = _create(municipality)
    assert api_for(stranger).get(f"/api/v1/algorithms/{algorithm.pk}").status_code == 404


def _schema_validator():
    skip_unless(
        STANDARD_SCHEMA.is_file(), f"the standard's JSON Schema is not at {STANDARD_SCHEMA}"
    )
    import jsonschema

    schema = json.loads(STANDARD_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def test_export_of_the_demo_algorithms_validates_against_the_real_schema(
    framework, municipality, tmp_path
):
    validator = _schema_validator()
    algorithms_demo_load(municipality)
    algorithms_demo_load(municipality)  # loading twice changes nothing
    assert AlgorithmRecord.objects.count() == 3
    assert MeasureState.objects.count() == 5
    out = tmp_path / "register.json"
    call_command(
        "export",
        "algorithms",
        "--format",
        "json",
        "--standard",
        "algoritmeregister",
        "--org",
        municipality.slug,
        "-o",
        str(out),
    )
    records = json.loads(out.read_text(encoding="utf-8"))
    assert len(records) == 3
    for record in records:
        errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(record)]
        assert errors == [], record["name"]
        assert record["language"] == "nld" and record["schema"] == "1.0.0"
        assert record["organization"] == "Gemeente Wadderveen"
    fraud = next(r for r in records if r["name"] == "Signaal fraudekans bijstand")
    assert fraud["publication_category"] == "Hoog-risico AI-systeem (Categorie A)"
    assert fraud["status"] == "In ontwikkeling"


def test_demo_without_the_algoritmekader_uses_a_stand_in_and_validates(municipality, tmp_path):
    validator = _schema_validator()
    algorithms_demo_load(municipality)
    out = tmp_path / "all.json"
    call_command(
        "export",
        "algorithms",
        "--format",
        "json",
        "--standard",
        "algoritmeregister",
        "-o",
        str(out),
    )
    records = json.loads(out.read_text(encoding="utf-8"))
    assert [list(validator.iter_errors(r)) for r in records] == [[], [], []]


def test_tabular_export_and_pages(framework, client, editor, municipality):
    algorithms_demo_load(municipality)
    client.force_login(editor)
    listing = client.get(f"/organisations/{municipality.slug}/algorithms", {"risk_group": "high"})
    assert listing.status_code == 200
    assert "Signaal fraudekans bijstand" in listing.content.decode()
    assert "Routeplanning afvalinzameling" not in listing.content.decode()
    fraud = AlgorithmRecord.objects.get(name="Signaal fraudekans bijstand")
    page = client.get(f"/algorithms/{fraud.pk}")
    assert page.status_code == 200
    assert "Menselijk toezicht" in page.content.decode()
    answer = client.post(
        f"/algorithms/{fraud.pk}/measures/6-imp-03-menselijke-tussenkomst",
        {f"m{Measure.objects.get(key='6-imp-03-menselijke-tussenkomst').pk}-state": "done"},
    )
    assert answer.status_code == 302
    assert (
        MeasureState.objects.get(
            algorithm=fraud, measure__key="6-imp-03-menselijke-tussenkomst"
        ).state
        == "done"
    )
    download = client.get(
        f"/organisations/{municipality.slug}/export", {"kind": "algorithms", "format": "csv"}
    )
    assert download.status_code == 200
    content = b"".join(download.streaming_content) if download.streaming else download.content
    assert b"Signaal fraudekans bijstand" in content
    framework_page = client.get("/algoritmekader", {"show": "measures", "q": "imp-03"})
    assert "aia-21" in framework_page.content.decode()
