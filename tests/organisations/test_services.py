"""Services for organisations and memberships: the tree, optimistic locking, history,
restore and soft delete."""

import pytest
from django.test import Client

from omslag.common.errors import ConflictError, RuleViolation
from omslag.common.history import history_entries
from omslag.organisations import access, services
from omslag.organisations.models import Membership, Organisation

from ..factories import PersonFactory, organisation


def test_path_holds_the_ids_from_the_root(tree):
    ministry, agency, municipality = tree
    unit = organisation("eenheid", parent=agency)
    assert unit.path == f"/{ministry.pk}/{agency.pk}/{unit.pk}/"
    assert unit.ancestor_ids == [ministry.pk, agency.pk]
    assert municipality.path == f"/{municipality.pk}/"


def test_role_on_ancestor_holds_below_it(tree, make_member):
    ministry, agency, municipality = tree
    person = make_member("auditor", ministry)
    unit = organisation("eenheid", parent=agency)
    assert access.person_roles(person, unit) == {"auditor"}
    assert access.person_roles(person, municipality) == frozenset()


def test_roles_are_read_with_one_query_per_request(tree, make_member, django_assert_num_queries):
    ministry, agency, municipality = tree
    person = make_member("viewer", ministry)
    person = type(person).objects.get(pk=person.pk)
    with django_assert_num_queries(1):
        for org in (ministry, agency, municipality, ministry):
            access.organisation_can_read(person, org)


def test_stale_update_is_refused_and_the_other_change_kept(tree, make_member):
    ministry, *_ = tree
    alice, bob = make_member("admin", ministry), make_member("admin", ministry)
    mine = Organisation.objects.get(pk=ministry.pk)
    theirs = Organisation.objects.get(pk=ministry.pk)
    services.organisation_update(
        actor=alice, organisation=theirs, expected_version=1, name="Alice's"
    )
    with pytest.raises(ConflictError) as conflict:
        services.organisation_update(actor=bob, organisation=mine, expected_version=1, name="Bob's")
    assert conflict.value.current.name == "Alice's"
    assert Organisation.objects.get(pk=ministry.pk).name == "Alice's"
    assert Organisation.objects.get(pk=ministry.pk).version == 2


