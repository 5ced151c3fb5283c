"""What an assessment can be about comes from the registrations of the apps that own those
records; safeguards names none of them."""

import pytest

from omslag.common.subjects import assessment_subject_of, assessment_subjects
from omslag.organisations.models import Organisation
from omslag.safeguards import selectors
from omslag.safeguards.models import Assessment
from tests.portfolio.factories import application

from .conftest import new_experiment


def test_each_registered_kind_is_a_link_of_the_assessment():
    keys = [subject.key for subject in assessment_subjects()]
    assert keys == ["experiment", "project", "application"]
    for subject in assessment_subjects():
        field = Assessment._meta.get_field(subject.key)
        assert field.related_model is subject.model


def test_a_record_of_another_kind_is_refused():
    with pytest.raises(LookupError):
        assessment_subject_of(Organisation())


def test_the_start_form_offers_the_records_of_every_registered_kind(org):
    experiment = new_experiment(org)
    app = application(org, name="Zaaksysteem")
    groups = {str(label): options for label, options in selectors.subject_choices(org)}
    assert list(groups) == ["Experiments", "Projects", "Applications"]
    assert groups["Experiments"] == [(f"experiment:{experiment.pk}", experiment.title)]
    assert groups["Projects"] == []
    assert groups["Applications"] == [(f"application:{app.pk}", "Zaaksysteem")]
