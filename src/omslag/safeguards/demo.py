"""Demo safeguards: omslag's own templates, and for the demo municipality an approved privacy
pre-scan and an accessibility assessment in review. Loading twice changes nothing."""

from django.db import transaction

from omslag.organisations.models import Membership, Role

from . import services
from .models import Assessment, AssessmentTemplate

DEMO_PREFIX = "Demo: "


def _people(organisation):
    roles = dict(Membership.objects.filter(organisation=organisation).values_list("role", "person"))
    from django.contrib.auth import get_user_model

    Person = get_user_model()
    editor = Person.objects.filter(pk=roles.get(Role.EDITOR)).first()
    officer = Person.objects.filter(pk=roles.get(Role.SAFEGUARD_OFFICER)).first()
    return editor, officer


@transaction.atomic
def safeguards_demo_load(organisation) -> None:
    services.own_templates_load()
    from omslag.innovation.models import Experiment

    editor, officer = _people(organisation)
    experiments = list(Experiment.objects.filter(organisation=organisation).order_by("pk")[:2])
    if editor is None or officer is None or not experiments:
        return
    if Assessment.objects.filter(organisation=organisation, title__startswith=DEMO_PREFIX).exists():
        return
    templates = {t.key: t for t in AssessmentTemplate.objects.filter(source="own")}
    prescan = services.assessment_create(
        actor=editor,
        template=templates["privacy-prescan"],
        subject=experiments[0],
        title=f"{DEMO_PREFIX}Privacy-prescan {experiments[0].title}",
    )
    services.assessment_answers_save(
        actor=editor,
        assessment=prescan,
        answers=[
            {"item": "1.1", "value": "yes"},
            {
                "item": "1.2",
                "value": "Namen en e-mailadressen van inwoners die de proef gebruiken.",
            },
            {"item": "2.1", "value": ["new_technology"]},
            {"item": "3.1", "value": "Pim Privacy"},
        ],
    )
    services.assessment_submit(actor=editor, assessment=prescan)
    services.assessment_approve(
        actor=officer, assessment=prescan, note="Geen DPIA nodig; wel een verwerkersovereenkomst."
    )
    subject = experiments[-1]
    access = services.assessment_create(
        actor=editor,
        template=templates["accessibility-inclusion"],
        subject=subject,
        title=f"{DEMO_PREFIX}Toegankelijkheid {subject.title}",
    )
    services.assessment_answers_save(
        actor=editor,
        assessment=access,
        answers=[
            {"item": "1.1", "value": "partial"},
            {"item": "1.2", "value": "no"},
            {"item": "2.2", "value": "yes"},
        ],
    )
    risk = services.risk_create(
        actor=editor,
        assessment=access,
        description="Schermlezers kunnen het formulier niet volledig gebruiken.",
        likelihood=4,
        impact=4,
        owner="Teamleider dienstverlening",
    )
    services.mitigation_create(
        actor=editor,
        risk=risk,
        description="Toegankelijkheidsonderzoek en herstel van de formulieren",
        owner="Leverancier",
    )
    services.assessment_submit(actor=editor, assessment=access)


def safeguards_demo_clear_gates(experiment) -> None:
    """Demo only: the approved assessments an experiment needs before it may run, for demo
    code that walks experiments through every stage. Loading twice changes nothing."""
    services.own_templates_load()
    editor, officer = _people(experiment.organisation)
    if editor is None or officer is None:
        return
    templates = {t.key: t for t in AssessmentTemplate.objects.filter(source="own")}
    needed = []
    if experiment.processes_personal_data:
        needed.append(
            (
                "privacy-prescan",
                [{"item": "1.1", "value": "yes"}, {"item": "2.1", "value": ["combining"]}],
            )
        )
    if experiment.public_facing:
        needed.append(
            (
                "accessibility-inclusion",
                [{"item": "1.1", "value": "full"}, {"item": "1.2", "value": "yes"}],
            )
        )
    for key, answers in needed:
        template = templates[key]
        if Assessment.objects.filter(
            experiment=experiment, kind=template.kind, status="approved"
        ).exists():
            continue
        assessment = services.assessment_create(actor=editor, template=template, subject=experiment)
        services.assessment_answers_save(actor=editor, assessment=assessment, answers=answers)
        services.assessment_submit(actor=editor, assessment=assessment)
        services.assessment_approve(actor=officer, assessment=assessment, note="Demo")
