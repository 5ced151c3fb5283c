"""The leak test: a unique marker sits in every field that must never be public (drafts,
internal notes, personal data, internal challenges, ideas, budgets, reviewers, applications,
spend lines, unpublished versions, assessment answers and risks, citizens' proposals with their
names and e-mail addresses). Everything publishable is published, one record is corrected
and one withdrawn; then the whole public site, every public API answer and every download is
crawled, and the marker appears nowhere."""

import io
import re
import zipfile
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.cache import cache

from omslag.innovation.models import Challenge
from omslag.participation import services as participation_services
from omslag.participation import tokens
from omslag.projects import services as project_services
from omslag.projects.models import Project
from omslag.publication import services
from omslag.publication.models import Kind

from .conftest import MARKER

pytestmark = pytest.mark.django_db

START = [
    "/open/",
    "/open/datasets",
    "/api/v1/open/organisations",
    "/api/v1/open/datasets",
    "/api/v1/open/datasets/dcat",
]
PUBLIC = ("/open/", "/api/v1/open/")
HREF = re.compile(r'href="([^"#]+)')


def _text(response) -> str:
    content = response.content
    if content[:2] == b"PK":  # XLSX and ODS are zip files of XML
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return content.decode("utf-8", "replace")


def _links(url: str, text: str, content_type: str) -> list[str]:
    if "html" in content_type:
        found = [h.replace("&amp;", "&") for h in HREF.findall(text)]
    elif "json" in content_type:
        found = re.findall(r'"(https?://testserver/[^"]+|/(?:open|api/v1/open)/[^"]*)"', text)
    else:
        return []
    links = []
    for href in found:
        absolute = urljoin(f"http://testserver{url}", href)
        parts = urlsplit(absolute)
        if parts.netloc == "testserver" and parts.path.startswith(PUBLIC):
            links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def crawl(client) -> dict[str, str]:
    seen, queue, pages = set(START), deque(START), {}
    while queue:
        url = queue.popleft()
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="nl")
        assert response.status_code in (200, 404), (url, response.status_code)
        text = _text(response)
        pages[url] = text
        for link in _links(url, text, response.get("Content-Type", "")):
            if link not in seen and len(seen) < 3000:
                seen.add(link)
                queue.append(link)
    return pages


def test_no_private_field_reaches_the_public_side(client, org, registers, editor, admin):
    cache.clear()
    for kind, source_id in registers.items():
        services.publication_approve(
            actor=admin,
            publication=services.publication_propose(
                actor=editor, organisation=org, kind=kind, source_id=source_id
            ),
        )
    project = Project.objects.get(pk=registers[Kind.PROJECT])
    project_services.project_update(
        actor=editor, project=project, expected_version=project.version, goal="Nog sneller."
    )
    services.publication_publish_now(organisation=org, kind=Kind.PROJECT, source_id=project.pk)
    services.publication_withdraw(
        actor=admin,
        organisation=org,
        kind=Kind.LESSON,
        source_id=registers[Kind.LESSON],
        reason="Verkeerd experiment gekoppeld.",
    )
    # A citizen's proposal to the public challenge: name and e-mail address stay private.
    proposal = participation_services.proposal_submit(
        challenge=Challenge.objects.get(pk=registers[Kind.CHALLENGE]),
        base_url="http://testserver",
        title="Afvalbakken met pedaal",
        text=f"Voorstel {MARKER}",
        name=f"Burger {MARKER}",
        name_public=False,
        organisation_type="citizen",
        email=f"{MARKER.lower()}@burger.example",
    )
    participation_services.proposal_confirm(
        token=tokens.confirm_token(proposal),
        base_url="http://testserver",
    )
    # A proposal waiting for approval is not public either.
    project_services.project_update(
        actor=editor,
        project=project,
        expected_version=project.version,
        goal=f"Ongepubliceerd {MARKER}",
    )
    services.publication_propose(
        actor=editor, organisation=org, kind=Kind.PROJECT, source_id=project.pk
    )

    pages = crawl(client)

    kinds_seen = {
        segment
        for url in pages
        for segment in ("projects", "experiments", "algorithms", "challenges", "balance-years")
        if f"/{segment}/" in url
    }
    assert kinds_seen == {"projects", "experiments", "algorithms", "challenges", "balance-years"}
    for fmt in ("csv", "xlsx", "ods", "json"):
        assert any(url.endswith(f"/download/{fmt}") for url in pages), fmt
    assert any("version=1" in url for url in pages)
    assert any(url.endswith("/notice") for url in pages)
    assert any("/api/v1/open/organisations/wadderveen/projects/" in url for url in pages)
    assert len(pages) > 40
    # The public side shows the published facts...
    everything = "\n".join(pages.values())
    assert "Hoe krijgen we de stranden schoon?" in everything
    assert "Nog sneller." in everything
    assert "Verkeerd experiment gekoppeld." in everything
    # ...and never the marker.
    leaks = [url for url, text in pages.items() if MARKER in text or MARKER.lower() in text]
    assert leaks == []
