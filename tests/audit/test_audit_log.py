"""The audit log: an entry for each event, readable by auditors and administrators only,
never another organisation's entries, filters, pages and exports."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from omslag.accounts.services import api_token_issue, api_token_revoke
from omslag.audit.models import AuditEntry
from omslag.common import audit
from omslag.exchange.services import export_file
from omslag.organisations import services as organisation_services
from omslag.organisations.models import Membership

from ..factories import PASSWORD, PersonFactory, member


def events(**filters):
    return list(AuditEntry.objects.filter(**filters).values_list("event", flat=True))


def login(client, email, password):
    return client.post("/login", {"username": email, "password": password})


def test_sign_in_and_failed_sign_in_are_recorded(db):
    person = PersonFactory(email="ina@omslag.test")
    login(Client(), "INA@omslag.test", "wrong password")
    login(Client(), "nobody@omslag.test", "wrong password")
    login(Client(), "ina@omslag.test", PASSWORD)
    failed = AuditEntry.objects.filter(event="sign_in_failed").order_by("pk")
    assert [(e.person, e.detail["sign_in_name"]) for e in failed] == [
        (person, "ina@omslag.test"),
        (None, "nobody@omslag.test"),
    ]
    assert events(event="sign_in", person=person) == ["sign_in"]


def test_lock_out_is_recorded(db, settings):
    settings.AXES_FAILURE_LIMIT = 2
    person = PersonFactory()
    client = Client()
    for _ in range(3):
        login(client, person.email, "wrong password")
    assert events(event="locked_out", person=person)


def test_role_changes_are_recorded_with_who_did_it(tree, platform_admin):
    ministry, _agency, _other = tree
    person = PersonFactory(email="rol@omslag.test")
    membership = organisation_services.membership_create(
        actor=platform_admin, person=person, organisation=ministry, role="viewer"
    )
    organisation_services.membership_update(
        actor=platform_admin,
        membership=membership,
        expected_version=membership.version,
        role="editor",
    )
    membership = Membership.objects.get(pk=membership.pk)
    organisation_services.membership_delete(
        actor=platform_admin, membership=membership, expected_version=membership.version
    )
    entries = AuditEntry.objects.filter(organisation=ministry).order_by("pk")
    assert [(e.event, e.person, e.detail) for e in entries] == [
        ("role_granted", platform_admin, {"member": "rol@omslag.test", "role": "viewer"}),
        (
            "role_changed",
            platform_admin,
            {"member": "rol@omslag.test", "role": "editor", "previous_role": "viewer"},
        ),
        ("role_removed", platform_admin, {"member": "rol@omslag.test", "role": "editor"}),
    ]


def test_token_creation_and_revocation_are_recorded(db):
    person = PersonFactory()
    token, _secret = api_token_issue(person=person, name="nightly")
    api_token_revoke(token=token)
    api_token_revoke(token=token)  # a second revocation changes nothing and is not recorded
    assert events(person=person) == ["token_revoked", "token_created"]
    assert "nightly" in AuditEntry.objects.filter(person=person).first().detail["token"]


def test_export_of_a_whole_register_is_recorded(tree):
    ministry, _agency, _other = tree
    admin = member("admin", ministry)
    export_file(person=admin, organisation=ministry, kind="organisations", fmt="csv")
    entry = AuditEntry.objects.get(event="register_exported")
    assert (entry.person, entry.organisation) == (admin, ministry)
    assert entry.detail == {"kind": "organisations", "format": "csv", "rows": "2"}


@pytest.mark.parametrize(
    ("role", "status"),
    [("auditor", 200), ("admin", 200), ("viewer", 403), ("editor", 403), ("board", 403)],
)
def test_page_is_for_auditors_and_administrators(tree, role, status):
    ministry, _agency, _other = tree
    client = Client()
    client.force_login(member(role, ministry))
    assert client.get(f"/organisations/{ministry.slug}/audit").status_code == status
    assert client.get(f"/organisations/{ministry.slug}/audit/export").status_code == status


def test_another_organisations_entries_are_never_shown(tree):
    ministry, agency, municipality = tree
    auditor = member("auditor", ministry)
    outsider = member("viewer", municipality)
    insider = member("viewer", agency)
    export_file(person=outsider, organisation=municipality, kind="organisations", fmt="csv")
    export_file(person=insider, organisation=agency, kind="organisations", fmt="csv")
    api_token_issue(person=outsider, name="outsider's token")
    api_token_issue(person=insider, name="insider's token")
    client = Client()
    client.force_login(auditor)
    page = client.get(f"/organisations/{ministry.slug}/audit").content.decode()
    assert insider.email in page and outsider.email not in page
    assert "insider&#x27;s token" in page and "outsider" not in page
    # An auditor of the municipality cannot open the ministry's log at all.
    other = Client()
    other.force_login(member("auditor", municipality))
    assert other.get(f"/organisations/{ministry.slug}/audit").status_code == 404
    api = other.get(f"/api/v1/organisations/{ministry.slug}/audit-entries")
    assert api.status_code == 404


def test_api_lists_filters_and_refuses_unknown_events(tree, api_for):
    ministry, agency, _other = tree
    auditor = member("auditor", ministry)
    exporter = member("admin", agency)
    export_file(person=exporter, organisation=agency, kind="organisations", fmt="xlsx")
    client = api_for(auditor)
    body = client.get(
        f"/api/v1/organisations/{ministry.slug}/audit-entries?event=register_exported"
    ).json()
    assert [(r["event"], r["personEmail"], r["organisation"]) for r in body["results"]] == [
        ("register_exported", exporter.email, agency.slug)
    ]
    # Entries without a person (roles granted by the command line) are listed too.
    everything = client.get(f"/api/v1/organisations/{ministry.slug}/audit-entries").json()
    granted = [r for r in everything["results"] if r["event"] == "role_granted"]
    assert len(granted) == 2 and {r["personEmail"] for r in granted} == {None}
    bad = client.get(f"/api/v1/organisations/{ministry.slug}/audit-entries?event=AAA")
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"


def test_exports_neutralise_formulas(tree):
    ministry, _agency, _other = tree
    auditor = member("auditor", ministry)
    person = member("viewer", ministry, PersonFactory(email="=1+2@omslag.test"))
    audit.record("sign_in_failed", person=person, detail={"@sum(a1)": "x"})
    client = Client()
    client.force_login(auditor)
    url = f"/organisations/{ministry.slug}/audit/export?event=sign_in_failed"
    content = client.get(url + "&format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == ["when", "event", "person", "organisation", "detail"]
    assert rows[1][1:] == ["sign_in_failed", "'=1+2@omslag.test", "", "'@sum(a1): x"]
    response = client.get(url + "&format=xlsx")
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value or "" for c in sheet[2]][1:] == rows[1][1:]


def test_page_filters_by_event_and_person_and_pages(tree):
    ministry, _agency, _other = tree
    auditor = member("auditor", ministry)
    people = [member("viewer", ministry) for _ in range(3)]
    for person in people:
        api_token_issue(person=person, name="t")
    client = Client()
    client.force_login(auditor)
    url = f"/organisations/{ministry.slug}/audit"
    page = client.get(url, {"event": "token_created", "person": people[1].email})
    assert page.context["page"].paginator.count == 1
    assert page.context["page"][0].person == people[1]
    # 4 roles granted (the auditor and 3 viewers), 3 tokens created, the auditor's sign-in
    assert client.get(url).context["page"].paginator.count == 4 + 3 + 1


def test_the_page_costs_the_same_queries_for_few_and_many_entries(tree):
    ministry, agency, _other = tree
    auditor = member("auditor", ministry)
    client = Client()
    client.force_login(auditor)
    url = f"/organisations/{ministry.slug}/audit"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(30):
        person = member("viewer", agency)
        api_token_issue(person=person, name=f"t{number}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).context["page"].paginator.count > 60
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_whole_installation_s_log_is_for_platform_administrators(tree, platform_admin):
    ministry, _agency, _other = tree
    Client().post("/login", {"username": "niemand@omslag.test", "password": "x"})
    admin = Client()
    admin.force_login(platform_admin)
    page = admin.get("/audit", {"event": "sign_in_failed"})
    assert [e.detail["sign_in_name"] for e in page.context["page"]] == ["niemand@omslag.test"]
    export = admin.get("/audit/export", {"event": "sign_in_failed", "format": "csv"})
    assert "niemand@omslag.test" in export.content.decode("utf-8-sig")
    # Not in any organisation's log, and not for an organisation's administrator.
    organisation_admin = Client()
    organisation_admin.force_login(member("admin", ministry))
    ministry_log = organisation_admin.get(f"/organisations/{ministry.slug}/audit")
    assert "niemand@omslag.test" not in ministry_log.content.decode()
    assert organisation_admin.get("/audit").status_code == 403
    assert organisation_admin.get("/audit/export").status_code == 403


def test_restoring_a_deleted_membership_is_recorded_as_a_role_granted(tree, platform_admin):
    ministry, _agency, _other = tree
    person = PersonFactory(email="terug@omslag.test")
    membership = organisation_services.membership_create(
        actor=platform_admin, person=person, organisation=ministry, role="editor"
    )
    first = membership.history.earliest().history_id
    organisation_services.membership_delete(
        actor=platform_admin, membership=membership, expected_version=membership.version
    )
    record = Membership.all_objects.get(pk=membership.pk)
    organisation_services.membership_restore(actor=platform_admin, record=record, history_id=first)
    entry = AuditEntry.objects.filter(organisation=ministry).first()
    assert (entry.event, entry.person, entry.detail) == (
        "role_granted",
        platform_admin,
        {"member": "terug@omslag.test", "role": "editor", "restored": "yes"},
    )


def test_an_export_in_an_external_standard_is_recorded(tree, tmp_path):
    _ministry, _agency, municipality = tree
    out = tmp_path / "register.json"
    call_command(
        "export", "algorithms", "--format", "json", "--standard", "algoritmeregister",
        "--org", municipality.slug, "-o", str(out),
    )  # fmt: skip
    entry = AuditEntry.objects.get(event="register_exported")
    assert (entry.organisation, entry.person) == (municipality, None)
    assert entry.detail == {
        "kind": "algorithms",
        "standard": "algoritmeregister",
        "format": "json",
        "rows": "0",
    }
