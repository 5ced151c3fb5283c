"""Demo projects of the demo ministry, its agencies and the demo municipality: invented names,
figures chosen to show the difference between the original baseline and the last
re-baseline."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from . import services
from .models import Milestone, ParliamentaryPaper, Project, QualityReview, ReviewAdvice

D = dt.date
PROJECTS = [
    # organisation, number, name, approach, start, reports (peildatum, estimate, end, re-baseline)
    (
        "ministerie-van-digitale-zaken",
        "MDZ-01",
        "Vernieuwing basisregistratie adressen",
        "agile",
        D(2021, 3, 1),
        [
            (D(2021, 6, 30), 18_000_000, D(2024, 12, 31), ""),
            (D(2022, 6, 30), 21_500_000, D(2025, 6, 30), ""),
            (D(2023, 6, 30), 27_000_000, D(2026, 6, 30), "Koppeling met gemeenten bleek groter"),
            (D(2024, 6, 30), 28_100_000, D(2026, 12, 31), ""),
            (D(2025, 6, 30), 29_400_000, D(2027, 3, 31), ""),
        ],
    ),
    (
        "dienst-digitale-dienstverlening",
        "DDD-04",
        "Nieuw berichtenplatform",
        "hybrid",
        D(2022, 1, 1),
        [
            (D(2022, 6, 30), 9_500_000, D(2024, 6, 30), ""),
            (D(2023, 6, 30), 9_800_000, D(2024, 9, 30), ""),
            (D(2024, 6, 30), 10_100_000, D(2024, 12, 31), ""),
            (D(2025, 6, 30), 10_300_000, D(2025, 3, 31), ""),
        ],
    ),
    (
        "uitvoeringsorganisatie-basisgegevens",
        "UBG-02",
        "Migratie registers naar de cloud",
        "waterfall",
        D(2020, 9, 1),
        [
            (D(2020, 12, 31), 42_000_000, D(2023, 12, 31), ""),
            (D(2022, 6, 30), 55_000_000, D(2025, 6, 30), "Nieuwe beveiligingseisen"),
            (D(2024, 6, 30), 71_000_000, D(2026, 12, 31), "Uitstel aanbesteding"),
            (D(2025, 6, 30), 74_500_000, D(2027, 6, 30), ""),
        ],
    ),
    (
        "ministerie-van-digitale-zaken",
        "MDZ-07",
        "Digitale identiteit voor ondernemers",
        "agile",
        D(2023, 1, 1),
        [
            (D(2023, 6, 30), 6_200_000, D(2025, 12, 31), ""),
            (D(2024, 6, 30), 6_000_000, D(2025, 12, 31), ""),
            (D(2025, 6, 30), 6_400_000, D(2026, 3, 31), ""),
        ],
    ),
    (
        "dienst-digitale-dienstverlening",
        "DDD-09",
        "Toegankelijk aanvraagportaal",
        "agile",
        D(2024, 2, 1),
        [
            (D(2024, 6, 30), 3_100_000, D(2026, 6, 30), ""),
            (D(2025, 6, 30), 3_250_000, D(2026, 9, 30), ""),
        ],
    ),
    (
        "gemeente-wadderveen",
        "GW-01",
        "Vervanging belastingsysteem",
        "waterfall",
        D(2023, 1, 1),
        [
            (D(2023, 6, 30), 4_200_000, D(2025, 6, 30), ""),
            (D(2024, 6, 30), 5_600_000, D(2026, 3, 31), "Conversie van oude aanslagen"),
            (D(2025, 12, 31), 6_300_000, D(2026, 12, 31), ""),
        ],
    ),
    (
        "gemeente-wadderveen",
        "GW-02",
        "Nieuw zaakgericht werken",
        "agile",
        D(2024, 1, 1),
        [
            (D(2024, 6, 30), 2_400_000, D(2026, 6, 30), ""),
            (D(2025, 12, 31), 2_500_000, D(2026, 9, 30), ""),
        ],
    ),
    (
        "gemeente-wadderveen",
        "GW-03",
        "Migratie naar de cloud",
        "hybrid",
        D(2024, 9, 1),
        [
            (D(2024, 12, 31), 1_800_000, D(2026, 6, 30), ""),
            (D(2025, 6, 30), 1_750_000, D(2026, 6, 30), ""),
        ],
    ),
]


@transaction.atomic
def projects_demo_load(organisations: dict) -> None:
    services.reference_class_shipped()
    if Project.all_objects.filter(organisation__in=organisations.values()).exists():
        return
    for slug, number, name, approach, start, reports in PROJECTS:
        project = services.project_create(
            actor=None,
            organisation=organisations[slug],
            number=number,
            name=name,
            approach=approach,
            start_date=start,
            goal=f"{name}: betere dienstverlening met minder beheerlast.",
        )
        for peildatum, estimate, end, reason in reports:
            services.report_create(
                actor=None,
                project=project,
                peildatum=peildatum,
                status="published",
                total_cost_estimate=Decimal(estimate),
                estimated_end_date=end,
                cumulative_actual_cost=Decimal(estimate) * Decimal("0.4"),
                is_rebaseline=bool(reason),
                rebaseline_reason=reason,
            )
        services.part_create(
            actor=None,
            model=Milestone,
            project=project,
            name="Eerste release",
            planned_date=start + dt.timedelta(days=365),
            expected_date=start + dt.timedelta(days=500),
        )
        if reports[-1][1] >= 5_000_000:
            services.part_create(
                actor=None,
                model=ReviewAdvice,
                project=project,
                date=reports[1][0],
                verdict="Met aanbevelingen",
                recommendations="Maak de planning realistischer.",
                follow_up="Planning herzien bij de volgende rapportage.",
            )
        services.part_create(
            actor=None,
            model=QualityReview,
            project=project,
            date=reports[0][0],
            reviewer="Interne audit",
            conclusion="Sturing op orde, risico's benoemd.",
        )
        services.part_create(
            actor=None,
            model=ParliamentaryPaper,
            project=project,
            reference=f"Kamerstuk 26643-{900 + len(number)}",
            date=reports[-1][0],
            title=f"Voortgang {name.lower()}",
        )
