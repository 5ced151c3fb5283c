"""The algorithm's edit page on the shared versioned edit: a stale version gets 409 with the
current values, an invalid form 400, and a form sent without its version saves over the
stored one (as the API allows)."""

from omslag.algorithms import services
from omslag.algorithms.models import AlgorithmRecord

from .conftest import algorithm_values


def _algorithm(municipality):
    return services.algorithm_create(actor=None, organisation=municipality, **algorithm_values())


def _form_data(**overrides):
    return {**algorithm_values(), "theme": "Natuur en milieu", **overrides}


def test_a_stale_edit_gets_409_with_the_current_values(client, editor, municipality):
    algorithm = _algorithm(municipality)
    services.algorithm_update(
        actor=None,
        algorithm=algorithm,
        expected_version=algorithm.version,
        name="Routes van Alice",
    )
    client.force_login(editor)
    response = client.post(
        f"/algorithms/{algorithm.pk}/edit",
        _form_data(name="Routes van Bob", version=1),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Somebody else saved this record after you opened it" in page
    assert 'value="Routes van Alice"' in page and 'name="version" value="2"' in page
    assert AlgorithmRecord.objects.get().name == "Routes van Alice"


def test_an_invalid_edit_gets_400_and_saves_nothing(client, editor, municipality):
    algorithm = _algorithm(municipality)
    client.force_login(editor)
    response = client.post(
        f"/algorithms/{algorithm.pk}/edit",
        _form_data(name="", version=algorithm.version),
    )
    assert response.status_code == 400
    assert AlgorithmRecord.objects.get().name == algorithm_values()["name"]


def test_an_edit_without_a_version_saves_over_the_stored_one(client, editor, municipality):
    algorithm = _algorithm(municipality)
    client.force_login(editor)
    response = client.post(f"/algorithms/{algorithm.pk}/edit", _form_data(name="Nieuwe naam"))
    assert response.status_code == 302
    assert response["Location"] == f"/algorithms/{algorithm.pk}"
    saved = AlgorithmRecord.objects.get()
    assert (saved.name, saved.version) == ("Nieuwe naam", algorithm.version + 1)
