"""Reads of the algorithm register and the Algoritmekader: lists with filters, the
requirements and measures that apply to an algorithm, and their states by lifecycle phase."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from omslag.organisations.models import Organisation

from .applicability import profile_values, requirement_applies
from .models import AlgorithmRecord, Measure, MeasureState, Phase, Requirement


@dataclass(frozen=True)
class AlgorithmFilters:
    search: str = ""
    risk_group: tuple[str, ...] = ()
    status: tuple[str, ...] = ()


def algorithms_of(organisation: Organisation) -> QuerySet[AlgorithmRecord]:
    return AlgorithmRecord.objects.filter(organisation=organisation).select_related(
        "organisation", "experiment", "application"
    )


def algorithm_publication_counts(organisation_ids: Iterable[int]) -> tuple[int, int]:
    """Algorithms registered by these organisations, and how many of them are published
    (have a link to their public page in the national Algorithm Register)."""
    counts = AlgorithmRecord.objects.filter(organisation_id__in=organisation_ids).aggregate(
        registered=Count("pk"), published=Count("pk", filter=~Q(link=""))
    )
    return counts["registered"], counts["published"]


def algorithm_list(
    organisation: Organisation, filters: AlgorithmFilters
) -> QuerySet[AlgorithmRecord]:
    algorithms = algorithms_of(organisation)
    if filters.search:
        algorithms = algorithms.filter(
            Q(name__icontains=filters.search)
            | Q(description_short__icontains=filters.search)
            | Q(supplier__icontains=filters.search)
            | Q(search_terms__icontains=filters.search)
        )
    if filters.risk_group:
        algorithms = algorithms.filter(risk_group__in=filters.risk_group)
    if filters.status:
        algorithms = algorithms.filter(status__in=filters.status)
    return algorithms.order_by("name", "pk")


def algorithms_for_export(organisation: Organisation | None = None) -> QuerySet[AlgorithmRecord]:
    """Every live algorithm, or those of one organisation, in a stable order."""
    algorithms = AlgorithmRecord.objects.select_related("organisation")
    if organisation is not None:
        algorithms = algorithms.filter(organisation=organisation)
    return algorithms.order_by("organisation__name", "name", "pk")


def applicable_requirements(algorithm: AlgorithmRecord) -> list[Requirement]:
    values = profile_values(algorithm)
    return [
        requirement
        for requirement in Requirement.objects.order_by("urn")
        if requirement_applies(requirement, algorithm, values)
    ]


def applicable_measures(algorithm: AlgorithmRecord) -> list[Measure]:
    """The measures that meet at least one applicable requirement, each with
    ``applicable_requirements`` (those of them that apply)."""
    requirements = {r.pk: r for r in applicable_requirements(algorithm)}
    measures = (
        Measure.objects.filter(requirements__in=list(requirements))
        .distinct()
        .prefetch_related("requirements")
        .order_by("key")
    )
    result = []
    for measure in measures:
        measure.applicable_requirements = [
            r for r in measure.requirements.all() if r.pk in requirements
        ]
        result.append(measure)
    return result


def measure_is_applicable(algorithm: AlgorithmRecord, measure: Measure) -> bool:
    return any(
        requirement_applies(requirement, algorithm) for requirement in measure.requirements.all()
    )


@dataclass
class PhaseGroup:
    phase: str  # slug
    name: str
    measures: list[Measure] = field(default_factory=list)


@dataclass
class MeasureOverview:
    requirements: list[Requirement]
    groups: list[PhaseGroup]
    counts: Counter[str]
    total: int


def measure_overview(algorithm: AlgorithmRecord) -> MeasureOverview:
    """Applicable requirements, and applicable measures grouped by their first lifecycle
    phase, each measure with ``state_record`` (None while still to do) and ``state``."""
    requirements = applicable_requirements(algorithm)
    measures = applicable_measures(algorithm)
    states = {s.measure_id: s for s in MeasureState.objects.filter(algorithm=algorithm)}
    phases = list(Phase.objects.order_by("position"))
    order = {p.slug: p.position for p in phases}
    names = {p.slug: p.name for p in phases}
    groups: dict[str, PhaseGroup] = {}
    counts: Counter[str] = Counter()
    for measure in measures:
        measure.state_record = states.get(measure.pk)
        measure.state = measure.state_record.state if measure.state_record else "to_do"
        counts[measure.state] += 1
        first = min(measure.phases or ["—"], key=lambda slug: order.get(slug, 99))
        group = groups.setdefault(first, PhaseGroup(first, names.get(first, first)))
        group.measures.append(measure)
    ordered = sorted(groups.values(), key=lambda g: order.get(g.phase, 99))
    return MeasureOverview(requirements, ordered, counts, len(measures))


def requirement_search(search: str = "", phase: str = "") -> QuerySet[Requirement]:
    requirements = Requirement.objects.prefetch_related(
        Prefetch("measures", queryset=Measure.objects.order_by("key"))
    ).order_by("urn")
    if search:
        requirements = requirements.filter(
            Q(name__icontains=search) | Q(urn__icontains=search) | Q(description__icontains=search)
        )
    if phase:
        requirements = requirements.filter(phases__icontains=f'"{phase}"')
    return requirements


def measure_search(search: str = "", phase: str = "") -> QuerySet[Measure]:
    measures = Measure.objects.prefetch_related(
        Prefetch("requirements", queryset=Requirement.objects.order_by("urn"))
    ).order_by("key")
    if search:
        measures = measures.filter(
            Q(name__icontains=search)
            | Q(urn__icontains=search)
            | Q(key__icontains=search)
            | Q(description__icontains=search)
        )
    if phase:
        # A text match on the quoted slug works on SQLite and PostgreSQL alike.
        measures = measures.filter(phases__icontains=f'"{phase}"')
    return measures


def phases() -> QuerySet[Phase]:
    return Phase.objects.order_by("position")


def requirement_get(urn_or_code: str) -> Requirement | None:
    return (
        Requirement.objects.prefetch_related("measures")
        .filter(Q(urn=urn_or_code) | Q(urn=f"urn:nl:ak:ver:{urn_or_code}"))
        .first()
    )


def measure_get(key: str) -> Measure | None:
    return Measure.objects.prefetch_related("requirements").filter(key=key).first()
