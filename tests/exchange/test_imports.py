"""Imports are all-or-nothing with a per-row report; exports read back to the same data."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from omslag.exchange import services
from omslag.exchange.models import ImportJob
from omslag.organisations.models import Membership, Organisation


def csv_bytes(text: str) -> bytes:
    return text.encode()


def run(kind, content, org, actor=None, name="file.csv", dry_run=False, mapping=None):
    return services.import_file(
        actor=actor,
        organisation=org,
        kind=kind,
        stream=io.BytesIO(content),
        filename=name,
        dry_run=dry_run,
        mapping=mapping,
    )


GOOD = "slug,name,kind,parent\nafdeling-a,Afdeling A,other,\nteam-a1,Team A1,other,afdeling-a\n"


def test_import_creates_children_in_order_and_keeps_history(tree):
    ministry, _agency, _municipality = tree
    report = run("organisations", csv_bytes(GOOD), ministry)
    assert report.ok and report.created == 2
    team = Organisation.objects.get(slug="team-a1")
    assert team.parent.slug == "afdeling-a"
    assert team.path.startswith(ministry.path)
    assert team.history.count() == 1


def test_dry_run_saves_nothing(tree):
    ministry, *_ = tree
    report = run("organisations", csv_bytes(GOOD), ministry, dry_run=True)
    assert report.ok and report.created == 2
    assert not Organisation.objects.filter(slug__in=["afdeling-a", "team-a1"]).exists()


def test_bad_rows_are_all_reported_and_nothing_is_saved(tree):
    ministry, _agency, municipality = tree
    content = (
        "slug,name,kind,parent\n"
        "goed,Goed,other,\n"  # row 2: fine
        "Fout Slug,Fout,other,\n"  # row 3: slug format
        "onbekend,Onbekend,spaceship,\n"  # row 4: unknown kind
        f"{municipality.slug},Gemeente,other,\n"  # row 5: slug of another organisation
        "wees,Wees,other,nergens\n"  # row 6: unknown parent
        "goed,Dubbel,other,\n"  # row 7: duplicate of row 2
        "leeg,,other,\n"  # row 8: name missing
    )
    report = run("organisations", csv_bytes(content), ministry)
    assert not report.ok
    found = {(p.row, p.column) for p in report.problems}
    assert found == {(4, "kind"), (5, "slug"), (6, "parent"), (7, "slug"), (8, "name"), (3, "slug")}
    by_row = {p.row: p for p in report.problems}
    assert by_row[4].value == "spaceship" and "use one of" in by_row[4].reason
    assert "row 2" in by_row[7].reason
    assert not Organisation.objects.filter(slug="goed").exists()


def test_unknown_and_missing_columns_are_reported_on_row_1(tree):
    ministry, *_ = tree
    report = run("organisations", csv_bytes("slug,naam,kind\nx,X,other\n"), ministry)
    assert {(p.row, p.column) for p in report.problems} == {(1, "naam"), (1, "name")}


def test_a_saved_mapping_imports_another_systems_columns(tree):
    ministry, *_ = tree
    mapping = services.column_mapping_save(
        actor=None,
        organisation=ministry,
        kind="organisations",
        name="oud-systeem",
        columns={"Code": "slug", "Naam": "name", "Soort": "kind", "Opmerking": ""},
    )
    content = "Code;Naam;Soort;Opmerking\nx-1;X één;other;genegeerd\n".encode("cp1252")
    report = run("organisations", content, ministry, mapping=mapping)
    assert report.ok, report.problems
    assert Organisation.objects.get(slug="x-1").name == "X één"


def test_mapping_to_an_unknown_column_is_refused(tree):
    ministry, *_ = tree
    from omslag.common.errors import RuleViolation

    with pytest.raises(RuleViolation, match="naam"):
        services.column_mapping_save(
            actor=None,
            organisation=ministry,
            kind="organisations",
            name="fout",
            columns={"Naam": "naam"},
        )


def test_html_in_text_is_stored_as_text_and_escaped_on_pages(tree, make_member):
    ministry, *_ = tree
    content = "slug,name,kind,description\nxss,<script>alert(1)</script>,other,<b>vet</b>\n"
    assert run("organisations", csv_bytes(content), ministry).ok
    organisation = Organisation.objects.get(slug="xss")
    assert organisation.name == "<script>alert(1)</script>"
    client = Client()
    client.force_login(make_member("viewer", ministry))
    page = client.get("/organisations/xss").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_export_and_reimport_round_trip_changes_nothing(tree, make_member):
    ministry, *_ = tree
    run("organisations", csv_bytes(GOOD), ministry)
    make_member("editor", ministry)
    viewer = make_member("viewer", ministry)
    for fmt in ("csv", "xlsx", "ods", "json"):
        for kind in ("organisations", "memberships"):
            exported = services.export_file(
                person=viewer, organisation=ministry, kind=kind, fmt=fmt
            )
            report = run(kind, exported.content, ministry, name=f"x.{fmt}")
            assert report.ok, (fmt, kind, report.problems)
            assert report.created == 0 and report.updated == 0, (fmt, kind)


def test_export_contains_only_the_subtree(tree, make_member):
    ministry, agency, municipality = tree
    viewer = make_member("viewer", ministry)
    exported = services.export_file(
        person=viewer, organisation=ministry, kind="organisations", fmt="json"
    )
    assert {row["slug"] for row in json.loads(exported.content)} == {ministry.slug, agency.slug}


def test_membership_import_creates_people_without_password(tree):
    ministry, agency, _ = tree
    content = "email,role,organisation,full_name\nNIEUW@omslag.test,editor,agentschap,Nieuw Mens\n"
    report = run("memberships", csv_bytes(content), ministry)
    assert report.ok
    membership = Membership.objects.get(person__email="nieuw@omslag.test")
    assert membership.organisation == agency and membership.role == "editor"
    assert not membership.person.has_usable_password()


def test_membership_import_refuses_foreign_organisation_and_bad_email(tree):
    ministry, _agency, municipality = tree
    content = (
        f"email,role,organisation\nx@omslag.test,viewer,{municipality.slug}\nnot-an-email,viewer,\n"
    )
    report = run("memberships", csv_bytes(content), ministry)
    assert {(p.row, p.column) for p in report.problems} == {(2, "organisation"), (3, "email")}
    assert not Membership.objects.filter(person__email="x@omslag.test").exists()


# --- the web flow: upload → preview with errors → confirm ---------------------------------


def upload(client, org, content, name="orgs.csv", kind="organisations"):
    return client.post(
        f"/organisations/{org.slug}/import",
        {"kind": kind, "file": SimpleUploadedFile(name, content), "mapping": ""},
    )


def test_web_upload_preview_and_confirm(tree, make_member):
    ministry, *_ = tree
    client = Client()
    client.force_login(make_member("admin", ministry))
    response = upload(client, ministry, csv_bytes(GOOD))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == "checked"
    preview = client.get(response["Location"]).content.decode()
    assert "Nu importeren" in preview
    assert not Organisation.objects.filter(slug="afdeling-a").exists()
    confirm = client.post(f"/imports/{job.pk}/confirm")
    assert confirm.status_code == 302
    assert Organisation.objects.filter(slug="afdeling-a").exists()
    job.refresh_from_db()
    assert job.status == "imported"
    # Confirming twice does not import twice.
    client.post(f"/imports/{job.pk}/confirm")
    assert Organisation.objects.filter(slug="afdeling-a").count() == 1


def test_web_preview_lists_problems_by_row_and_column(tree, make_member):
    ministry, *_ = tree
    client = Client()
    client.force_login(make_member("admin", ministry))
    response = upload(client, ministry, csv_bytes("slug,name,kind\nx,X,spaceship\n"))
    page = client.get(response["Location"]).content.decode()
    assert "spaceship" in page and '<td class="number">2</td>' in page
    job = ImportJob.objects.get()
    assert client.post(f"/imports/{job.pk}/confirm").status_code == 302
    assert not Organisation.objects.filter(slug="x").exists()


def test_web_mapping_form_saves_mapping_and_rechecks(tree, make_member):
    ministry, *_ = tree
    client = Client()
    client.force_login(make_member("admin", ministry))
    response = upload(client, ministry, csv_bytes("Code,Naam,Soort\ny-1,Y,other\n"))
    job = ImportJob.objects.get()
    assert job.status == "problems"
    client.post(
        response["Location"],
        {"name": "ander-systeem", "column_0": "slug", "column_1": "name", "column_2": "kind"},
    )
    job.refresh_from_db()
    assert job.status == "checked" and job.mapping.name == "ander-systeem"


def test_web_upload_of_too_large_file_names_the_limit(tree, make_member, settings):
    ministry, *_ = tree
    settings.IMPORT_MAX_BYTES = 10
    client = Client()
    client.force_login(make_member("admin", ministry))
    response = upload(client, ministry, csv_bytes(GOOD))
    assert response.status_code == 200
    assert "MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_viewer_may_not_import(tree, make_member):
    ministry, *_ = tree
    client = Client()
    client.force_login(make_member("viewer", ministry))
    assert upload(client, ministry, csv_bytes(GOOD)).status_code == 403
    assert not ImportJob.objects.exists()


def test_web_export_download(tree, make_member):
    ministry, *_ = tree
    client = Client()
    client.force_login(make_member("viewer", ministry))
    response = client.get(f"/organisations/{ministry.slug}/export?kind=organisations&format=csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="organisations-ministerie'
    )
    # Sent as it is written (a streamed answer), not built whole first.
    assert response.streaming
    assert b"slug,name,kind,parent,description" in b"".join(response.streaming_content)


# --- the command line ------------------------------------------------------------------


def test_cli_import_prints_row_errors_and_exits_non_zero(tree, tmp_path, capsys):
    ministry, *_ = tree
    path = tmp_path / "orgs.csv"
    path.write_text("slug,name,kind\nx,X,spaceship\n")
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import", "organisations", str(path), "--org", ministry.slug)
    assert "row 2, column kind (value 'spaceship')" in capsys.readouterr().err
    assert not Organisation.objects.filter(slug="x").exists()


def test_cli_import_dry_run_and_real_run(tree, tmp_path, capsys):
    ministry, *_ = tree
    path = tmp_path / "orgs.csv"
    path.write_text(GOOD)
    call_command("import", "organisations", str(path), "--org", ministry.slug, "--dry-run")
    assert "Would import 2 row(s): 2 created" in capsys.readouterr().out
    assert not Organisation.objects.filter(slug="afdeling-a").exists()
    call_command("import", "organisations", str(path), "--org", ministry.slug)
    assert Organisation.objects.filter(slug="afdeling-a").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["import", "spaceships", "x.csv", "--org", "ministerie"], "Unknown kind"),
        (["import", "organisations", "missing.csv", "--org", "ministerie"], "No such file"),
        (["export", "organisations", "--org", "nergens"], "Unknown organisation"),
    ],
)
def test_cli_errors_are_clear(tree, args, message):
    with pytest.raises(CommandError, match=message):
        call_command(*args)


def test_cli_export_to_file(tree, tmp_path):
    ministry, *_ = tree
    out = tmp_path / "orgs.xlsx"
    call_command(
        "export", "organisations", "--org", ministry.slug, "--format", "xlsx", "-o", str(out)
    )
    import openpyxl

    sheet = openpyxl.load_workbook(out).active
    assert [c.value for c in sheet[1]] == ["slug", "name", "kind", "parent", "description"]
    assert sheet.max_row == 3  # header, ministry, agency


def test_a_large_organisation_import_is_bulk_with_correct_tree_and_history(
    tree, django_assert_max_num_queries
):
    """1,000 organisations three levels deep: every path and history row right, and the
    number of statements bounded by the levels and batches, not by the rows."""
    ministry, *_ = tree
    rows = ["slug,name,kind,parent,description"]
    for i in range(10):
        rows.append(f"dir-{i},Directie {i},other,,")
    for i in range(990):
        parent = f"dir-{i % 10}" if i < 90 else f"afd-{i % 90}"
        rows.append(f"afd-{i},Afdeling {i},other,{parent},omschrijving {i}")
    content = "\n".join(rows).encode()
    with django_assert_max_num_queries(40):
        report = run("organisations", content, ministry)
    assert report.ok, report.problems[:3]
    assert report.created == 1000
    made = {o.slug: o for o in Organisation.objects.filter(slug__regex=r"^(dir|afd)-")}
    assert len(made) == 1000
    for i in (0, 89, 90, 500, 989):
        organisation = made[f"afd-{i}"]
        expected_parent = f"dir-{i % 10}" if i < 90 else f"afd-{i % 90}"
        assert organisation.parent.slug == expected_parent
        # The path is the parent's path plus the organisation's own id.
        assert organisation.path == f"{made[expected_parent].path}{organisation.pk}/"
        assert organisation.path.startswith(ministry.path)
        assert organisation.description == f"omschrijving {i}"
    assert made["dir-3"].path == f"{ministry.path}{made['dir-3'].pk}/"
    histories = Organisation.history.filter(slug__regex=r"^(dir|afd)-")
    assert histories.count() == 1000
    assert set(histories.values_list("history_type", flat=True)) == {"+"}


def test_a_bad_row_in_a_large_import_saves_nothing(tree):
    ministry, _agency, municipality = tree
    rows = ["slug,name,kind,parent"] + [f"team-{i},Team {i},other," for i in range(300)]
    rows.append(f"{municipality.slug},Bezet,other,")  # row 302: a short name taken elsewhere
    report = run("organisations", "\n".join(rows).encode(), ministry)
    assert [(p.row, p.column) for p in report.problems] == [(302, "slug")]
    assert not Organisation.objects.filter(slug__startswith="team-").exists()


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunked saving as on SQLite, on any database: 100 rows first, then 50 per chunk."""
    from omslag.common.tabular import importing
    from omslag.organisations.registrations import OrganisationImport

    monkeypatch.setattr(importing, "_writes_lock_the_database", lambda: True)
    monkeypatch.setattr(importing, "CHUNK_PAUSE_SECONDS", 0)
    monkeypatch.setattr(importing, "CHUNK_SECONDS", 0)
    monkeypatch.setattr(OrganisationImport, "chunk_rows", 100)
    calls = []
    save_all = OrganisationImport.save_all

    def recording(self, rows, context, report):
        calls.append(len(rows))
        return save_all(self, rows, context, report)

    monkeypatch.setattr(OrganisationImport, "save_all", recording)
    return calls


