"""The scan's content: six dimensions with three or four statements each, in Dutch and
English; a broken content file is refused with the place of the problem."""

import pytest
from django.utils import translation

from omslag.maturity.scan import current_scan, scan_parse

OECD_DIMENSIONS = ["design", "data", "platform", "open", "user", "proactive"]


def test_six_dimensions_with_three_or_four_statements_in_both_languages():
    scan = current_scan()
    assert [d.code for d in scan.dimensions] == OECD_DIMENSIONS
    for dimension in scan.dimensions:
        assert 3 <= len(dimension.statements) <= 4
        for statement in dimension.statements:
            assert (
                statement.text_nl and statement.text_en and statement.text_nl != statement.text_en
            )
    with translation.override("en"):
        assert scan.dimensions[0].label == "Digital by design"
    with translation.override("nl"):
        assert scan.dimensions[0].label == "Digitaal by design"


def test_a_statement_without_english_text_is_refused_with_its_place():
    document = {
        "key": "x",
        "version": "1",
        "dimensions": [
            {
                "code": "a",
                "label": "A",
                "label_en": "A",
                "statements": [{"code": "a-1", "text": "Tekst"}],
            }
        ],
    }
    with pytest.raises(ValueError, match=r"dimensions\[0\]\.statements\[0\]\.text_en"):
        scan_parse(document)
