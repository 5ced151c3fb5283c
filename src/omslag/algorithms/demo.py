"""Demo algorithm register of the demo municipality: three invented algorithms with an AI Act
profile and some measure states. Loading twice changes nothing.

When the Algoritmekader has not been imported (``omslag import algoritmekader DIR``), a small
stand-in is loaded first: six requirements and six measures with the published URNs, file
names, phases and links, in the project's own short wording. A later import of the real files
replaces the wording in place (requirements match by URN, measures by file name).
"""

from django.db import transaction

from omslag.innovation.models import Experiment

from . import services
from .models import AlgorithmRecord, Measure, MeasureState, Phase, Requirement

PHASES = (
    ("organisatieverantwoordelijkheden", "Organisatieverantwoordelijkheden"),
    ("probleemanalyse", "Probleemanalyse"),
    ("ontwerp", "Ontwerp"),
    ("dataverkenning-en-datapreparatie", "Dataverkenning en datapreparatie"),
    ("ontwikkelen", "Ontwikkelen"),
    ("verificatie-en-validatie", "Verificatie en validatie"),
    ("implementatie", "Implementatie"),
    ("monitoring-en-beheer", "Monitoring en beheer"),
    ("uitfaseren", "Uitfaseren"),
)
_AI = ["AI-systeem", "AI-systeem voor algemene doeleinden"]
# urn, own short wording, phases, always applicable, AI Act profile
REQUIREMENTS = (
    ("urn:nl:ak:ver:avg-13", "DPIA uitvoeren waar dat verplicht is", ["ontwerp"], True, {}),
    ("urn:nl:ak:ver:grw-02", "Geen discriminatie door algoritmes", ["ontwerp"], True, {}),
    ("urn:nl:ak:ver:awb-01", "Zorgvuldige voorbereiding van besluiten", ["ontwerp"], True, {}),
    (
        "urn:nl:ak:ver:aia-01",
        "Voldoende kennis van AI bij medewerkers",
        ["organisatieverantwoordelijkheden"],
        False,
        {
            "type": [*_AI, "AI-model voor algemene doeleinden"],
            "risk_group": ["hoog-risico AI", "verboden AI", "geen hoog-risico AI"],
            "role": ["aanbieder", "gebruiksverantwoordelijke"],
        },
    ),
    (
        "urn:nl:ak:ver:aia-21",
        "Menselijk toezicht bij hoog-risico-AI",
        ["implementatie"],
        False,
        {"type": _AI, "risk_group": ["hoog-risico AI"], "role": ["gebruiksverantwoordelijke"]},
    ),
    (
        "urn:nl:ak:ver:aia-22",
        "Werking van hoog-risico-AI volgen",
        ["monitoring-en-beheer"],
        False,
        {"type": _AI, "risk_group": ["hoog-risico AI"], "role": ["gebruiksverantwoordelijke"]},
    ),
)
# file name, urn, own short wording, phases, requirement codes
MEASURES = (
    (
        "0-org-01-benodigde-expertise-en-capaciteit",
        "urn:nl:ak:mtr:org-01",
        "Zorg voor de nodige kennis en mensen",
        ["organisatieverantwoordelijkheden"],
        ["awb-01", "aia-21"],
    ),
    (
        "2-owp-32-pas-vastgestelde-beleidskaders-zijn-nageleefd",
        "urn:nl:ak:mtr:owp-32",
        "Toets aan het eigen beleid",
        ["organisatieverantwoordelijkheden"],
        ["awb-01", "grw-02"],
    ),
    (
        "4-owk-02-stopzetten-gebruik",
        "urn:nl:ak:mtr:owk-02",
        "Leg vast wanneer het gebruik stopt",
        ["ontwikkelen", "implementatie"],
        ["awb-01", "grw-02", "aia-22"],
    ),
    (
        "6-imp-01-werkinstructies-gebruikers",
        "urn:nl:ak:mtr:imp-01",
        "Schrijf werkinstructies voor gebruikers",
        ["implementatie"],
        ["aia-01", "awb-01"],
    ),
    (
        "6-imp-03-menselijke-tussenkomst",
        "urn:nl:ak:mtr:imp-03",
        "Regel menselijke tussenkomst",
        ["ontwerp", "implementatie", "monitoring-en-beheer"],
        ["aia-22", "awb-01", "aia-21"],
    ),
    (
        "6-imp-05-werkinstructies-medewerkers",
        "urn:nl:ak:mtr:imp-05",
        "Instrueer medewerkers over de uitkomsten",
        ["implementatie"],
        ["grw-02", "aia-21"],
    ),
)