def test_stale_form_save_shows_a_clear_message_and_current_values(tree, make_member):
    ministry, *_ = tree
    alice, bob = make_member("admin", ministry), make_member("admin", ministry)
    services.organisation_update(
        actor=alice,
        organisation=Organisation.objects.get(pk=ministry.pk),
        expected_version=1,
        name="Naam van Alice",
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(bob)
    response = client.post(
        f"/organisations/{ministry.slug}/edit",
        {"name": "Naam van Bob", "kind": "ministry", "description": "", "version": 1},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Somebody else saved this record after you opened it" in page
    assert 'value="Naam van Alice"' in page  # the form now shows the current values
    assert 'name="version" value="2"' in page
    assert Organisation.objects.get(pk=ministry.pk).name == "Naam van Alice"


def test_history_records_who_and_what(tree, make_member):
    ministry, *_ = tree
    alice = make_member("admin", ministry)
    services.organisation_update(
        actor=alice, organisation=ministry, expected_version=1, name="Nieuw", description="Tekst"
    )
    newest, created = history_entries(Organisation.objects.get(pk=ministry.pk))
    assert created.kind == "created"
    assert newest.kind == "changed" and newest.user == alice
    assert {(c.field, c.old, c.new) for c in newest.changes} == {
        ("name", "Ministerie", "Nieuw"),
        ("description", "—", "Tekst"),  # an empty value is shown as a dash
    }


def test_restore_puts_back_an_earlier_version_as_a_new_change(tree, make_member):
    ministry, *_ = tree
    admin = make_member("admin", ministry)
    services.organisation_update(
        actor=admin, organisation=ministry, expected_version=1, name="Twee"
    )
    services.organisation_update(
        actor=admin, organisation=ministry, expected_version=2, name="Drie"
    )
    first = ministry.history.order_by("history_id").first()
    restored = services.organisation_restore(
        actor=admin, record=ministry, history_id=first.history_id
    )
    assert restored.name == "Ministerie" and restored.version == 4
    assert ministry.history.count() == 4  # nothing is rewritten; the restore is a new entry
    assert history_entries(restored)[0].reason == "restored an earlier version"


def test_soft_delete_hides_and_restore_brings_back(tree, make_member):
    ministry, agency, _ = tree
    admin = make_member("admin", ministry)
    services.organisation_delete(actor=admin, organisation=agency)
    assert not Organisation.objects.filter(pk=agency.pk).exists()
    assert Organisation.all_objects.get(pk=agency.pk).is_deleted
    before_delete = agency.history.order_by("history_id").first()
    services.organisation_restore(
        actor=admin,
        record=Organisation.all_objects.get(pk=agency.pk),
        history_id=before_delete.history_id,
    )
    assert Organisation.objects.filter(pk=agency.pk).exists()


def test_organisation_with_children_cannot_be_deleted(tree, make_member):
    ministry, *_ = tree
    with pytest.raises(RuleViolation, match="still has organisations below it"):
        services.organisation_delete(actor=make_member("admin", ministry), organisation=ministry)


def test_restore_through_the_history_page(tree, make_member):
    ministry, *_ = tree
    admin = make_member("admin", ministry)
    services.organisation_update(
        actor=admin, organisation=ministry, expected_version=1, name="Fout"
    )
    first = ministry.history.order_by("history_id").first()
    client = Client()
    client.force_login(admin)
    page = client.get(f"/history/organisation/{ministry.pk}")
    assert page.status_code == 200 and "Fout" in page.content.decode()
    response = client.post(f"/history/organisation/{ministry.pk}/restore/{first.history_id}")
    assert response.status_code == 302
    assert Organisation.objects.get(pk=ministry.pk).name == "Ministerie"


def test_viewer_sees_history_but_cannot_restore(tree, make_member):
    ministry, *_ = tree
    viewer = make_member("viewer", ministry)
    client = Client()
    client.force_login(viewer)
    assert client.get(f"/history/organisation/{ministry.pk}").status_code == 200
    first = ministry.history.first()
    assert (
        client.post(f"/history/organisation/{ministry.pk}/restore/{first.history_id}").status_code
        == 403
    )


def test_restoring_a_version_of_another_record_is_refused(tree, make_member):
    ministry, agency, _ = tree
    admin = make_member("admin", ministry)
    with pytest.raises(RuleViolation):
        services.organisation_restore(
            actor=admin, record=ministry, history_id=agency.history.first().history_id
        )


def test_membership_delete_and_restore(tree, make_member):
    ministry, *_ = tree
    admin = make_member("admin", ministry)
    viewer = make_member("viewer", ministry)
    membership = Membership.objects.get(person=viewer)
    services.membership_delete(actor=admin, membership=membership)
    assert not access.organisation_can_read(type(viewer).objects.get(pk=viewer.pk), ministry)
    first = membership.history.order_by("history_id").first()
    services.membership_restore(actor=admin, record=membership, history_id=first.history_id)
    assert access.organisation_can_read(type(viewer).objects.get(pk=viewer.pk), ministry)


def test_the_last_administrator_cannot_remove_themself(tree, make_member):
    ministry, *_ = tree
    admin = make_member("admin", ministry)
    with pytest.raises(RuleViolation, match="last administrator"):
        services.membership_delete(actor=admin, membership=Membership.objects.get(person=admin))


def test_same_role_twice_is_refused(tree):
    ministry, *_ = tree
    person = PersonFactory()
    services.membership_create(actor=None, person=person, organisation=ministry, role="viewer")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="already has this role"):
        services.membership_create(actor=None, person=person, organisation=ministry, role="viewer")


def test_tree_page_uses_a_bounded_number_of_queries(
    tree, make_member, django_assert_max_num_queries
):
    ministry, agency, _ = tree
    for index in range(20):
        organisation(f"dienst-{index}", parent=agency)
    client = Client()
    client.force_login(make_member("viewer", ministry))
    with django_assert_max_num_queries(8):
        response = client.get("/organisations")
    assert response.content.decode().count('class="tree__item') == 22


def test_stale_role_change_on_the_page_gets_409_with_the_current_role(tree, make_member):
    ministry, *_ = tree
    alice, bob = make_member("admin", ministry), make_member("admin", ministry)
    carol = make_member("viewer", ministry)
    membership = Membership.objects.get(person=carol, organisation=ministry)
    services.membership_update(
        actor=alice, membership=membership, expected_version=membership.version, role="editor"
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(bob)
    url = f"/memberships/{membership.pk}/edit"
    response = client.post(url, {"role": "auditor", "version": 1})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Somebody else saved this record after you opened it" in page
    assert '<option value="editor" selected>' in page and 'name="version" value="2"' in page
    assert Membership.objects.get(pk=membership.pk).role == "editor"
    response = client.post(url, {"role": "auditor", "version": 2})
    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{ministry.slug}/people"
    assert Membership.objects.get(pk=membership.pk).role == "auditor"