def _three_levels(count):
    rows = ["slug,name,kind,parent"] + [f"top-{i},Top {i},other," for i in range(10)]
    for i in range(count - 10):
        parent = f"top-{i % 10}" if i < 50 else f"sub-{i % 50}"
        rows.append(f"sub-{i},Sub {i},other,{parent}")
    return "\n".join(rows).encode()


def test_a_large_import_saved_in_chunks_gives_the_same_tree(tree, small_chunks):
    ministry, *_ = tree
    report = run("organisations", _three_levels(350), ministry)
    assert report.ok, report.problems[:3]
    assert small_chunks == [100, 50, 50, 50, 50, 50]
    assert report.created == 350
    made = {o.slug: o for o in Organisation.objects.filter(slug__regex=r"^(top|sub)-")}
    assert len(made) == 350
    # sub-299 (saved in the last chunk) hangs below sub-49 (saved in the first).
    assert made["sub-299"].parent == made["sub-49"]
    assert made["sub-299"].path == f"{made['sub-49'].path}{made['sub-299'].pk}/"


def test_a_failure_after_the_checks_keeps_the_earlier_chunks_and_says_so(
    tree, small_chunks, monkeypatch
):
    from omslag.common.tabular.importing import RowProblem
    from omslag.organisations.registrations import OrganisationImport

    ministry, *_ = tree
    recording = OrganisationImport.save_all

    def failing_third(self, rows, context, report):
        if len(small_chunks) == 2:  # the third chunk: rows 152-201 of the file
            small_chunks.append(len(rows))
            report.add(RowProblem(rows[0][0], "", "", "the database refused"))
            return None
        return recording(self, rows, context, report)

    monkeypatch.setattr(OrganisationImport, "save_all", failing_third)
    report = run("organisations", _three_levels(350), ministry)
    assert not report.ok
    assert report.created == 150
    assert [p.row for p in report.problems] == [152, 152]
    assert "the rows before row 152 were saved" in report.problems[1].reason
    assert Organisation.objects.filter(slug__regex=r"^(top|sub)-").count() == 150


def test_a_file_without_a_name_is_refused_and_nothing_is_stored(tree):
    """mypy found that a file's name may be None (a django File made from a stream that has
    none): the import was stored under the name "None", which says nothing of its format. Now
    it is refused with a FileProblem before anything is stored."""
    from django.core.files import File

    from omslag.common.tabular.formats import FileProblem

    ministry, _agency, _municipality = tree
    upload = File(io.BytesIO(csv_bytes(GOOD)))
    assert upload.name is None
    for start in (services.import_queue, services.import_upload, services.import_job_check):
        with pytest.raises(FileProblem):
            start(actor=None, organisation=ministry, kind="organisations", upload=upload)
    assert not ImportJob.objects.exists()