_COMMON = {
    "contact": "algoritmes@wadderveen.example",
    "impact_assessments": "Data Protection Impact Assessment (DPIA)",
    "considerations": (
        "De voordelen voor inwoners en medewerkers wegen op tegen de risico's; andere "
        "oplossingen zijn onderzocht en waren duurder of trager."
    ),
}
ALGORITHMS = (
    {
        "name": "Chatbot voor vergunningsvragen",
        "experiment_title": "Chatbot voor vergunningsvragen",
        "description_short": (
            "Een chatbot op de website beantwoordt veelgestelde vragen over vergunningen. "
            "Bij ingewikkelde vragen verwijst hij naar een medewerker."
        ),
        "theme": ["Bouwen en wonen"],
        "status": "in_use",
        "start_date": "2024-09",
        "publication_category": "other",
        "purpose_and_impact": (
            "Inwoners en ondernemers krijgen sneller antwoord op vragen over vergunningen, "
            "ook buiten kantoortijden."
        ),
        "human_intervention": (
            "De chatbot neemt geen besluiten. Medewerkers lezen gesprekken steekproefsgewijs "
            "terug en verbeteren de antwoorden."
        ),
        "risk_management": "Maandelijkse controle op foute of verouderde antwoorden.",
        "data": "Gepubliceerde informatie over vergunningen; geen persoonsgegevens bewaard.",
        "technical_operation": (
            "Een taalmodel zoekt in de eigen kennisbank het best passende antwoord en geeft "
            "de bron erbij."
        ),
        "supplier": "Kustdigitaal B.V.",
        "ai_type": "ai_system",
        "risk_group": "limited",
        "ai_role": "deployer",
        "transparency_obligation": True,
        "search_terms": "chatbot, vergunning, omgevingsloket",
    },
    {
        "name": "Routeplanning afvalinzameling",
        "description_short": (
            "Berekent elke week de kortste routes voor de vuilniswagens op basis van de "
            "vulgraad van ondergrondse containers."
        ),
        "theme": ["Natuur en milieu"],
        "status": "in_use",
        "start_date": "2023-03",
        "publication_category": "other",
        "purpose_and_impact": (
            "Minder ritten en minder uitstoot; inwoners merken alleen dat volle containers "
            "eerder worden geleegd."
        ),
        "human_intervention": "De planner bekijkt de routes en kan ze aanpassen.",
        "risk_management": "Bij storing van sensoren wordt teruggevallen op vaste routes.",
        "data": "Vulgraad per container, ligging van containers en wegen; geen persoonsgegevens.",
        "technical_operation": (
            "Een optimalisatie-algoritme (voertuigrouteringsprobleem) verdeelt de containers "
            "over de wagens en kiest per wagen de kortste volgorde."
        ),
        "supplier": "Intern ontwikkeld",
        "ai_type": "other_algorithm",
        "risk_group": "not_ai",
        "ai_role": "",
        "impact_assessments": "Geen; er worden geen persoonsgegevens verwerkt.",
        "search_terms": "afval, routes, sensoren",
    },
    {
        "name": "Signaal fraudekans bijstand",
        "description_short": (
            "Geeft bij een aanvraag voor bijstand een signaal als een extra controle nodig "
            "lijkt. Een medewerker beslist altijd zelf."
        ),
        "theme": ["Sociale zekerheid"],
        "status": "in_development",
        "start_date": "2025-02",
        "publication_category": "high_risk_ai",
        "purpose_and_impact": (
            "Controles richten op aanvragen waar dat nodig is. Een signaal kan leiden tot een "
            "extra gesprek met de aanvrager."
        ),
        "human_intervention": (
            "Een signaal is nooit een besluit. Een medewerker beoordeelt de aanvraag en legt "
            "vast waarom hij het signaal wel of niet volgt."
        ),
        "risk_management": (
            "Toetsing op ongelijke behandeling vóór ingebruikname en elk kwartaal; "
            "onafhankelijke audit; het signaal mag niet op nationaliteit of adres steunen."
        ),
        "legal_basis": "Participatiewet, artikel 53a (onderzoek naar de rechtmatigheid).",
        "legal_basis_link": "https://wetten.overheid.nl/BWBR0015703",
        "legal_basis_title": "Participatiewet",
        "data": "Gegevens uit de aanvraag en eerdere uitkeringen van de aanvrager.",
        "technical_operation": (
            "Een statistisch model schat de kans dat een aanvraag onjuist is en zet die om in "
            "een signaal: geen, laag of hoog."
        ),
        "supplier": "Intern ontwikkeld",
        "ai_type": "ai_system",
        "risk_group": "high",
        "ai_role": "deployer",
        "impact_assessments": (
            "Data Protection Impact Assessment (DPIA), Impact Assessment Mensenrechten en "
            "Algoritmes (IAMA)"
        ),
        "search_terms": "bijstand, rechtmatigheid, risico",
    },
)
# algorithm name, measure file, state, reason
STATES = (
    ("Signaal fraudekans bijstand", "6-imp-03-menselijke-tussenkomst", "in_review", ""),
    ("Signaal fraudekans bijstand", "0-org-01-benodigde-expertise-en-capaciteit", "done", ""),
    ("Signaal fraudekans bijstand", "4-owk-02-stopzetten-gebruik", "in_progress", ""),
    ("Chatbot voor vergunningsvragen", "6-imp-01-werkinstructies-gebruikers", "done", ""),
    (
        "Routeplanning afvalinzameling",
        "2-owp-32-pas-vastgestelde-beleidskaders-zijn-nageleefd",
        "not_applicable",
        "Het algoritme raakt geen inwoners direct; het gemeentelijk beleid voor algoritmes "
        "vraagt hier geen toets.",
    ),
)


