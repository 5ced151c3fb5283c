"""Demo safeguards: omslag's own templates, and for the demo municipality an approved privacy
pre-scan and an accessibility assessment in review. Loading twice changes nothing."""

from django.db import transaction

from omslag.organisations.models import Membership, Role

from . import services
from .models import Assessment, AssessmentTemplate


def _people(organisation):
    roles = dict(
        Membership.objects.filter(organisation=organisation).values_list("role", "person")
    )
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
    if Assessment.objects.filter(organisation=organisation).exists():
        return
    templates = {t.key: t for t in AssessmentTemplate.objects.filter(source="own")}
    prescan = services.assessment_create(
        actor=editor, template=templates["privacy-prescan"], subject=experiments[0],
        title=f"Privacy-prescan {experiments[0].title}",
    )
    services.assessment_answers_save(actor=editor, assessment=prescan, answers=[
        {"item": "1.1", "value": "yes"},
        {"item": "1.2", "value": "Namen en e-mailadressen van inwoners die de proef gebruiken."},
        {"item": "2.1", "value": ["new_technology"]},
        {"item": "3.1", "value": "Pim Privacy"},
    ])
    services.assessment_submit(actor=editor, assessment=prescan)
    services.assessment_approve(actor=officer, assessment=prescan,
                                note="Geen DPIA nodig; wel een verwerkersovereenkomst.")
    subject = experiments[-1]
    access = services.assessment_create(
        actor=editor, template=templates["accessibility-inclusion"], subject=subject,
        title=f"Toegankelijkheid {subject.title}",
    )
    services.assessment_answers_save(actor=editor, assessment=access, answers=[
        {"item": "1.1", "value": "partial"},
        {"item": "1.2", "value": "no"},
        {"item": "2.2", "value": "yes"},
    ])
    risk = services.risk_create(
        actor=editor, assessment=access, description="Schermlezers kunnen het formulier niet "
        "volledig gebruiken.", likelihood=4, impact=4, owner="Teamleider dienstverlening",
    )
    services.mitigation_create(actor=editor, risk=risk, description="Toegankelijkheidsonderzoek "
                               "en herstel van de formulieren", owner="Leverancier")
    services.assessment_submit(actor=editor, assessment=access)
