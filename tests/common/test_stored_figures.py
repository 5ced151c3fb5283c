"""The stored-figure mechanism itself (``common.stored_figures``), on the projects' facet cells
as a concrete model: a write during a refresh leaves the figure pending, a late refresh of an
older version never overwrites a newer result, and a queue that refuses the task does not
fail the write."""

import pytest

from omslag.common.stored_figures import (
    refresh_on_commit,
    stored_figure_save,
    stored_figures_mark_changed,
)
from omslag.projects.models import ProjectFacetCells

from ..factories import organisation


@pytest.fixture
def key(db):
    return {"organisation_id": organisation("sf-gemeente", kind="municipality").pk}


def _rows():
    return ProjectFacetCells.objects.all()


def test_first_save_stores_the_result_as_of_its_start(key):
    row = stored_figure_save(ProjectFacetCells, key, lambda: {"cells": [["a", "", "", False, 1]]})
    assert row.cells == [["a", "", "", False, 1]]
    assert row.computed_at is not None and not row.pending


def test_a_write_during_the_refresh_leaves_the_figure_pending(key):
    stored_figure_save(ProjectFacetCells, key, lambda: {"cells": []})

    def compute_while_someone_writes():
        stored_figures_mark_changed(_rows())  # a write commits while the refresh computes
        return {"cells": [["x", "", "", False, 1]]}

    stored_figures_mark_changed(_rows())
    row = stored_figure_save(ProjectFacetCells, key, compute_while_someone_writes)
    assert row.pending  # the result is of the version read before computing
    assert (row.inputs_version, row.computed_version) == (3, 2)


def test_a_late_refresh_of_an_older_version_does_not_overwrite_a_newer_result(key):
    stored_figure_save(ProjectFacetCells, key, lambda: {"cells": []})
    stored_figures_mark_changed(_rows())  # version 2

    def older_refresh_finishing_last():
        # While this (version 2) refresh computes, another write and its refresh (version 3)
        # both finish.
        stored_figures_mark_changed(_rows())
        stored_figure_save(ProjectFacetCells, key, lambda: {"cells": [["new", "", "", False, 3]]})
        return {"cells": [["old", "", "", False, 2]]}

    row = stored_figure_save(ProjectFacetCells, key, older_refresh_finishing_last)
    assert row.cells == [["new", "", "", False, 3]] and row.computed_version == 3
    assert not row.pending


def test_a_queue_that_refuses_the_task_does_not_fail_the_write(
    key, django_capture_on_commit_callbacks
):
    class RefusingTask:
        def enqueue(self, *args):
            raise RuntimeError("the queue is down")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        refresh_on_commit(RefusingTask(), [1])
    assert len(callbacks) == 1  # ran, and its error was logged, not raised
