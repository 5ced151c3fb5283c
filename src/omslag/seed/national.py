"""`omslag seed --scale national`: an invented Dutch public sector at the size of the real one.

Factor 1 is 12 ministries with about 100 agencies, 342 municipalities, 12 provinces and 21 water
boards; 150,000 applications with their dependencies, 1,500,000 spend lines over 10 years,
25,000 projects with 100,000 reports, 50,000 experiments (with ideas, stage history,
measurements and decisions) and 200,000 assessments, and people with every role. Sizes are
heavy-tailed (an organisation's weight is log-normal), cost overruns log-normal; the same
``seed`` gives the same data. Rows are generated here with ids chosen up front and written in
bulk (loading.py), their first history rows copied in the database, the projects' stored
figures computed by the projects app's own service afterwards.
"""

import datetime as dt
import json
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from omslag.accounts.models import Person
from omslag.common.errors import RuleViolation
from omslag.innovation.models import (
    Challenge,
    Decision,
    Experiment,
    Idea,
    Lesson,
    MeasurementSummary,
    StageTransition,
)
from omslag.maturity.models import Answer as ScanAnswer
from omslag.maturity.models import Participant, ScanRound
from omslag.maturity.scan import current_scan
from omslag.organisations.models import Membership, Organisation, Role
from omslag.portfolio.models import Application, Dependency, SpendLine
from omslag.projects import services as project_services
from omslag.projects.models import Project, ProjectReport
from omslag.safeguards import services as safeguard_services
from omslag.safeguards.models import Answer as SafeguardAnswer
from omslag.safeguards.models import Assessment, AssessmentTemplate, TemplateItem
from omslag.safeguards.questionnaire import ANSWERABLE

from . import words
from .loading import SEED_REASON, history_copy, next_ids, rows_write, sequences_reset

# The national figures at factor 1 (issue 13).
FULL = {
    "ministries": 12,
    "agencies": 100,
    "municipalities": 342,
    "provinces": 12,
    "water_boards": 21,
    "applications": 150_000,
    "spend_lines": 1_500_000,
    "projects": 25_000,
    "reports": 100_000,
    "experiments": 50_000,
    "assessments": 200_000,
    "challenges": 2_500,
}
# What the command prints for each table (the counts' keys stay these English names).
LABELS = {
    "organisations": gettext_lazy("organisations"),
    "people": gettext_lazy("people"),
    "memberships": gettext_lazy("memberships"),
    "applications": gettext_lazy("applications"),
    "dependencies": gettext_lazy("dependencies"),
    "spend lines": gettext_lazy("spend lines"),
    "projects": gettext_lazy("projects"),
    "reports": gettext_lazy("reports"),
    "ideas": gettext_lazy("ideas"),
    "experiments": gettext_lazy("experiments"),
    "stage transitions": gettext_lazy("stage transitions"),
    "measurement summaries": gettext_lazy("measurement summaries"),
    "decisions": gettext_lazy("decisions"),
    "challenges": gettext_lazy("challenges"),
    "lessons": gettext_lazy("lessons"),
    "assessment answers": gettext_lazy("assessment answers"),
    "scan rounds": gettext_lazy("scan rounds"),
    "scan participants": gettext_lazy("scan participants"),
    "scan answers": gettext_lazy("scan answers"),
    "assessments": gettext_lazy("assessments"),
    "project figures": gettext_lazy("project figures"),
}
CHALLENGE_OFFERS = [
    "Een pilotbudget van 25.000 euro en een team om mee te werken.",
    "Geanonimiseerde gegevens en een testomgeving.",
    "Een plek om te testen op twee locaties.",
    "Begeleiding door onze ontwerpers en drie maanden tijd.",
    "",
]
LESSON_OUTCOMES = {
    "stopped": [
        ("Het effect bleef onder wat we vooraf nodig vonden.", "Eerder een kleinere meting doen."),
        ("Te weinig deelnemers om iets te kunnen zeggen.", "De werving eerder beginnen."),
        ("De techniek werkte, de werkwijze paste niet.", "Uitvoerders vanaf het begin betrekken."),
    ],
    "implementation": [
        ("De wachttijd daalde merkbaar.", "De overdracht naar beheer eerder regelen."),
        ("Medewerkers namen het snel over.", "Meer tijd voor uitleg inplannen."),
    ],
    "in_operation": [
        ("Het werkt nu in de hele organisatie.", "De kosten van beheer eerder ramen."),
        ("Burgers waren tevredener dan verwacht.", ""),
        ("Het effect hield stand na een jaar.", "Een controlegroep langer volgen."),
    ],
}
ANSWER_SHORT = ["Ja", "Nee", "Gedeeltelijk", "Nog niet bekend", "Zie bijlage", "Afdeling I&A"]
ANSWER_TEXTS = [
    "Besproken met de functionaris gegevensbescherming; de maatregelen staan in het plan.",
    "Alleen medewerkers van het team hebben toegang; de logging wordt maandelijks bekeken.",
    "De leverancier levert een verklaring; die wordt jaarlijks opnieuw opgevraagd.",
    "Nog niet uitgezocht; volgt in de ontwerpfase.",
    "Getest met gebruikers met een beperking; de bevindingen zijn verwerkt.",
]
SCAN_EVIDENCE = {
    1: ["Hier is nog niets voor geregeld.", "Gebeurt alleen op eigen initiatief."],
    2: ["Een enkel team doet dit.", "Er is een plan, nog niet uitgevoerd."],
    3: ["Vastgelegd in het jaarplan.", "De helft van de afdelingen werkt zo."],
    4: ["Staat in de planning-en-controlcyclus.", "Jaarlijks getoetst door de auditor."],
    5: ["Vast onderdeel van het werk, met metingen.", "Voorbeeld voor andere organisaties."],
}
SPEND_YEARS = 10
FIRST_SPEND_YEAR = 2017
BUDGET_YEAR = FIRST_SPEND_YEAR + SPEND_YEARS - 1  # the last year is budget, the rest actuals
# The roles every organisation has, and how many people hold each.
ROLES_PER_ORGANISATION = (
    (Role.ADMIN, 1),
    (Role.EDITOR, 2),
    (Role.VIEWER, 3),
    (Role.BOARD, 1),
    (Role.AUDITOR, 1),
    (Role.SAFEGUARD_OFFICER, 1),
)
SIGN_IN_DOMAIN = "nationaal.example"
SIGN_IN_ACCOUNTS_PER_ROLE = 5
# Known on purpose: the load test signs in with it; the seed only fills an empty test database.
DEFAULT_PASSWORD = "omslag-nationaal-2026"  # noqa: S105
STAGE_PATH = [
    "idea",
    "design",
    "running",
    "evaluation",
    "decision",
    "implementation",
    "in_operation",
]
# Where experiments are now: most ideas never get far, about a third stop on the way.
STAGE_SHARES = {
    "idea": 0.10,
    "design": 0.14,
    "running": 0.14,
    "evaluation": 0.08,
    "decision": 0.05,
    "implementation": 0.07,
    "in_operation": 0.07,
    "stopped": 0.35,
}


