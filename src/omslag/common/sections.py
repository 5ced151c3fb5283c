"""The sections of an organisation's page: each app registers the links to its registers
(in its ``registrations.py``), so a new app plugs in without editing another app's template.
Sections and links appear in the order of their ``order``."""

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class RegisterLink:
    """A link to one register: ``url_name`` takes the organisation's slug unless
    ``per_organisation`` is false (a page of the whole installation)."""

    section: str
    url_name: str
    label: Any
    description: Any
    order: int
    per_organisation: bool = True

    def url(self, organisation: Any) -> str:
        args = [organisation.slug] if self.per_organisation else []
        return reverse(self.url_name, args=args)


@dataclass(frozen=True)
class Section:
    """A heading of the organisation page; ``key`` is its anchor (``#innovation``)."""

    key: str
    title: Any
    order: int
    links: list[RegisterLink] = field(default_factory=list)


_SECTIONS: dict[str, Section] = {}


def organisation_section_register(key: str, title: Any, order: int) -> None:
    _SECTIONS[key] = Section(key, title, order, _SECTIONS[key].links if key in _SECTIONS else [])


def organisation_link_register(link: RegisterLink) -> None:
    """Add ``link`` to its section (registered before or after, by whichever app owns it)."""
    if link.section not in _SECTIONS:
        _SECTIONS[link.section] = Section(link.section, link.section, 1_000)
    links = _SECTIONS[link.section].links
    links[:] = [known for known in links if known.url_name != link.url_name]
    links.append(link)


def organisation_sections(organisation: Any) -> list[dict[str, Any]]:
    """The sections with their links for ``organisation``, ready for the template."""
    return [
        {
            "key": section.key,
            "title": section.title,
            "links": [
                {"url": link.url(organisation), "label": link.label, "text": link.description}
                for link in sorted(section.links, key=lambda link: link.order)
            ],
        }
        for section in sorted(_SECTIONS.values(), key=lambda section: section.order)
        if section.links
    ]
