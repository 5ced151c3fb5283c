"""A chart's layout is worked out once per frame (common.chartlayout) and reused: that may save
work, never change a picture. Each chart is drawn with no layout kept, then after another chart
of the same kind (other data) left its layout behind; the two pictures must be the same bytes.
"""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omslag.common import chartlayout, charts

from .test_chart_aggregation import GROUPS, random_points

SETTINGS = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def drawn(image, *, fresh: bool) -> str:
    """The picture, drawn now (not from the chart cache); ``fresh``: with no layout kept."""
    if fresh:
        chartlayout.forget()
    return image._draw(**image._arguments)


def assert_kept_layout_changes_nothing(make, first, second) -> None:
    alone = drawn(make(first), fresh=True)
    drawn(make(second), fresh=True)  # leaves its layout behind
    after = drawn(make(first), fresh=False)
    assert after == alone


def balance(shares: list[tuple[float, float]], years: list[int]):
    run = [r for r, _c in shares]
    change = [c for _r, c in shares]
    return charts.stacked_shares(
        name="balance",
        years=years,
        series=[
            charts.Series("run", run, charts.BLUE, "//"),
            charts.Series("change", change, charts.ORANGE, "\\\\"),
            charts.Series("innovate", [100 - r - c for r, c in shares], charts.GREEN, ".."),
        ],
        reference_lines=[charts.ReferenceLine(65.0, "target 2030: run at most 65%")],
        marked_years=years[-1:],
        marked_label="budget",
        x_label="Year",
        y_label="Share of ICT spend",
    )


share_pairs = st.tuples(st.floats(0, 60, allow_nan=False), st.floats(0, 40, allow_nan=False)).map(
    lambda pair: (round(pair[0], 2), round(pair[1], 2))
)


@SETTINGS
@given(
    first=st.lists(share_pairs, min_size=10, max_size=10),
    second=st.lists(share_pairs, min_size=10, max_size=10),
)
def test_the_balance_chart_is_the_same_with_a_kept_layout(first, second):
    years = list(range(2017, 2027))
    assert_kept_layout_changes_nothing(lambda shares: balance(shares, years), first, second)


def test_only_the_numbers_changed_the_layout_is_kept_a_new_year_works_it_out_again():
    years = list(range(2017, 2027))
    chartlayout.forget()
    before = dict(chartlayout.counts)
    drawn(balance([(60.0, 30.0)] * 10, years), fresh=False)
    drawn(balance([(55.5, 31.25)] * 10, years), fresh=False)
    assert chartlayout.counts["worked_out"] - before["worked_out"] == 1
    assert chartlayout.counts["kept"] - before["kept"] == 1
    drawn(balance([(55.5, 31.25)] * 11, [*years, 2027]), fresh=False)
    assert chartlayout.counts["worked_out"] - before["worked_out"] == 2


def time_chart(points):
    return charts.scatter_quadrants(
        name="time",
        points=points,
        groups=GROUPS,
        x_label="Technical condition",
        y_label="Business value",
        divider=2.5,
        quadrant_labels=[(1.5, 4.6, "Migrate"), (4.0, 4.6, "Invest")],
        size_legend=[(100_000.0, "€ 100,000"), (500_000.0, "€ 500,000")],
        size_legend_title="Run cost 2025",
        count_legend_title="Applications per marker",
    )


@SETTINGS
@given(
    first=st.integers(0, 10_000),
    second=st.integers(0, 10_000),
    count=st.sampled_from([30, 150, 1_000]),
)
def test_the_time_chart_is_the_same_with_a_kept_layout(first, second, count):
    assert_kept_layout_changes_nothing(
        lambda seed: time_chart(random_points(count, seed=seed)), first, second
    )