def national_counts(factor: float) -> dict[str, int]:
    """How many of each at ``factor`` (1 = the whole country), at least a few organisations of
    every kind so that even a tiny seed has the full shape."""
    counts = {key: max(1, round(value * factor)) for key, value in FULL.items()}
    counts["ministries"] = min(12, max(2, counts["ministries"]))
    counts["provinces"] = min(12, counts["provinces"])
    counts["water_boards"] = min(21, counts["water_boards"])
    counts["agencies"] = max(counts["ministries"], counts["agencies"])
    counts["municipalities"] = max(2, counts["municipalities"])
    counts["spend_lines"] = counts["applications"] * SPEND_YEARS
    counts["reports"] = counts["projects"] * 4
    return counts


@dataclass
class Org:
    id: int
    slug: str
    name: str
    kind: str
    parent: "Org | None"
    weight: float
    path: str = ""
    people: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class SeedResult:
    counts: dict[str, int]
    seconds: dict[str, float]
    sign_in: list[tuple[str, str, list[str]]]  # e-mail, role, organisation slugs
    password: str
    figures_hook: str


def seeded_organisation_ids() -> set[int]:
    return set(
        Organisation.history.filter(
            history_type="+", history_change_reason=SEED_REASON
        ).values_list("id", flat=True)
    )


def seed_refusal() -> str:
    """Why the database cannot be seeded, or "" when it can (no organisations yet)."""
    ids = set(Organisation.all_objects.values_list("pk", flat=True))
    if not ids:
        return ""
    if ids - seeded_organisation_ids():
        return _(
            "This database holds organisations that the seed did not make; the national seed "
            "only fills an empty database (a new database, or DATABASE_URL pointing to one)."
        )
    return _("This database has been seeded already; seed a new, empty database.")


