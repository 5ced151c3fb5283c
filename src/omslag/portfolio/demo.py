"""Demo data for the application register and spend of the demo municipality: about 150
invented applications, eight years of spend with run around 70%, a target and two scenarios.
Deterministic (seeded), and loading twice changes nothing."""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from . import services
from .models import Application, Dependency, Scenario, ScenarioChange, SpendLine, SpendTarget

AREAS = [
    "Burgerzaken",
    "Belastingen",
    "Sociaal Domein",
    "Vergunningen",
    "Openbare Ruimte",
    "Financiën",
    "Personeel",
    "Archief",
    "Geo-informatie",
    "Communicatie",
    "Handhaving",
    "Onderwijs",
    "Parkeren",
    "Afval",
    "Subsidies",
]
KINDS = [
    "Zaaksysteem",
    "Portaal",
    "Registratie",
    "Koppelvlak",
    "Rapportage",
    "Planning",
    "Dossier",
    "Betalingen",
    "Formulieren",
    "Kaartviewer",
    "Analyse",
    "Werkstroom",
]
VENDORS = [
    "Polderware",
    "Duinsoft",
    "Kanaal Systems",
    "Dijkdata",
    "Lindeboom ICT",
    "Wolkwerk",
    "Meerlicht",
    "Veenstra Software",
    "Eigen ontwikkeling",
    "Terpnet",
]
OWNER_UNITS = [
    "Publiekszaken",
    "Bedrijfsvoering",
    "Ruimte",
    "Sociaal Domein",
    "Informatievoorziening",
]
OWNERS = [
    "A. de Vries",
    "M. Jansen",
    "S. Bakker",
    "R. Visser",
    "L. Smit",
    "K. Meijer",
    "T. de Boer",
]
GENERATIONS = [
    # technology, go-live years, share of apps, value range, condition range, end-of-support years
    ("Mainframe COBOL", (1991, 1998), 0.05, (3, 5), (1, 2), (2024, 2028)),
    ("Oracle Forms", (1999, 2008), 0.10, (2, 4), (1, 3), (2025, 2030)),
    ("Microsoft Access", (2002, 2012), 0.07, (1, 2), (1, 2), (2023, 2028)),
    (".NET", (2008, 2020), 0.18, (2, 5), (2, 4), (2028, 2033)),
    ("Java", (2006, 2019), 0.12, (2, 5), (2, 4), (2027, 2032)),
    ("SaaS", (2015, 2025), 0.40, (2, 5), (3, 5), (2029, 2034)),
    ("Low-code platform", (2019, 2025), 0.08, (1, 4), (3, 5), (2030, 2034)),
]
FIRST_YEAR, LAST_ACTUAL, LAST_BUDGET = 2019, 2025, 2026
ANNUAL_TOTAL = Decimal("18000000")


def _applications(rng: random.Random, count: int = 150) -> list[dict]:
    names = sorted({f"{kind} {area}" for area in AREAS for kind in KINDS})
    rng.shuffle(names)
    apps = []
    for technology, years, share, value, condition, eos in GENERATIONS:
        for _ in range(round(count * share)):
            go_live = rng.randint(*years)
            end = rng.randint(*eos)
            apps.append(
                {
                    "name": names.pop(),
                    "owner_unit": rng.choice(OWNER_UNITS),
                    "owner_name": rng.choice(OWNERS),
                    "purpose": "",
                    "vendor": "Eigen ontwikkeling"
                    if technology == "Mainframe COBOL"
                    else rng.choice(VENDORS),
                    "technology": technology,
                    "go_live_year": go_live,
                    "end_of_support": dt.date(end, rng.choice([3, 6, 9, 12]), 1),
                    "users": rng.choice([15, 40, 120, 300, 800, 2500, 40000]),
                    "availability": rng.choice(["low", "medium", "medium", "high"]),
                    "integrity": rng.choice(["medium", "medium", "high"]),
                    "confidentiality": rng.choice(["low", "medium", "high", "high"]),
                    "business_value": rng.randint(*value),
                    "technical_condition": rng.randint(*condition),
                    "status": "in_use",
                }
            )
    for app in apps:
        app["purpose"] = f"Ondersteunt {app['name'].split(' ', 1)[1].lower()}."
    return apps


def _year_shares(seed: int) -> dict[int, tuple[Decimal, Decimal]]:
    """(change, innovate) share per year: change moves with the projects of the year (17% to
    29%), innovate grows slowly with a wobble, as real budgets do."""
    shares_rng = random.Random(seed + 1)  # noqa: S311 (demo data, not security)
    shares = {}
    for year in range(FIRST_YEAR, LAST_BUDGET + 1):
        change = Decimal(str(round(shares_rng.uniform(0.17, 0.29), 3)))
        innovate = Decimal("0.05") + Decimal("0.006") * (year - FIRST_YEAR)
        innovate += Decimal(str(round(shares_rng.uniform(-0.01, 0.01), 3)))
        shares[year] = (change, innovate)
    return shares


