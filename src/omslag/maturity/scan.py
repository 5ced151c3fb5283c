"""The scan's content: six dimensions with their statements, read once from
``content/scan.yaml`` and checked, without the database. Texts are Dutch with English next to
them; ``label()`` and ``text()`` pick the language of the request."""

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.utils.translation import get_language

SCAN_FILE = Path(__file__).parent / "content" / "scan.yaml"
SCORES = (1, 2, 3, 4, 5)
EVIDENCE_MAX = 500


def _english() -> bool:
    return (get_language() or "nl").startswith("en")


@dataclass(frozen=True)
class Statement:
    code: str
    dimension: str
    text_nl: str
    text_en: str

    @property
    def text(self) -> str:
        return self.text_en if _english() else self.text_nl


@dataclass(frozen=True)
class Dimension:
    code: str
    label_nl: str
    label_en: str
    statements: tuple[Statement, ...]

    @property
    def label(self) -> str:
        return self.label_en if _english() else self.label_nl


@dataclass(frozen=True)
class Scan:
    key: str
    version: str
    dimensions: tuple[Dimension, ...]

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(s for d in self.dimensions for s in d.statements)

    def dimension(self, code: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.code == code), None)


def scan_parse(document: dict) -> Scan:
    """A Scan from the YAML document; a ValueError names what is wrong and where."""
    dimensions = []
    seen: set[str] = set()
    for index, raw in enumerate(document.get("dimensions") or []):
        statements = []
        for position, item in enumerate(raw.get("statements") or []):
            where = f"dimensions[{index}].statements[{position}]"
            for key in ("code", "text", "text_en"):
                if not str(item.get(key) or "").strip():
                    raise ValueError(f"{where}.{key} is missing")
            if item["code"] in seen:
                raise ValueError(f"{where}.code {item['code']!r} is used twice")
            seen.add(item["code"])
            statements.append(Statement(item["code"], raw["code"], item["text"], item["text_en"]))
        if not 3 <= len(statements) <= 4:
            raise ValueError(f"dimensions[{index}] needs three or four statements")
        dimensions.append(Dimension(raw["code"], raw["label"], raw["label_en"], tuple(statements)))
    if len(dimensions) != 6:
        raise ValueError("the scan needs the six dimensions of the framework")
    return Scan(str(document["key"]), str(document["version"]), tuple(dimensions))


@functools.cache
def current_scan() -> Scan:
    return scan_parse(yaml.safe_load(SCAN_FILE.read_text(encoding="utf-8")))
