"""The spend analysis core stands on its own: no Django, and every public name documented."""

import subprocess
import sys
from pathlib import Path

import omslag.analysis.spend as spend

DOCS = Path(__file__).resolve().parents[3] / "docs" / "analysis-spend.md"


def test_importing_the_core_loads_nothing_of_django() -> None:
    code = (
        "import sys, omslag.analysis.spend; "
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_every_public_name_is_exported_and_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    undocumented = [name for name in spend.__all__ if f"`{name}" not in text]
    assert undocumented == []
    assert all(hasattr(spend, name) for name in spend.__all__)


def test_the_time_thresholds_in_the_docs_are_the_ones_in_the_code() -> None:
    from omslag.analysis.spend import time_position

    text = DOCS.read_text(encoding="utf-8")
    assert f"business value ≥ {time_position.HIGH_VALUE_THRESHOLD}" in text
    assert f"technical condition ≥ {time_position.GOOD_CONDITION_THRESHOLD}" in text