def _allocate(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights``, whole numbers adding up exactly."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    counts = [math.floor(s) for s in shares]
    rest = total - sum(counts)
    by_remainder = sorted(range(len(shares)), key=lambda i: shares[i] - counts[i], reverse=True)
    for i in by_remainder[:rest]:
        counts[i] += 1
    return counts


def _unique_slug(base: str, taken: set[str]) -> str:
    slug = slugify(base)[:70].strip("-")
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


class NationalSeed:
    def __init__(self, *, factor: float, seed: int, password: str, progress=None):
        self.factor = factor
        self.counts = national_counts(factor)
        self.rng = random.Random(seed)  # noqa: S311 (test data, deterministic on purpose)
        self.password = password
        self.progress: Callable[[str], None] = progress or (lambda message: None)
        self.now = timezone.now()
        self.seconds: dict[str, float] = {}
        self.ids = next_ids(
            Organisation,
            Person,
            Membership,
            Application,
            Dependency,
            SpendLine,
            Project,
            ProjectReport,
            Idea,
            Experiment,
            StageTransition,
            MeasurementSummary,
            Decision,
            Assessment,
            Challenge,
            Lesson,
            ScanRound,
            Participant,
            ScanAnswer,
            SafeguardAnswer,
        )
        self.written: dict[str, int] = {}

    # --- helpers ----------------------------------------------------------------------------

    def _take_ids(self, model, count: int) -> int:
        first = self.ids[model]
        self.ids[model] += count
        return first

    def _write(self, label: str, model, columns, rows: Iterator, history=True) -> None:
        started = time.perf_counter()
        first = self.ids[model]
        count = rows_write(model, columns, rows)
        self.ids[model] = max(self.ids[model], first + count)
        if history and hasattr(model, "history") and count:
            history_copy(model, first, first + count - 1)
        self.written[label] = self.written.get(label, 0) + count
        self.seconds[label] = round(self.seconds.get(label, 0) + time.perf_counter() - started, 2)
        self.progress(f"{LABELS[label]}: {count:,} ({self.seconds[label]} s)")

    def _date(self, start_year: int, end_year: int) -> dt.date:
        first = dt.date(start_year, 1, 1).toordinal()
        last = dt.date(end_year, 12, 31).toordinal()
        return dt.date.fromordinal(self.rng.randint(first, last))

    def _moment(self, day: dt.date) -> dt.datetime:
        seconds = self.rng.randint(8 * 3600, 18 * 3600)
        return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)

    # --- organisations and people -----------------------------------------------------------

    def organisations(self) -> None:
        rng, counts, taken = self.rng, self.counts, set()
        orgs: list[Org] = []
        next_id = self.ids[Organisation]

        def add(name, kind, parent, weight, slug_base):
            nonlocal next_id
            org = Org(next_id, _unique_slug(slug_base, taken), name, kind, parent, weight)
            org.path = f"{parent.path if parent else '/'}{org.id}/"
            next_id += 1
            orgs.append(org)
            return org

        ministries = []
        for name, short in words.MINISTRIES[: counts["ministries"]]:
            ministries.append(
                add(
                    f"Ministerie van {name}",
                    "ministry",
                    None,
                    rng.lognormvariate(1.6, 0.5),
                    f"ministerie-{short}",
                )
            )
        # Agencies below the ministries, unevenly: some ministries carry many (heavy tail).
        subjects = [f"{k} {s}" for k in words.AGENCY_KINDS for s in words.AGENCY_SUBJECTS]
        rng.shuffle(subjects)
        per_ministry = _allocate(
            counts["agencies"] - len(ministries), [rng.paretovariate(1.2) for _ in ministries]
        )
        names = iter(subjects * (counts["agencies"] // len(subjects) + 1))
        for ministry, extra in zip(ministries, per_ministry, strict=True):
            for _i in range(1 + extra):
                name = next(names)
                add(name, "agency", ministry, rng.lognormvariate(1.0, 1.0), name)
        places = [h + t for h in words.PLACE_HEADS for t in words.PLACE_TAILS]
        rng.shuffle(places)
        for i in range(counts["municipalities"]):
            place = places[i % len(places)] + ("" if i < len(places) else f" {i // len(places)}")
            # Population is heavy-tailed: a few cities, many villages.
            add(
                f"Gemeente {place}",
                "municipality",
                None,
                rng.lognormvariate(0.0, 1.1),
                f"gemeente-{place}",
            )
        for name in words.PROVINCES[: counts["provinces"]]:
            add(
                f"Provincie {name}",
                "province",
                None,
                rng.lognormvariate(0.6, 0.4),
                f"provincie-{name}",
            )
        for name in words.WATER_BOARDS[: counts["water_boards"]]:
            add(
                f"Waterschap {name}",
                "water_board",
                None,
                rng.lognormvariate(0.2, 0.4),
                f"waterschap-{name}",
            )
        self.orgs = orgs
        kind_label = {
            "ministry": "Beleid en uitvoering van het Rijk.",
            "agency": "Uitvoeringsorganisatie van het Rijk.",
            "municipality": "Gemeente met eigen dienstverlening aan inwoners en ondernemers.",
            "province": "Provinciaal bestuur.",
            "water_board": "Regionaal waterbeheer.",
        }
        self._write(
            "organisations",
            Organisation,
            ["id", "name", "slug", "kind", "parent_id", "description", "path"],
            (
                (
                    o.id,
                    o.name,
                    o.slug,
                    o.kind,
                    o.parent.id if o.parent else None,
                    kind_label[o.kind],
                    o.path,
                )
                for o in orgs
            ),
        )

    def people(self) -> None:
        rng = self.rng
        password_hash = make_password(self.password)  # one hash: every seeded person signs in
        people, memberships = [], []
        person_id = self.ids[Person]
        membership_id = self.ids[Membership]
        for org in self.orgs:
            for role, how_many in ROLES_PER_ORGANISATION:
                for _i in range(how_many):
                    first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
                    email = f"{slugify(first)}.{slugify(last)}.{person_id}@{org.slug}.example"
                    people.append((person_id, email, f"{first} {last}"))
                    memberships.append((membership_id, person_id, org.id, role.value))
                    org.people.setdefault(role.value, []).append(person_id)
                    person_id += 1
                    membership_id += 1
        # Sign-in accounts for the load test: each role in the largest ministry and the
        # largest municipality (a role holds in every organisation below).
        largest_ministry = max(
            (o for o in self.orgs if o.kind == "ministry"), key=lambda o: o.weight
        )
        largest_municipality = max(
            (o for o in self.orgs if o.kind == "municipality"), key=lambda o: o.weight
        )
        self.sign_in = []
        for role in Role:
            for k in range(1, SIGN_IN_ACCOUNTS_PER_ROLE + 1):
                email = f"{role.value.replace('_', '-')}-{k}@{SIGN_IN_DOMAIN}"
                people.append((person_id, email, f"{role.label.capitalize()} {k}"))
                for org in (largest_ministry, largest_municipality):
                    memberships.append((membership_id, person_id, org.id, role.value))
                    membership_id += 1
                self.sign_in.append(
                    (email, role.value, [largest_ministry.slug, largest_municipality.slug])
                )
                person_id += 1
        self._write(
            "people",
            Person,
            ["id", "email", "full_name", "password"],
            ((pid, email, name, password_hash) for pid, email, name in people),
        )
        self._write(
            "memberships", Membership, ["id", "person_id", "organisation_id", "role"], memberships
        )

    # --- portfolio --------------------------------------------------------------------------

    def applications(self) -> None:
        rng = self.rng
        per_org = _allocate(self.counts["applications"], [o.weight for o in self.orgs])
        names = [f"{d} {f}" for d in words.APPLICATION_DOMAINS for f in words.APPLICATION_FUNCTIONS]
        self.apps: list[tuple[int, int, str]] = []  # id, organisation id, name
        self.apps_by_org: dict[int, list[int]] = {}
        self.app_meta: list[tuple[float, str]] = []  # yearly cost, category
        next_id = self.ids[Application]
        rows = []
        for org, count in zip(self.orgs, per_org, strict=True):
            order = rng.sample(range(len(names)), len(names))
            # The organisation's balance: mostly run, some change, a little innovation.
            change = rng.uniform(0.12, 0.30)
            innovate = rng.uniform(0.02, 0.10)
            ids = []
            for i in range(count):
                name = names[order[i % len(names)]]
                if i >= len(names):
                    name = f"{name} {i // len(names) + 1}"
                go_live = min(2025, 1985 + int(40 * rng.betavariate(2.2, 1.4)))
                age = 2026 - go_live
                condition = max(1, min(5, round(5 - age / 9 + rng.gauss(0, 0.8))))
                value = max(1, min(5, round(rng.gauss(3.2, 1.0))))
                status = rng.choices(
                    ["in_use", "being_retired", "planned", "retired"], [85, 7, 4, 4]
                )[0]
                end_of_support = (
                    dt.date(go_live + rng.randint(10, 30), 12, 31) if rng.random() < 0.6 else None
                )
                users = int(rng.lognormvariate(4.5, 1.6)) + 1
                levels = ("low", "medium", "high")
                rows.append(
                    (
                        next_id,
                        org.id,
                        name,
                        f"Afdeling {rng.choice(words.APPLICATION_DOMAINS)}",
                        rng.choice(words.FIRST_NAMES) + " " + rng.choice(words.LAST_NAMES),
                        f"Ondersteunt {name.lower()} voor {org.name}.",
                        rng.choice(words.VENDORS),
                        rng.choice(words.TECHNOLOGIES),
                        go_live,
                        end_of_support,
                        users,
                        rng.choice(levels),
                        rng.choice(levels),
                        rng.choice(levels),
                        value,
                        condition,
                        status,
                    )
                )
                category = rng.choices(
                    ["run", "change", "innovate"], [1 - change - innovate, change, innovate]
                )[0]
                # Yearly cost: log-normal, larger in larger organisations.
                cost = rng.lognormvariate(10.4, 1.3) * (0.6 + org.weight / 4)
                self.apps.append((next_id, org.id, name))
                self.app_meta.append((cost, category))
                ids.append(next_id)
                next_id += 1
            self.apps_by_org[org.id] = ids
        self._write(
            "applications",
            Application,
            [
                "id",
                "organisation_id",
                "name",
                "owner_unit",
                "owner_name",
                "purpose",
                "vendor",
                "technology",
                "go_live_year",
                "end_of_support",
                "users",
                "availability",
                "integrity",
                "confidentiality",
                "business_value",
                "technical_condition",
                "status",
            ],
            rows,
        )

    def dependencies(self) -> None:
        rng = self.rng

        def rows():
            next_id = self.ids[Dependency]
            for ids in self.apps_by_org.values():
                if len(ids) < 2:
                    continue
                for app_id in ids:
                    wanted = rng.choices((0, 1, 2, 3, 4), (30, 30, 20, 12, 8))[0]
                    targets = set()
                    for _i in range(wanted):
                        # A few hubs (registers, the portal) carry most dependencies.
                        target = ids[int(len(ids) * rng.random() ** 2.5)]
                        if target != app_id:
                            targets.add(target)
                    for target in sorted(targets):
                        yield (next_id, app_id, target)
                        next_id += 1

        self._write("dependencies", Dependency, ["id", "application_id", "depends_on_id"], rows())

    def spend(self) -> None:
        rng = self.rng
        cost_types = {
            "run": ("licences", "hosting", "maintenance", "staff"),
            "change": ("external_staff", "staff", "other"),
            "innovate": ("external_staff", "other", "staff"),
        }

        def rows():
            next_id = self.ids[SpendLine]
            for (app_id, org_id, name), (cost, category) in zip(
                self.apps, self.app_meta, strict=True
            ):
                growth = rng.uniform(0.98, 1.06)
                for offset in range(SPEND_YEARS):
                    year = FIRST_SPEND_YEAR + offset
                    amount = cost * growth**offset * rng.lognormvariate(0, 0.15)
                    yield (
                        next_id,
                        org_id,
                        year,
                        _money(amount),
                        "budget" if year == BUDGET_YEAR else "actual",
                        category,
                        rng.choice(cost_types[category]),
                        app_id,
                        name,
                    )
                    next_id += 1

        self._write(
            "spend lines",
            SpendLine,
            [
                "id",
                "organisation_id",
                "year",
                "amount",
                "kind",
                "category",
                "cost_type",
                "application_id",
                "description",
            ],
            rows(),
        )

    # --- projects ---------------------------------------------------------------------------

    def projects(self) -> None:
        rng = self.rng
        count = self.counts["projects"]
        per_org = _allocate(count, [o.weight**1.3 for o in self.orgs])
        # Reports per project vary (1-7) but average four: project i+1 gets 8 minus project i's.
        report_counts = []
        while len(report_counts) < count:
            k = rng.randint(1, 7)
            report_counts += [k, 8 - k]
        if count % 2:
            report_counts[count - 1] = 4
        project_rows, report_rows = [], []
        project_id = self.ids[Project]
        report_id = self.ids[ProjectReport]
        self.projects_by_org: dict[int, list[tuple[int, str]]] = {}
        index = 0
        for org, how_many in zip(self.orgs, per_org, strict=True):
            for _i in range(how_many):
                reports = report_counts[index]
                index += 1
                start_year = 2025 - reports - rng.randint(0, 3)
                start = self._date(start_year, start_year)
                name = f"{rng.choice(words.PROJECT_VERBS)} {rng.choice(words.PROJECT_OBJECTS)}"
                name = f"{name} {start_year}"
                status = rng.choices(
                    ["in_progress", "completed", "not_started", "reorientation", "cancelled"],
                    [55, 25, 5, 5, 10],
                )[0]
                project_rows.append(
                    (
                        project_id,
                        org.id,
                        f"P-{project_id}",
                        name,
                        f"{name} bij {org.name}: betere dienstverlening tegen lagere kosten.",
                        rng.choices(["ict_project", "programme", "other"], [75, 20, 5])[0],
                        status,
                        rng.choice(["waterfall", "agile", "hybrid", "other", "unknown"]),
                        start,
                    )
                )
                self.projects_by_org.setdefault(org.id, []).append((project_id, name))
                # Cost overrun at the last report: log-normal around +25 %; schedule slip too.
                original = rng.lognormvariate(15.9, 1.0)
                overrun = rng.lognormvariate(math.log(1.25), 0.35)
                months = rng.randint(12, 60)
                original_end = start + dt.timedelta(days=30 * months)
                slip_days = int(30 * max(0.0, rng.gauss(months * 0.3, months * 0.25)))
                for j in range(reports):
                    share = j / (reports - 1) if reports > 1 else 1.0
                    estimate = original * overrun**share
                    peildatum = dt.date(start_year + j, 12, 31)
                    published = j < reports - 1 or rng.random() < 0.7
                    report_rows.append(
                        (
                            report_id,
                            project_id,
                            peildatum,
                            "published" if published else rng.choice(["concept", "checked"]),
                            _money(estimate),
                            _money(estimate * rng.uniform(0.6, 0.95)),
                            _money(estimate * min(1.0, (j + 1) / (reports + 1))),
                            original_end + dt.timedelta(days=int(slip_days * share)),
                            self._moment(peildatum + dt.timedelta(days=30)) if published else None,
                        )
                    )
                    report_id += 1
                project_id += 1
        self._write(
            "projects",
            Project,
            [
                "id",
                "organisation_id",
                "number",
                "name",
                "goal",
                "kind",
                "status",
                "approach",
                "start_date",
            ],
            project_rows,
        )
        self._write(
            "reports",
            ProjectReport,
            [
                "id",
                "project_id",
                "peildatum",
                "status",
                "total_cost_estimate",
                "ict_component_cost",
                "cumulative_actual_cost",
                "estimated_end_date",
                "published_at",
            ],
            report_rows,
        )

    # --- innovation -------------------------------------------------------------------------

    def experiments(self) -> None:
        rng = self.rng
        count = self.counts["experiments"]
        per_org = _allocate(count, [o.weight for o in self.orgs])
        stages, shares = zip(*STAGE_SHARES.items(), strict=True)
        ideas, experiments, transitions, summaries, decisions = [], [], [], [], []
        idea_id, experiment_id = self.ids[Idea], self.ids[Experiment]
        transition_id, summary_id = self.ids[StageTransition], self.ids[MeasurementSummary]
        decision_id = self.ids[Decision]
        self.experiments_by_org: dict[int, list[tuple[int, str]]] = {}
        self.experiments_ended: list[tuple[int, str, str, dt.datetime]] = []
        for org, how_many in zip(self.orgs, per_org, strict=True):
            authors = org.people.get("editor", [None])
            board = org.people.get("board", [None])
            # Ideas that never became an experiment: one for every four that did.
            for i in range(how_many + how_many // 4):
                topic = f"{rng.choice(words.EXPERIMENT_TOPICS).capitalize()} " + rng.choice(
                    words.EXPERIMENT_AUDIENCES
                )
                became = i < how_many
                source = rng.choice(["staff", "staff", "staff", "public"])
                open_calls = self.public_challenges.get(org.id)
                # Most proposals from the public answer one of the organisation's challenges.
                answers = (
                    rng.choice(open_calls)
                    if source == "public" and open_calls and rng.random() < 0.8
                    else None
                )
                ideas.append(
                    (
                        idea_id,
                        org.id,
                        answers,
                        topic,
                        f"Idee: {topic}, om de dienstverlening te verbeteren.",
                        source,
                        rng.choice(authors),
                        "accepted"
                        if became
                        else rng.choice(["submitted", "under_review", "declined"]),
                    )
                )
                if not became:
                    idea_id += 1
                    continue
                stage = rng.choices(stages, shares)[0]
                if stage == "stopped":
                    path = STAGE_PATH[: rng.randint(1, 5)] + ["stopped"]
                else:
                    path = STAGE_PATH[: STAGE_PATH.index(stage) + 1]
                moment = self._moment(self._date(2019, 2024))
                previous = ""
                for step in path:
                    transitions.append(
                        (transition_id, experiment_id, previous, step, rng.choice(authors), moment)
                    )
                    transition_id += 1
                    previous = step
                    last_moment = moment
                    moment += dt.timedelta(days=rng.randint(20, 120))
                metric, metric_type, unit, direction = rng.choice(words.METRICS)
                designed = len(path) > 1
                proportion = metric_type == "proportion"
                baseline = rng.uniform(0.2, 0.7) if proportion else rng.uniform(5, 60)
                sd = None if proportion else baseline * rng.uniform(0.2, 0.6)
                experiments.append(
                    (
                        experiment_id,
                        org.id,
                        topic,
                        idea_id,
                        rng.choice(authors),
                        f"Team {rng.choice(words.APPLICATION_DOMAINS)}",
                        stage,
                        last_moment,
                        "Gestopt: het effect bleef uit." if stage == "stopped" else "",
                        f"Met {topic} verbetert {metric}." if designed else "",
                        topic if designed else "",
                        metric if designed else "",
                        metric_type,
                        unit,
                        direction,
                        baseline if designed else None,
                        baseline * 0.1 if designed else None,
                        sd if designed else None,
                        rng.choice(["ab", "pilot_control", "before_after", "qualitative"])
                        if designed
                        else "",
                        rng.random() < 0.4,
                        rng.random() < 0.5,
                    )
                )
                self.experiments_by_org.setdefault(org.id, []).append((experiment_id, topic))
                if path[-1] in ("stopped", "implementation", "in_operation"):
                    self.experiments_ended.append((experiment_id, topic, path[-1], last_moment))
                if "evaluation" in path:
                    effect = rng.gauss(0.05, 0.08)
                    for group, shift in (("control", 0.0), ("treatment", effect)):
                        n = int(rng.lognormvariate(6.5, 0.8)) + 30
                        if proportion:
                            p = min(0.99, max(0.01, baseline * (1 + shift)))
                            successes = round(n * p)
                            summaries.append(
                                (
                                    summary_id,
                                    experiment_id,
                                    metric,
                                    group,
                                    n,
                                    float(successes),
                                    float(successes),
                                    None,
                                    successes,
                                )
                            )
                        else:
                            mean = baseline * (1 + shift)
                            deviations = (n - 1) * sd * sd
                            summaries.append(
                                (
                                    summary_id,
                                    experiment_id,
                                    metric,
                                    group,
                                    n,
                                    n * mean,
                                    deviations + n * mean * mean,
                                    deviations,
                                    None,
                                )
                            )
                        summary_id += 1
                if "decision" in path and path[-1] != "decision":
                    outcome = "stop" if path[-1] == "stopped" else "scale"
                    decisions.append(
                        (
                            decision_id,
                            experiment_id,
                            "decision",
                            outcome,
                            rng.choice(board),
                            last_moment.date(),
                            "Besloten op grond van de meting en de kosten van invoering.",
                            rng.randint(2, 4),
                        )
                    )
                    decision_id += 1
                idea_id += 1
                experiment_id += 1
        self._write(
            "ideas",
            Idea,
            [
                "id",
                "organisation_id",
                "challenge_id",
                "title",
                "description",
                "source",
                "author_id",
                "status",
            ],
            ideas,
        )
        self._write(
            "experiments",
            Experiment,
            [
                "id",
                "organisation_id",
                "title",
                "idea_id",
                "owner_id",
                "owner_team",
                "stage",
                "stage_changed_at",
                "stopped_reason",
                "hypothesis",
                "intervention",
                "primary_metric",
                "metric_type",
                "metric_unit",
                "direction",
                "baseline_value",
                "minimum_detectable_effect",
                "standard_deviation",
                "design_type",
                "processes_personal_data",
                "public_facing",
            ],
            experiments,
        )
        self._write(
            "stage transitions",
            StageTransition,
            ["id", "experiment_id", "from_stage", "to_stage", "actor_id", "at"],
            transitions,
        )
        self._write(
            "measurement summaries",
            MeasurementSummary,
            [
                "id",
                "experiment_id",
                "metric",
                "group",
                "count",
                "total",
                "sum_of_squares",
                "squared_deviations",
                "successes",
            ],
            summaries,
        )
        self._write(
            "decisions",
            Decision,
            [
                "id",
                "experiment_id",
                "stage",
                "outcome",
                "decided_by_id",
                "decided_on",
                "rationale",
                "evidence_level",
            ],
            decisions,
        )

    def challenges(self) -> None:
        """Challenges the organisations put to their staff and the public: a few per
        organisation in proportion to its size, about a third public, most closed by now."""
        rng = self.rng
        per_org = _allocate(self.counts["challenges"], [o.weight for o in self.orgs])
        self.public_challenges: dict[int, list[int]] = {}
        rows, challenge_id = [], self.ids[Challenge]
        for org, how_many in zip(self.orgs, per_org, strict=True):
            owners = org.people.get("editor", [None])
            for _i in range(how_many):
                audience = rng.choice(words.EXPERIMENT_AUDIENCES)
                topic = rng.choice(words.EXPERIMENT_TOPICS)
                public = rng.random() < 0.35
                opens = self._date(2019, 2026)
                # Open for one to six months; one in five stays open until further notice.
                closes = (
                    None
                    if rng.random() < 0.2
                    else opens + dt.timedelta(days=rng.choice([30, 45, 60, 90, 120, 180]))
                )
                rows.append(
                    (
                        challenge_id,
                        org.id,
                        f"Hoe helpen we {audience} met {topic}?"[:200],
                        f"{org.name} zoekt een aanpak voor {topic} voor {audience}: "
                        "de huidige werkwijze kost te veel tijd en bereikt niet iedereen.",
                        rng.choice(CHALLENGE_OFFERS),
                        rng.choice(owners),
                        "public" if public else "internal",
                        opens,
                        closes,
                    )
                )
                if public:
                    self.public_challenges.setdefault(org.id, []).append(challenge_id)
                challenge_id += 1
        self._write(
            "challenges",
            Challenge,
            [
                "id",
                "organisation_id",
                "title",
                "problem_statement",
                "offer",
                "owner_id",
                "visibility",
                "opens_on",
                "closes_on",
            ],
            rows,
        )

    def lessons(self) -> None:
        """Lessons learned of the experiments that ended (stopped, being implemented or in
        operation): most write one down, a stopped one more often than one that worked."""
        rng = self.rng
        rows, lesson_id = [], self.ids[Lesson]
        for experiment_id, topic, ended, moment in self.experiments_ended:
            if rng.random() > (0.8 if ended == "stopped" else 0.55):
                continue
            for _i in range(1 if rng.random() < 0.85 else 2):
                happened, differently = rng.choice(LESSON_OUTCOMES[ended])
                rows.append(
                    (
                        lesson_id,
                        experiment_id,
                        f"We probeerden {topic} in {rng.randint(1, 6)} teams.",
                        happened,
                        differently if rng.random() < 0.75 else "",
                        f"https://code.example/{experiment_id}/{lesson_id}"
                        if rng.random() < 0.3
                        else "",
                        moment + dt.timedelta(days=rng.randint(1, 60)),
                    )
                )
                lesson_id += 1
        self._write(
            "lessons",
            Lesson,
            [
                "id",
                "experiment_id",
                "tried",
                "happened",
                "differently",
                "reusable_assets",
                "created_at",
            ],
            rows,
        )

    # --- safeguards -------------------------------------------------------------------------

    def assessments(self) -> None:
        rng = self.rng
        safeguard_services.own_templates_load()
        templates = list(
            AssessmentTemplate.objects.filter(source="own").values_list("id", "kind", "name")
        )
        subjects = []  # (column, organisation, id, name)
        for org in self.orgs:
            for key, items in (
                ("experiment_id", self.experiments_by_org.get(org.id, [])),
                ("project_id", self.projects_by_org.get(org.id, [])),
                ("application_id", [(a, n) for a, n in self._apps_named(org.id)]),
            ):
                subjects.extend((key, org, pk, name) for pk, name in items)
        by_key: dict[str, list] = {}
        for subject in subjects:
            by_key.setdefault(subject[0], []).append(subject)
        keys = [k for k in ("experiment_id", "project_id", "application_id") if k in by_key]
        weights = {"experiment_id": 40, "project_id": 30, "application_id": 30}

        self.assessment_plan: list[tuple[int, int, str, dt.date]] = []

        def rows():
            next_id = self.ids[Assessment]
            for _i in range(self.counts["assessments"]):
                key = rng.choices(keys, [weights[k] for k in keys])[0]
                _key, org, pk, name = rng.choice(by_key[key])
                template_id, kind, template_name = rng.choice(templates)
                status = rng.choices(
                    ["draft", "in_review", "approved", "rejected"], [20, 15, 55, 10]
                )[0]
                started = self._moment(self._date(2020, 2025))
                submitted = started + dt.timedelta(days=rng.randint(3, 60))
                reviewed = submitted + dt.timedelta(days=rng.randint(2, 30))
                officer = rng.choice(org.people.get("safeguard_officer", [None]))
                decided = status in ("approved", "rejected")
                self.assessment_plan.append((next_id, template_id, status, started.date()))
                yield (
                    next_id,
                    org.id,
                    template_id,
                    kind,
                    pk if key == "experiment_id" else None,
                    pk if key == "project_id" else None,
                    pk if key == "application_id" else None,
                    f"{template_name}: {name}"[:200],
                    status,
                    rng.choice(org.people.get("editor", [None])),
                    submitted if status != "draft" else None,
                    officer if decided else None,
                    reviewed if decided else None,
                )
                next_id += 1

        self._write(
            "assessments",
            Assessment,
            [
                "id",
                "organisation_id",
                "template_id",
                "kind",
                "experiment_id",
                "project_id",
                "application_id",
                "title",
                "status",
                "author_id",
                "submitted_at",
                "reviewed_by_id",
                "reviewed_at",
            ],
            rows(),
        )

    def assessment_answers(self) -> None:
        """The answers of the assessments: every question of a submitted one answered, a
        draft about half done; choices drawn from the question's own options (the first
        option, usually the mildest, more often), texts and numbers varying."""
        rng = self.rng
        questions: dict[int, list[tuple[int, str, list]]] = {}
        for pk, template_id, kind, options in (
            TemplateItem.objects.filter(type__in=ANSWERABLE)
            .exclude(parent__repeatable=True)
            .exclude(repeatable=True)
            .order_by("template_id", "order")
            .values_list("pk", "template_id", "type", "options")
        ):
            values = [o["value"] for o in options or [] if isinstance(o, dict) and "value" in o]
            questions.setdefault(template_id, []).append((pk, kind, values))

        def value_of(kind: str, values: list, day: dt.date):
            if kind == "single_choice" and values:
                weights = [3, *([1] * (len(values) - 1))]
                return rng.choices(values, weights)[0]
            if kind == "multiple_choice" and values:
                return rng.sample(values, rng.randint(1, len(values)))
            if kind == "number":
                return round(rng.lognormvariate(3, 1.2), 1)
            if kind == "date":
                return (day + dt.timedelta(days=rng.randint(0, 400))).isoformat()
            if kind == "file":
                return f"https://documenten.example/{rng.randint(1000, 99999)}.pdf"
            if kind == "long_text":
                return rng.choice(ANSWER_TEXTS)
            return rng.choice(ANSWER_SHORT)

        def rows():
            answer_id = self.ids[SafeguardAnswer]
            for assessment_id, template_id, status, day in self.assessment_plan:
                share = rng.uniform(0.2, 0.8) if status == "draft" else 1.0
                for item_id, kind, values in questions.get(template_id, []):
                    if rng.random() > share:
                        continue
                    value = value_of(kind, values, day)
                    yield (answer_id, assessment_id, item_id, "", json.dumps(value))
                    answer_id += 1

        self._write(
            "assessment answers",
            SafeguardAnswer,
            ["id", "assessment_id", "item_id", "repeat", "value"],
            rows(),
        )

    def _apps_named(self, org_id: int):
        if not hasattr(self, "_app_names"):
            self._app_names: dict[int, list] = {}
            for app_id, owner, name in self.apps:
                self._app_names.setdefault(owner, []).append((app_id, name))
        return self._app_names.get(org_id, [])

    # --- maturity scans ---------------------------------------------------------------------

    def maturity_scans(self) -> None:
        """Rounds of the maturity scan: one to three yearly rounds per organisation, answered by
        most of its people. Each organisation has its own level per dimension, rising a little
        from round to round; each person scores around it."""
        rng, scan = self.rng, current_scan()
        rounds, participants, answers = [], [], []
        round_id, participant_id = self.ids[ScanRound], self.ids[Participant]
        answer_id = self.ids[ScanAnswer]
        for org in self.orgs:
            people = sorted({pk for ids in org.people.values() for pk in ids if pk is not None})
            if not people:
                continue
            level = {d.code: rng.uniform(1.6, 3.8) for d in scan.dimensions}
            first_year = rng.choice([2023, 2024, 2025])
            for year in range(first_year, 2026):
                opens = dt.date(year, rng.randint(2, 10), rng.randint(1, 28))
                closes = opens + dt.timedelta(days=rng.choice([14, 21, 28]))
                last = year == 2025
                still_open = last and rng.random() < 0.3
                rounds.append(
                    (
                        round_id,
                        org.id,
                        f"Volwassenheidsscan {year}",
                        opens,
                        closes,
                        "open" if still_open else "closed",
                        None if still_open else closes,
                        scan.version,
                    )
                )
                chosen = rng.sample(people, max(1, round(len(people) * rng.uniform(0.5, 1))))
                for person in chosen:
                    participants.append((participant_id, round_id, person))
                    participant_id += 1
                    if still_open and rng.random() < 0.4:
                        continue  # has not answered yet
                    answered = self._moment(opens + dt.timedelta(days=rng.randint(0, 13)))
                    for statement in scan.statements:
                        score = round(rng.gauss(level[statement.dimension], 0.8))
                        score = min(5, max(1, score))
                        answers.append(
                            (
                                answer_id,
                                round_id,
                                person,
                                statement.code,
                                score,
                                rng.choice(SCAN_EVIDENCE[score]),
                                answered,
                            )
                        )
                        answer_id += 1
                round_id += 1
                for code in level:  # the next round a little further, on average
                    level[code] = min(4.8, level[code] + rng.uniform(-0.1, 0.4))
        self._write(
            "scan rounds",
            ScanRound,
            [
                "id",
                "organisation_id",
                "title",
                "opens_on",
                "closes_on",
                "status",
                "closed_on",
                "scan_version",
            ],
            rounds,
        )
        self._write("scan participants", Participant, ["id", "round_id", "person_id"], participants)
        self._write(
            "scan answers",
            ScanAnswer,
            ["id", "round_id", "person_id", "statement", "score", "evidence", "answered_at"],
            answers,
        )

    # --- stored figures ---------------------------------------------------------------------

    def figures(self) -> str:
        """The projects' stored figures by their own service (the other stored figures are
        computed by their first read)."""
        started = time.perf_counter()
        ids = list(
            Project.all_objects.filter(organisation_id__in=[o.id for o in self.orgs])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # One transaction: one commit instead of one per project (each waits for the disk).
        with transaction.atomic():
            for start in range(0, len(ids), 2000):
                project_services.project_figures_refresh_many(
                    Project.all_objects.filter(pk__in=ids[start : start + 2000])
                )
        self.seconds["project figures"] = round(time.perf_counter() - started, 2)
        seconds = self.seconds["project figures"]
        self.progress(f"{LABELS['project figures']}: {len(ids):,} ({seconds} s)")
        # The other stored figures (balance, legacy risk, forecasts, funnel, coverage) are
        # computed and stored by their own reads when nothing is stored yet, at the first view
        # of their page.
        return _("none here; each is computed and stored when its page is first opened")

    def run(self) -> SeedResult:
        refusal = seed_refusal()
        if refusal:
            raise RuleViolation(refusal)
        started = time.perf_counter()
        with transaction.atomic():
            self.organisations()
            self.people()
            self.applications()
            self.dependencies()
            self.spend()
            self.projects()
            self.challenges()
            self.experiments()
            self.lessons()
            self.assessments()
            self.assessment_answers()
            self.maturity_scans()
            sequences_reset(
                Organisation,
                Person,
                Membership,
                Application,
                Dependency,
                SpendLine,
                Project,
                ProjectReport,
                Idea,
                Experiment,
                StageTransition,
                MeasurementSummary,
                Decision,
                Assessment,
                Challenge,
                Lesson,
                ScanRound,
                Participant,
                ScanAnswer,
                SafeguardAnswer,
            )
        hook = self.figures()
        self.seconds["total"] = round(time.perf_counter() - started, 2)
        return SeedResult(self.written, self.seconds, self.sign_in, self.password, hook)


def seed_national(
    *, factor: float = 1.0, seed: int = 1, password: str = DEFAULT_PASSWORD, progress=None
) -> SeedResult:
    """Fill an empty database with the national seed; RuleViolation when it is not empty."""
    return NationalSeed(factor=factor, seed=seed, password=password, progress=progress).run()