@transaction.atomic
def portfolio_demo_load(
    organisation, *, seed: int = 2026, applications: int = 150, annual_total=ANNUAL_TOTAL
) -> None:
    """The applications and spend of one demo organisation; ``seed`` makes each organisation's
    landscape its own."""
    if Application.all_objects.filter(organisation=organisation).exists():
        return
    rng = random.Random(seed)  # noqa: S311 (demo data, not security)
    shares = _year_shares(seed)
    created = [
        services.application_create(actor=None, organisation=organisation, **fields)
        for fields in _applications(rng, applications)
    ]
    created[0].status = "being_retired"
    created[0].save(update_fields=["status"])
    mainframe = [a for a in created if a.technology == "Mainframe COBOL"]
    for application in created[8:]:
        for target in rng.sample(created[:40], rng.randint(0, 2)):
            if (
                target.pk != application.pk
                and not Dependency.objects.filter(
                    application=application, depends_on=target
                ).exists()
            ):
                services.dependency_add(actor=None, application=application, depends_on=target)
    # a small cycle, shown on the balance page
    if not Dependency.objects.filter(application=created[1], depends_on=created[2]).exists():
        services.dependency_add(actor=None, application=created[1], depends_on=created[2])
    if not Dependency.objects.filter(application=created[2], depends_on=created[1]).exists():
        services.dependency_add(actor=None, application=created[2], depends_on=created[1])

    weights = [
        rng.uniform(0.3, 3.0) * (2.5 if a.technology == "Mainframe COBOL" else 1) for a in created
    ]
    weight_sum = sum(weights)
    lines = []
    for year in range(FIRST_YEAR, LAST_BUDGET + 1):
        growth = Decimal("1.03") ** (year - FIRST_YEAR)
        change_share, innovate_share = shares[year]
        run_share = 1 - innovate_share - change_share
        for kind in ("actual", "budget"):
            if (kind == "actual" and year > LAST_ACTUAL) or (
                kind == "budget" and year == FIRST_YEAR
            ):
                continue
            noise = Decimal(str(rng.uniform(0.97, 1.03))) if kind == "actual" else Decimal("1")
            total = annual_total * growth * noise
            for application, weight in zip(created, weights, strict=True):
                amount = (total * run_share * Decimal(weight / weight_sum)).quantize(
                    Decimal("0.01")
                )
                lines.append(
                    SpendLine(
                        organisation=organisation,
                        year=year,
                        kind=kind,
                        category="run",
                        cost_type=rng.choice(["licences", "hosting", "maintenance", "staff"]),
                        application=application,
                        amount=amount,
                    )
                )
            for index, project in enumerate(
                [
                    "Vervanging belastingsysteem",
                    "Nieuw zaakgericht werken",
                    "Migratie naar de cloud",
                    "Datawarehouse",
                ]
            ):
                lines.append(
                    SpendLine(
                        organisation=organisation,
                        year=year,
                        kind=kind,
                        category="change",
                        cost_type="external_staff",
                        pays_for=project,
                        amount=(
                            total * change_share * Decimal([0.35, 0.3, 0.2, 0.15][index])
                        ).quantize(Decimal("0.01")),
                    )
                )
            for index, experiment in enumerate(
                [
                    "Chatbot voor vergunningsvragen",
                    "Voorspellend onderhoud van bruggen",
                    "Afvalinzameling met sensoren",
                ]
            ):
                lines.append(
                    SpendLine(
                        organisation=organisation,
                        year=year,
                        kind=kind,
                        category="innovate",
                        cost_type="staff",
                        pays_for=experiment,
                        amount=(total * innovate_share * Decimal([0.5, 0.3, 0.2][index])).quantize(
                            Decimal("0.01")
                        ),
                    )
                )
    bulk_create_with_history(lines, SpendLine, batch_size=2000)

    if not SpendTarget.objects.filter(organisation=organisation).exists():
        services.spend_target_set(
            actor=None,
            organisation=organisation,
            target_year=2030,
            innovate_min_percent=Decimal("10"),
            run_max_percent=Decimal("65"),
        )
    if not Scenario.objects.filter(organisation=organisation).exists():
        legacy = services.scenario_create(
            actor=None,
            organisation=organisation,
            name="Oude systemen afbouwen",
            base_year=LAST_ACTUAL,
            description="De mainframe-toepassingen uitfaseren en de vrijgekomen beheerkosten "
            "inzetten voor innovatie.",
        )
        for offset, application in enumerate(mainframe[:4]):
            services.scenario_change_add(
                actor=None,
                scenario=legacy,
                kind=ScenarioChange.Kind.RETIRE_APPLICATION,
                application=application,
                from_year=2027 + offset // 2,
                amount=None,
                replacement_amount=Decimal("60000"),
                label=f"{application.name} uitfaseren",
            )
        services.scenario_change_add(
            actor=None,
            scenario=legacy,
            kind=ScenarioChange.Kind.START_PROJECT,
            label="Vervangingsproject",
            from_year=2026,
            to_year=2027,
            amount=Decimal("900000"),
        )
        services.scenario_change_add(
            actor=None,
            scenario=legacy,
            kind=ScenarioChange.Kind.CHANGE_INNOVATE,
            label="Vrijgekomen geld naar innovatie",
            from_year=2028,
            amount=Decimal("1200000"),
        )
        growth = services.scenario_create(
            actor=None,
            organisation=organisation,
            name="Innovatiebudget verhogen",
            base_year=LAST_ACTUAL,
            description="Het innovatiebudget stap voor stap verhogen, "
            "zonder oude systemen af te bouwen.",
        )
        services.scenario_change_add(
            actor=None,
            scenario=growth,
            kind=ScenarioChange.Kind.CHANGE_INNOVATE,
            label="Extra innovatiebudget",
            from_year=2027,
            amount=Decimal("500000"),
        )
        services.scenario_change_add(
            actor=None,
            scenario=growth,
            kind=ScenarioChange.Kind.CHANGE_INNOVATE,
            label="Nog meer innovatiebudget",
            from_year=2029,
            amount=Decimal("500000"),
        )
