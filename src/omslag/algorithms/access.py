"""Who may read and change the algorithm register and the measure states.

Rights follow the organisation an algorithm belongs to: every role reads, editors and
administrators change. The Algoritmekader itself is public government information: every
signed-in person reads it; only the command line imports it. A record of an organisation the
person may not read is not found.
"""

from django.http import Http404

from omslag.organisations.access import organisation_can_change, organisation_can_read

from .models import AlgorithmRecord


def algorithms_can_read(person, organisation) -> bool:
    return organisation_can_read(person, organisation)


def algorithms_can_change(person, organisation) -> bool:
    return organisation_can_change(person, organisation)


def algorithm_can_change(person, algorithm) -> bool:
    return algorithms_can_change(person, algorithm.organisation)


def framework_can_read(person) -> bool:
    return bool(person is not None and person.is_authenticated and person.is_active)


def algorithm_get_readable(person, pk, *, include_deleted=False) -> AlgorithmRecord:
    manager = AlgorithmRecord.all_objects if include_deleted else AlgorithmRecord.objects
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No algorithm matches the given query.") from None
    algorithm = manager.select_related("organisation").filter(pk=pk).first()
    if algorithm is None or not organisation_can_read(person, algorithm.organisation):
        raise Http404("No algorithm matches the given query.")
    return algorithm
