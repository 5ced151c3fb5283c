"""Safeguards at national scale: importing the government's model DPIA (all or nothing, with
every check), rendering one step of the DPIA questionnaire, and the coverage page of an
organisation with 5,000 assessed experiments, projects and applications."""

import random
import time

import django_env

SLUG = "bench-safeguards"
DPIA = django_env.SHARED_DATA / "safeguards" / "par-dpia-form" / "dpia.yaml"


def _import_dpia(repeat: int) -> dict:
    import django_env
    from omslag.safeguards import services

    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        with DPIA.open("rb") as stream:
            _template, _happened, count = services.template_import_file(
                actor=None, stream=stream, fmt="dpia-form-v2", dry_run=True
            )
        samples.append(time.perf_counter() - started)
    result = django_env.percentiles(samples)
    result["items"] = count
    return result


def _seed(subjects: int):
    from django.db import transaction

    from omslag.innovation.models import Experiment
    from omslag.organisations import services as org_services
    from omslag.organisations.models import Organisation
    from omslag.portfolio.models import Application
    from omslag.projects.models import Project
    from omslag.safeguards import services
    from omslag.safeguards.models import Assessment, AssessmentTemplate, Mitigation, Risk

    services.own_templates_load()
    organisation = Organisation.objects.filter(slug=SLUG).first()
    if organisation and Assessment.objects.filter(organisation=organisation).count() >= subjects:
        return organisation
    rng = random.Random(5)  # noqa: S311
    templates = {t.kind: t for t in AssessmentTemplate.objects.filter(source="own")}
    with transaction.atomic():
        if organisation is None:
            organisation = org_services.organisation_create(
                actor=None, name="Bench veiligheid", slug=SLUG, kind="municipality"
            )
        Mitigation.objects.filter(risk__assessment__organisation=organisation).delete()
        Risk.objects.filter(assessment__organisation=organisation).delete()
        Assessment.all_objects.filter(organisation=organisation).delete()
        Experiment.all_objects.filter(organisation=organisation).delete()
        Project.all_objects.filter(organisation=organisation).delete()
        Application.all_objects.filter(organisation=organisation).delete()
        share = subjects // 5
        experiments = Experiment.objects.bulk_create(
            [
                Experiment(
                    organisation=organisation,
                    title=f"Proef {i:05d}",
                    processes_personal_data=i % 2 == 0,
                    public_facing=i % 3 == 0,
                )
                for i in range(2 * share)
            ]
        )
        projects = Project.objects.bulk_create(
            [Project(organisation=organisation, name=f"Project {i:05d}") for i in range(share)]
        )
        applications = Application.objects.bulk_create(
            [
                Application(
                    organisation=organisation,
                    name=f"Toepassing {i:05d}",
                    business_value=3,
                    technical_condition=3,
                )
                for i in range(subjects - 3 * share)
            ]
        )
        assessments = []
        for field, records, kinds in [
            ("experiment", experiments, ["privacy_prescan", "accessibility", "dpia"]),
            ("project", projects, ["security"]),
            ("application", applications, ["security"]),
        ]:
            for record in records:
                for kind in kinds[: rng.randint(1, len(kinds))]:
                    template = templates.get(kind) or templates["privacy_prescan"]
                    assessments.append(
                        Assessment(
                            organisation=organisation,
                            template=template,
                            kind=kind,
                            title=f"{kind} {record.pk}",
                            **{field: record},
                            status=rng.choice(["draft", "in_review", "approved", "approved"]),
                            outcome=rng.choice(["", "dpia_required", "no_dpia"]),
                        )
                    )
        assessments = Assessment.objects.bulk_create(assessments, batch_size=2000)
        risks = Risk.objects.bulk_create(
            [
                Risk(
                    assessment=a,
                    description="Risico",
                    likelihood=(li := rng.randint(1, 5)),
                    impact=(im := rng.randint(1, 5)),
                    score=li * im,
                )
                for a in assessments
                if rng.random() < 0.5
            ],
            batch_size=2000,
        )
        Mitigation.objects.bulk_create(
            [
                Mitigation(
                    risk=r,
                    description="Maatregel",
                    status=rng.choice(["open", "implemented", "approved"]),
                    due_date=__import__("datetime").date(2025, rng.randint(1, 12), 1),
                )
                for r in risks
                if rng.random() < 0.7
            ],
            batch_size=2000,
        )
    return organisation


def _dpia_step_url(person, organisation) -> str:
    from omslag.innovation.models import Experiment
    from omslag.safeguards import services
    from omslag.safeguards.models import Assessment, AssessmentTemplate

    template = AssessmentTemplate.objects.filter(urn="urn:nl:dpia").first()
    if template is None:
        with DPIA.open("rb") as stream:
            template, _h, _c = services.template_import_file(
                actor=None, stream=stream, fmt="dpia-form-v2"
            )
    assessment = Assessment.objects.filter(template=template, organisation=organisation).first()
    if assessment is None:
        experiment = Experiment.objects.filter(organisation=organisation).first()
        assessment = services.assessment_create(
            actor=person, template=template, subject=experiment, title="DPIA bench"
        )
    top = list(template.items.filter(parent=None).order_by("order"))
    largest = max(
        range(len(top)),
        key=lambda i: template.items.filter(
            order__gte=top[i].order, order__lt=top[i + 1].order if i + 1 < len(top) else 10**9
        ).count(),
    )
    return f"/assessments/{assessment.pk}/steps/{largest + 1}"


def run(quick: bool = False) -> dict:
    import django_env

    django_env.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from omslag.accounts.models import Person
    from omslag.organisations import services as org_services
    from omslag.organisations.models import Membership

    results = {"database": connection.vendor}
    if not DPIA.is_file():
        return {**results, "skipped": f"no model DPIA at {DPIA}"}
    results["import_model_dpia"] = _import_dpia(3 if quick else 10)
    subjects = 500 if quick else 5000
    started = time.perf_counter()
    organisation = _seed(subjects)
    results["subjects"] = subjects
    results["seed_seconds"] = round(time.perf_counter() - started, 1)
    person, _ = Person.objects.get_or_create(
        email="bench-safe@omslag.test", defaults={"full_name": "Bench"}
    )
    if not Membership.objects.filter(person=person, organisation=organisation).exists():
        org_services.membership_create(
            actor=None, person=person, organisation=organisation, role="editor"
        )
    client = Client()
    client.force_login(person)
    repeat = 10 if quick else 40
    pages = {
        "dpia_form_step": _dpia_step_url(person, organisation),
        "coverage_page": f"/organisations/{SLUG}/safeguard-coverage",
    }
    for name, url in pages.items():
        results[name] = django_env.time_requests(client, url, repeat)
        results[name]["url"] = url
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        results[name]["queries"] = len(queries)
    return results