def _framework_stand_in() -> None:
    if Requirement.objects.exists():
        return
    for position, (slug, name) in enumerate(PHASES):
        Phase.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    by_code = {}
    for urn, name, phases, always, profile in REQUIREMENTS:
        requirement = Requirement.objects.create(
            urn=urn,
            name=name,
            phases=phases,
            always_applicable=always,
            ai_act_profiles=[profile] if profile else [],
        )
        by_code[requirement.code] = requirement
    for key, urn, name, phases, codes in MEASURES:
        measure = Measure.objects.create(key=key, urn=urn, name=name, phases=phases)
        measure.requirements.set([by_code[code] for code in codes])


@transaction.atomic
def algorithms_demo_load(organisation) -> None:
    _framework_stand_in()
    for spec in ALGORITHMS:
        if AlgorithmRecord.objects.filter(organisation=organisation, name=spec["name"]).exists():
            continue
        fields = {**_COMMON, **spec}
        title = fields.pop("experiment_title", None)
        if title:
            fields["experiment"] = Experiment.objects.filter(
                organisation=organisation, title=title
            ).first()
        services.algorithm_create(actor=None, organisation=organisation, **fields)
    for name, key, state, reason in STATES:
        algorithm = AlgorithmRecord.objects.get(organisation=organisation, name=name)
        measure = Measure.objects.filter(key=key).first()
        if (
            measure is None
            or MeasureState.objects.filter(algorithm=algorithm, measure=measure).exists()
        ):
            continue
        path = {
            "in_progress": ["in_progress"],
            "in_review": ["in_progress", "in_review"],
            "done": ["in_progress", "in_review", "done"],
            "not_applicable": ["not_applicable"],
        }[state]
        for step in path:
            services.measure_state_set(
                actor=None, algorithm=algorithm, measure=measure, state=step, reason=reason
            )