def test_the_counts_beside_the_markers_do_not_make_a_new_layout():
    # Two estates whose applications sit in other cells, with the same totals per position.
    points = random_points(1_000, seed=3)
    moved = [
        charts.Point(p.key, 6 - p.x, p.y, p.size, p.group) if p.key % 7 == 0 else p for p in points
    ]
    chartlayout.forget()
    before = dict(chartlayout.counts)
    first = drawn(time_chart(points), fresh=False)
    second = drawn(time_chart(moved), fresh=False)
    assert first != second
    assert chartlayout.counts["kept"] - before["kept"] == 1


@SETTINGS
@given(
    first=st.lists(st.floats(-50, 50, allow_nan=False), min_size=6, max_size=6),
    second=st.lists(st.floats(-50, 50, allow_nan=False), min_size=6, max_size=6),
)
def test_lines_and_intervals_are_the_same_with_a_kept_layout(first, second):
    def lines(values):
        return charts.lines(
            name="scenarios",
            x=list(range(2025, 2031)),
            series=[
                charts.Series("no change", values, charts.BLUE, "-"),
                charts.Series("plan", [v / 2 for v in values], charts.ORANGE, "--"),
            ],
            reference_lines=[charts.ReferenceLine(10.0, "target")],
            x_label="Year",
            y_label="Innovate share",
        )

    def intervals(values):
        return charts.effect_intervals(
            name="effects",
            rows=[
                charts.Interval(f"measure {i}", v, v - 5, None if i == 2 else v + 5)
                for i, v in enumerate(values[:3])
            ],
            x_label="Difference",
            zero_label="no effect",
            estimate_label="estimate",
            interval_label="95% interval",
        )

    assert_kept_layout_changes_nothing(lines, first, second)
    assert_kept_layout_changes_nothing(intervals, first, second)


@SETTINGS
@given(
    first=st.lists(st.integers(0, 5_000), min_size=4, max_size=20),
    second=st.lists(st.integers(0, 5_000), min_size=4, max_size=20),
)
def test_bars_histograms_and_dates_are_the_same_with_a_kept_layout(first, second):
    def funnel(values):
        return charts.funnel_bars(
            name="funnel",
            labels=[f"stage {i}" for i in range(len(values))],
            values=values,
            notes=[f"{i}%" for i in range(len(values))],
            x_label="Experiments",
        )

    def histogram(values):
        return charts.histogram(
            name="overruns",
            edges=[float(i) for i in range(len(values) + 1)],
            counts=values,
            marks=[charts.ReferenceLine(2.0, "P80")],
            x_label="Overrun",
            y_label="Projects",
        )

    def dates(values):
        start = dt.date(2024, 1, 1)
        return charts.values_over_dates(
            name="budget",
            dates=[start + dt.timedelta(days=30 * i) for i in range(len(values))],
            values=values,
            baseline=values[0],
            baseline_label="baseline",
            series_label="estimate",
            x_label="Report date",
            y_label="Budget",
        )

    for make in (funnel, histogram, dates):
        assert_kept_layout_changes_nothing(make, first, second)


def test_a_figure_the_key_cannot_describe_is_laid_out_every_time():
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4, 3), layout="constrained")
    axes = figure.add_subplot()
    axes.text(0.5, 1.2, "boxed", bbox={"facecolor": "white"}, transform=axes.transAxes)
    assert chartlayout.layout_key(figure, "test") is None
    plain = Figure(figsize=(4, 3), layout="constrained")
    plain.add_subplot().set_xlabel("x")
    plain.suptitle("a figure title")
    assert chartlayout.layout_key(plain, "test") is None


def test_two_kinds_of_chart_never_share_a_layout():
    from matplotlib.figure import Figure

    def figure_with(label):
        figure = Figure(figsize=(4, 3), layout="constrained")
        figure.add_subplot().set_xlabel(label)
        return figure

    assert chartlayout.layout_key(figure_with("x"), "one") != chartlayout.layout_key(
        figure_with("x"), "two"
    )
    assert chartlayout.layout_key(figure_with("x"), "one") != chartlayout.layout_key(
        figure_with("a longer label"), "one"
    )
    assert chartlayout.layout_key(figure_with("x"), "one") == chartlayout.layout_key(
        figure_with("x"), "one"
    )
