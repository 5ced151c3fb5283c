"""Charts with more marks than a reader can see are aggregated: the picture stays small
whatever the number of points, and the aggregated totals are the data's."""

import random
import re
from collections import Counter, defaultdict

import pytest

from omslag.common import charts
from omslag.common.chartbins import (
    BARS_MAX,
    SCATTER_MARKS_MAX,
    grid_cells,
    score_cells,
    top_with_rest,
)

GROUPS = [
    charts.Group("invest", "Invest", charts.GREEN, "o"),
    charts.Group("tolerate", "Tolerate", charts.LIGHT_BLUE, "s"),
    charts.Group("migrate", "Migrate", charts.ORANGE, "^"),
    charts.Group("eliminate", "Eliminate", charts.MAGENTA, "D"),
]
LIMIT = 100_000  # bytes of SVG, whatever the number of points
pytestmark = pytest.mark.django_db  # drawn charts are kept in the (database) cache


def random_points(count: int, seed: int = 7) -> list[charts.Point]:
    rng = random.Random(seed)
    return [
        charts.Point(
            key=i,
            x=rng.randint(1, 5),
            y=rng.randint(1, 5),
            size=float(rng.randint(0, 900_000)),
            group=rng.choice(GROUPS).key,
        )
        for i in range(count)
    ]


def time_svg(points) -> str:
    return charts.scatter_quadrants(
        name="time",
        points=points,
        groups=GROUPS,
        x_label="condition",
        y_label="value",
        divider=2.5,
        quadrant_labels=[(1.5, 4.6, "Migrate"), (4.0, 4.6, "Invest"), (1.5, 1.4, "Eliminate")],
        size_legend=[(100_000.0, "€ 100,000")],
        size_legend_title="Run cost",
        count_legend_title="Applications per marker",
    ).svg


def test_score_cells_keep_every_count_and_size():
    points = random_points(5_000)
    cells = score_cells(points)
    counts: Counter = Counter()
    sizes: defaultdict = defaultdict(float)
    for p in points:
        counts[(p.group, p.x, p.y)] += 1
        sizes[(p.group, p.x, p.y)] += p.size
    assert len(cells) == len(counts) <= 4 * 25
    for cell in cells:
        assert cell.count == counts[(cell.group, cell.x, cell.y)]
        assert cell.size == pytest.approx(sizes[(cell.group, cell.x, cell.y)])
    assert sum(c.count for c in cells) == 5_000


@pytest.mark.parametrize("count", [SCATTER_MARKS_MAX + 1, 2_000, 20_000])
def test_the_time_scatter_stays_small_and_shows_the_counts(count):
    points = random_points(count)
    svg = time_svg(points)
    assert len(svg.encode()) < LIMIT
    # matplotlib writes every text as a comment before its glyphs: the legend's totals per
    # group and the number beside each marker, counted here from the points themselves.
    texts = re.findall(r"<!-- (.*?) -->", svg)
    per_group = Counter(p.group for p in points)
    for group in GROUPS:
        assert f"{group.label} ({per_group[group.key]})" in texts
    per_cell = Counter((p.group, p.x, p.y) for p in points)
    numbers = sorted(int(t) for t in texts if t.isdigit())
    assert sum(sorted(per_cell.values())) == count
    assert all(str(n) in texts for n in per_cell.values())
    assert len(numbers) >= len(per_cell)


def test_a_few_points_stay_points():
    svg = time_svg(random_points(SCATTER_MARKS_MAX))
    assert len(svg.encode()) < LIMIT  # the most points drawn one by one
    texts = re.findall(r"<!-- (.*?) -->", svg)
    assert "Invest" in texts and "Run cost" in texts and "Applications per marker" not in texts


def test_top_with_rest_keeps_the_largest_in_order_and_sums_the_rest():
    values = [random.Random(3).randint(0, 1000) for _ in range(60)]
    kept, rest = top_with_rest(values)
    assert len(kept) == BARS_MAX - 1 and kept == sorted(kept)
    assert sorted(kept + rest) == list(range(60))
    assert min(values[i] for i in kept) >= max(values[i] for i in rest)
    assert top_with_rest([3, 1, 2]) == ([0, 1, 2], [])


def test_a_long_bar_chart_shows_the_top_and_the_rest():
    labels = [f"org {i}" for i in range(200)]
    values = list(range(200))
    svg = charts.funnel_bars(
        name="bars", labels=labels, values=values, notes=[""] * 200, x_label="n"
    ).svg
    texts = re.findall(r"<!-- (.*?) -->", svg)
    expected_rest = sum(range(200 - (BARS_MAX - 1)))  # all but the 14 largest
    assert "the rest (186 more)" in texts
    assert str(expected_rest) in texts
    assert "org 199" in texts and "org 185" not in texts
    assert len(svg.encode()) < LIMIT


def project_svg(points) -> str:
    return charts.scatter_with_lines(
        name="scatter",
        points=points,
        groups=GROUPS,
        x_lines=[charts.ReferenceLine(12, "red: 12 months", charts.RED, "--")],
        y_lines=[charts.ReferenceLine(25, "red: +25%", charts.RED, "--")],
        x_label="months",
        y_label="cost change",
        y_symlog_from=100,
        count_legend_title="Projects per marker",
    ).svg


def continuous_points(count: int, seed: int = 5) -> list[charts.Point]:
    rng = random.Random(seed)
    return [
        charts.Point(
            key=i,
            x=rng.uniform(-6, 60),
            y=rng.lognormvariate(3, 1.5) - 20,
            size=1.0,
            group=rng.choice(GROUPS).key,
        )
        for i in range(count)
    ]


@pytest.mark.parametrize("count", [2_000, 20_000])
def test_a_continuous_scatter_stays_small_and_keeps_its_totals(count):
    points = continuous_points(count)
    cells = grid_cells(points, y_linear_to=100)
    per_group = Counter(p.group for p in points)
    for group in GROUPS:
        assert sum(c.count for c in cells if c.group == group.key) == per_group[group.key]
    assert len(cells) <= 12 * 8 * len(GROUPS)
    # each cell sits at the mean of its points: the weighted means give back the overall mean
    assert sum(c.x * c.count for c in cells) / count == pytest.approx(
        sum(p.x for p in points) / count
    )
    svg = project_svg(points)
    assert len(svg.encode()) < LIMIT
    texts = re.findall(r"<!-- (.*?) -->", svg)
    for group in GROUPS:
        assert f"{group.label} ({per_group[group.key]})" in texts
    assert "Projects per marker" in texts


def test_a_few_continuous_points_stay_points():
    svg = project_svg(continuous_points(SCATTER_MARKS_MAX))
    assert len(svg.encode()) < LIMIT
    texts = re.findall(r"<!-- (.*?) -->", svg)
    assert "Projects per marker" not in texts
