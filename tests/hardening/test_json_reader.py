"""JSON nested 100,000 deep and keys given twice: refused with what and where, by the one
JSON reader, in every way in: import files (service, API, web, command line), request bodies
and questionnaire files."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from omslag.common.jsonreader import JsonProblem, load_json
from omslag.common.tabular.formats import FileProblem
from omslag.exchange import services
from omslag.organisations.models import Organisation
from omslag.safeguards.definitions import TemplateFileInvalid, read_yaml

DEEP = ("[" * 100_000 + "]" * 100_000).encode()
DUPLICATE = b'[{"slug": "a", "name": "A", "kind": "other"},\n {"slug": "b", "slug": "c"}]'


def test_nesting_is_limited_before_parsing():
    with pytest.raises(JsonProblem, match="nested more than 64 levels deep.*line 1, column 65"):
        load_json(DEEP)
    assert load_json("[" * 64 + "]" * 64) is not None


def test_brackets_inside_strings_do_not_count():
    assert load_json('{"a": "' + "[" * 1000 + '"}') == {"a": "[" * 1000}


def test_duplicate_keys_are_named_with_their_place():
    with pytest.raises(JsonProblem) as refused:
        load_json(DUPLICATE)
    assert refused.value.message == 'The key "slug" appears twice in the object at $[1].'
    with pytest.raises(JsonProblem, match=r'"x" appears twice in the object at \$\.a\.b\[0\]'):
        load_json('{"a": {"b": [{"x": 1, "x": 2}]}}')


def test_malformed_json_says_line_and_column():
    with pytest.raises(JsonProblem, match="line 2, column 9"):
        load_json('[\n  {"a": }]')


def test_service_import_refuses_deep_and_duplicated_json(tree):
    ministry, *_ = tree
    for content, message in ((DEEP, "nested more than"), (DUPLICATE, '"slug" appears twice')):
        with pytest.raises(FileProblem, match=message):
            services.import_file(
                actor=None,
                organisation=ministry,
                kind="organisations",
                stream=io.BytesIO(content),
                filename="orgs.json",
            )
    assert not Organisation.objects.filter(slug__in=["a", "b", "c"]).exists()


def test_api_import_answers_422_problem_json(tree, make_member, api_for):
    ministry, *_ = tree
    client = api_for(make_member("admin", ministry))
    response = client.post(
        "/api/v1/imports",
        {
            "organisation": ministry.slug,
            "kind": "organisations",
            "file": SimpleUploadedFile("orgs.json", DEEP),
        },
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "nested more than 64" in response.json()["detail"]


def test_api_request_body_answers_400_problem_json(tree, make_member, api_for):
    ministry, *_ = tree
    client = api_for(make_member("admin", ministry))
    for body, message in ((DEEP, "nested more than 64"), (b'{"a": 1, "a": 2}', '"a" appears')):
        response = client.post(
            "/api/v1/organisations",
            body,
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 400, body[:20]
        assert response["Content-Type"] == "application/problem+json"
        assert message in response.json()["detail"]


def test_web_upload_shows_the_problem(tree, make_member):
    ministry, *_ = tree
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(make_member("admin", ministry))
    response = client.post(
        f"/organisations/{ministry.slug}/import",
        {"kind": "organisations", "file": SimpleUploadedFile("o.json", DEEP), "mapping": ""},
    )
    page = client.get(response["Location"]) if response.status_code == 302 else response
    assert page.status_code == 200
    assert "nested more than 64 levels deep" in page.content.decode()


def test_command_line_gives_a_clear_message(tree, tmp_path):
    ministry, *_ = tree
    path = tmp_path / "orgs.json"
    path.write_bytes(DUPLICATE)
    with pytest.raises(CommandError, match=r'"slug" appears twice in the object at \$\[1\]'):
        call_command("import", "organisations", str(path), "--org", ministry.slug)


def test_questionnaire_files_have_the_same_limits():
    with pytest.raises(TemplateFileInvalid, match="nested more than 64"):
        read_yaml(io.BytesIO(DEEP))
    with pytest.raises(TemplateFileInvalid, match="nested more than 64"):
        read_yaml(io.BytesIO(b"a: " + b"[" * 5000 + b"]" * 5000))
    with pytest.raises(TemplateFileInvalid, match="line 2, column 1: the key 'name' appears twice"):
        read_yaml(io.BytesIO(b"name: a\nname: b\n"))
    with pytest.raises(TemplateFileInvalid, match='"name" appears twice'):
        read_yaml(io.BytesIO(b'{"name": "a", "name": "b"}'))
    assert read_yaml(io.BytesIO(b"name: a\nitems: [1, 2]\n")) == {"name": "a", "items": [1, 2]}
