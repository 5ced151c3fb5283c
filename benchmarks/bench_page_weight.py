"""Page weight at national scale: the HTML of every register page of a large organisation
stays under 300 KB, and its charts come as separate SVGs of bounded size.

One organisation (with one below it) gets ``factor`` × (3,000 applications with 6,000
dependencies, 20,000 spend lines over 10 years, 3,000 projects). For each page: the bytes of
its HTML, the server time of the page (charts are not drawn for it), and for each chart the
bytes of its SVG and the time of its first (cold: drawn) and second (cached) request.

Run alone at a chosen size: ``python benchmarks/bench_page_weight.py --factor 0.1``; in
``make bench`` the factor is 1 (``--quick``: 0.05), or ``OMSLAG_BENCH_FACTOR``.

``--seeded`` (in ``make bench``: ``OMSLAG_PAGE_WEIGHT_SEEDED=1``) weighs instead a database
already filled by ``omslag seed --scale national`` (DATABASE_URL): every page a person can open
for the largest ministry (rolled up with its agencies), its largest agency and the largest
municipality, found from the URL configuration rather than from a hand list (every address
whose only argument is the organisation's slug, every address without arguments, and one page
of each kind of address the pages link: details, the public pages below ``/open/``); for each
page with a filter form, every choice of its filters (the largest of them is the page's
"largest filtered view"); signed in as a bench person with every role on those organisations,
and signed out for the public pages. Its ``largest_html_kb`` and ``largest_svg_kb`` are the
figures the targets check when it runs.
"""

import argparse
import datetime as dt
import html
import json
import os
import random
import re
import sys
import time
from decimal import Decimal
from html.parser import HTMLParser

SLUG = "bench-weight"
CHILD_SLUG = "bench-weight-unit"
HTML_LIMIT = 300 * 1024
SVG_LIMIT = 100 * 1024
BASE = {"applications": 3_000, "dependencies": 6_000, "spend_lines": 20_000, "projects": 3_000}

# The pages that show a register or figures over a whole register, by address pattern.
PAGES = [
    ("organisation", "/organisations/{slug}"),
    ("balance", "/organisations/{slug}/balance"),
    ("applications", "/organisations/{slug}/applications"),
    ("spend", "/organisations/{slug}/spend"),
    ("projects", "/organisations/{slug}/projects"),
    ("project_portfolio", "/organisations/{slug}/project-portfolio"),
    ("dashboard", "/organisations/{slug}/dashboard"),
    ("coverage", "/organisations/{slug}/safeguard-coverage"),
    ("funnel", "/organisations/{slug}/funnel"),
    ("experiments", "/organisations/{slug}/experiments/all"),
    ("organisation_list", "/organisations"),
]

CHART_SRC = re.compile(r'<img src="(/[^"]*(?:\?|&amp;)chart=[^"]+)"')


def scaled(factor: float) -> dict[str, int]:
    return {key: max(10, int(value * factor)) for key, value in BASE.items()}


def seed(factor: float):
    """The organisation with its registers, made with bulk inserts (the figures a page shows
    do not depend on how the rows came in). Returns (organisation, sizes)."""
    from django.db import transaction

    from omslag.organisations import services as org_services
    from omslag.organisations.models import Organisation
    from omslag.portfolio.models import Application, Dependency, SpendLine
    from omslag.projects.models import Project

    sizes = scaled(factor)
    rng = random.Random(11)  # noqa: S311 (test data)
    organisation = Organisation.objects.filter(slug=SLUG).first()
    if (
        organisation is not None
        and Application.objects.filter(organisation=organisation).count() == sizes["applications"]
    ):
        return organisation, sizes
    with transaction.atomic():
        if organisation is None:
            organisation = org_services.organisation_create(
                actor=None, name="Bench ministerie", slug=SLUG, kind="ministry"
            )
            org_services.organisation_create(
                actor=None, name="Bench dienst", slug=CHILD_SLUG, kind="agency", parent=organisation
            )
        SpendLine.all_objects.filter(organisation=organisation).delete()
        Dependency.all_objects.filter(application__organisation=organisation).delete()
        Application.all_objects.filter(organisation=organisation).delete()
        Project.all_objects.filter(organisation=organisation).delete()
        applications = Application.objects.bulk_create(
            [
                Application(
                    organisation=organisation,
                    name=f"Toepassing {i:06d} " + "x" * rng.randint(0, 40),
                    vendor=f"Leverancier {i % 60}",
                    technology=rng.choice(["SaaS", "Java", ".NET", "COBOL"]),
                    go_live_year=rng.randint(1985, 2025),
                    business_value=rng.randint(1, 5),
                    technical_condition=rng.randint(1, 5),
                    end_of_support=dt.date(rng.randint(2018, 2034), rng.randint(1, 12), 1),
                )
                for i in range(sizes["applications"])
            ],
            batch_size=1000,
        )
        pairs: set[tuple[int, int]] = set()
        # Chains of three that close into a cycle, then random edges: many cycles, big fan-in.
        for i in range(0, min(300, len(applications)) - 2, 3):
            a, b, c = applications[i : i + 3]
            pairs |= {(a.pk, b.pk), (b.pk, c.pk), (c.pk, a.pk)}
        hubs = applications[:20]
        while len(pairs) < sizes["dependencies"]:
            a = rng.choice(applications)
            b = rng.choice(hubs) if rng.random() < 0.5 else rng.choice(applications)
            if a.pk != b.pk:
                pairs.add((a.pk, b.pk))
        Dependency.objects.bulk_create(
            [Dependency(application_id=a, depends_on_id=b) for a, b in pairs], batch_size=2000
        )
        SpendLine.objects.bulk_create(
            [
                SpendLine(
                    organisation=organisation,
                    year=2016 + i % 10,
                    kind="actual" if 2016 + i % 10 < 2026 else "budget",
                    category=rng.choices(["run", "change", "innovate"], [70, 22, 8])[0],
                    amount=Decimal(rng.randint(1_000, 900_000)),
                    application=applications[i % len(applications)] if i % 3 else None,
                    description=f"Regel {i}",
                )
                for i in range(sizes["spend_lines"])
            ],
            batch_size=2000,
        )
        projects = []
        for i in range(sizes["projects"]):
            original = Decimal(rng.randint(1, 400)) * 250_000
            ratio = Decimal(str(round(rng.lognormvariate(0.2, 0.5), 3)))
            end = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 3000))
            shift = rng.randint(-6, 40)
            change = float((ratio - 1) * 100)
            projects.append(
                Project(
                    organisation=organisation,
                    name=f"Project {i:05d}",
                    number=f"W-{i}",
                    external_id=f"weight-{i}",
                    status=rng.choice(["in_progress", "completed", "reorientation"]),
                    report_count=rng.randint(1, 6),
                    original_estimate=original,
                    current_estimate=original * ratio,
                    cost_change_pct=change,
                    original_end_date=end,
                    current_end_date=end + dt.timedelta(days=30 * shift),
                    end_date_shift_months=shift,
                    cost_bucket=rng.choice(["0-10", "10-20", "20-30", "50-100", "100+"]),
                    colour="red"
                    if change >= 25 or shift > 12
                    else "amber"
                    if change >= 10
                    else "green",
                    has_review_advice=rng.random() < 0.2,
                    latest_peildatum=dt.date(2025, 6, 30),
                )
            )
        Project.objects.bulk_create(projects, batch_size=2000)
    return organisation, sizes


def reader(organisation):
    """A signed-in client with the viewer role on the organisation (and what is below it)."""
    from django.test import Client

    from omslag.accounts.models import Person
    from omslag.organisations import services as org_services

    email = "weight-viewer@example.org"
    person = Person.objects.filter(email=email).first()
    if person is None:
        person = Person.objects.create_user(email=email, password=None, full_name="Lezer")
        org_services.membership_create(
            actor=None, person=person, organisation=organisation, role="viewer"
        )
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.force_login(person)
    return client


def chart_urls(page: str) -> list[str]:
    return [html.unescape(src) for src in CHART_SRC.findall(page)]


def measure(client, slug: str) -> dict:
    """Bytes and time of every page, and of every chart in it (cold, then cached)."""
    from django.core.cache import cache

    from omslag.common import chartimages

    cache.clear()
    chartimages._local.clear()
    pages = {}
    for label, pattern in PAGES:
        url = pattern.format(slug=slug)
        started = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        body = response.content.decode()
        charts = []
        for chart_url in chart_urls(body):
            started = time.perf_counter()
            svg = client.get(chart_url)
            cold = time.perf_counter() - started
            started = time.perf_counter()
            client.get(chart_url)
            warm = time.perf_counter() - started
            charts.append(
                {
                    "chart": re.search(r"chart=([^&]+)", chart_url).group(1),
                    "svg_bytes": len(svg.content),
                    "cold_ms": round(cold * 1000, 1),
                    "cached_ms": round(warm * 1000, 1),
                }
            )
        pages[label] = {
            "html_bytes": len(response.content),
            "page_ms": round(seconds * 1000, 1),
            "charts": charts,
        }
    return pages


# Seeded mode: every page of a national seed.

# How many choices of each filter of a page are tried for its largest filtered view.
FILTER_CHOICES = 30
# At most this many pages in all (a guard: the seeded run weighs about 200).
MAX_PAGES = 600
# Addresses whose GET is not a page to weigh, or not harmless to open: files and downloads
# (their own benchmarks), the PDF report, signing out, and the links of e-mails that confirm
# something (opening them changes data).
NOT_A_PAGE = re.compile(
    r"^(api/|static/|media/|health/|metrics)|logout|language|login/provider|download|export|"
    r"report\.|\.json|confirm|accept|follow|/cancel|/delete/|/restore"
)
ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")
# The models whose rows make an organisation large (its registers).
SIZE_MODELS = [
    "portfolio.Application",
    "portfolio.SpendLine",
    "projects.Project",
    "innovation.Experiment",
    "safeguards.Assessment",
]


def url_routes() -> list[str]:
    """Every route of the URL configuration (``organisations/<slug:slug>/spend``), so that a
    page added to any app is weighed without naming it here."""
    from django.urls import URLResolver, get_resolver

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    return sorted(
        {route for route in walk(get_resolver().url_patterns, "") if not route.startswith("^")}
    )


def weighable(route: str) -> bool:
    return not NOT_A_PAGE.search(route)


def starting_addresses(routes: list[str], slugs: list[str]) -> list[str]:
    """The addresses of the routes without arguments, and of the routes whose only argument is
    an organisation's slug for each of ``slugs``; the other routes are reached by the links of
    these pages (a detail needs a real id)."""
    addresses = []
    for route in routes:
        if not weighable(route):
            continue
        arguments = ARGUMENT.findall(route)
        if not arguments:
            addresses.append("/" + route)
        elif arguments == ["slug"]:
            addresses += ["/" + ARGUMENT.sub(slug, route) for slug in slugs]
    return addresses


class _PageParser(HTMLParser):
    """The links of a page and the choices of its GET forms (filters)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.choices: list[tuple[str, str]] = []
        self._in_get_form = False
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href", "").startswith("/"):
            self.links.append(attributes["href"])
        elif tag == "form":
            self._in_get_form = (attributes.get("method") or "get").lower() == "get"
        elif not self._in_get_form:
            return
        elif tag == "select":
            self._select = attributes.get("name")
        elif tag == "option" and self._select and attributes.get("value"):
            self.choices.append((self._select, attributes["value"]))
        elif (
            tag == "input"
            and attributes.get("type") in ("checkbox", "radio")
            and attributes.get("name")
            and attributes.get("value")
        ):
            self.choices.append((attributes["name"], attributes["value"]))

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get_form = False
        elif tag == "select":
            self._select = None


def parse_page(body: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(body)
    return parser


def filter_addresses(address: str, choices: list[tuple[str, str]], limit: int) -> list[str]:
    """One address per choice of each filter (at most ``limit`` choices of one filter): the
    views a person gets by choosing one value in the page's filter form."""
    from urllib.parse import urlencode

    per_name: dict[str, list[str]] = {}
    for name, value in choices:
        if name in ("q", "search", "csrfmiddlewaretoken", "language"):
            continue
        values = per_name.setdefault(name, [])
        if value not in values and len(values) < limit:
            values.append(value)
    return [
        f"{address}?{urlencode({name: value})}"
        for name, values in per_name.items()
        for value in values
    ]


# Arguments of a route that choose a different page (a register of the public pages, a kind,
# a step), not a different row: one page is weighed per value of these.
KIND_ARGUMENTS = ("segment", "kind", "key", "step")


def route_of(address: str) -> str | None:
    """The kind of page an address of this site is: its route, with the values of the
    arguments that choose a page rather than a row (None for no page of this site)."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(address.split("?")[0].split("#")[0])
    except Resolver404:
        return None
    kinds = [f"{name}={match.kwargs[name]}" for name in KIND_ARGUMENTS if name in match.kwargs]
    return "|".join([match.route, *kinds])


def largest_organisations() -> dict[str, object]:
    """The largest ministry (with everything below it), its largest agency and the largest
    municipality, by the rows of their registers."""
    from collections import Counter

    from django.apps import apps
    from django.db.models import Count

    from omslag.organisations.models import Organisation

    own: Counter = Counter()
    for label in SIZE_MODELS:
        model = apps.get_model(label)
        for row in model.objects.values("organisation__path").annotate(n=Count("id")):
            own[row["organisation__path"]] += row["n"]

    def subtree(organisation) -> int:
        return sum(n for path, n in own.items() if path and path.startswith(organisation.path))

    def largest(queryset):
        return max(queryset, key=subtree, default=None)

    ministry = largest(Organisation.objects.filter(kind="ministry"))
    if ministry is None:
        raise RuntimeError("no ministry: fill the database with `omslag seed --scale national`")
    chosen = {
        "ministry": ministry,
        "agency": largest(Organisation.objects.filter(parent=ministry)),
        "municipality": largest(Organisation.objects.filter(kind="municipality")),
    }
    return {key: value for key, value in chosen.items() if value is not None}


def every_role_client(organisations):
    """A signed-in client of a bench person with every role on ``organisations``."""
    from django.test import Client

    from omslag.accounts.models import Person
    from omslag.organisations import services as org_services
    from omslag.organisations.models import Membership, Role

    email = "page-weight@nationaal.example"
    person = Person.objects.filter(email=email).first()
    if person is None:
        person = Person.objects.create_user(email=email, password=None, full_name="Weger")
    for organisation in organisations:
        for role in Role.values:
            if not Membership.objects.filter(
                person=person, organisation=organisation, role=role
            ).exists():
                org_services.membership_create(
                    actor=None, person=person, organisation=organisation, role=role
                )
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.force_login(person)
    return client


def weigh(client, address: str) -> dict:
    started = time.perf_counter()
    response = client.get(address)
    seconds = time.perf_counter() - started
    html_page = response.status_code == 200 and response.get("Content-Type", "").startswith(
        "text/html"
    )
    body = response.content.decode() if html_page and not response.streaming else ""
    return {
        "status": response.status_code,
        "html": html_page,
        "body": body,
        "html_bytes": len(body.encode()),
        "rows": body.count("<tr"),
        "page_ms": round(seconds * 1000, 1),
    }


def weigh_charts(client, body: str) -> list[dict]:
    charts = []
    for chart_url in chart_urls(body):
        svg = client.get(chart_url)
        charts.append(
            {
                "chart": re.search(r"chart=([^&]+)", chart_url).group(1),
                "status": svg.status_code,
                "svg_bytes": len(svg.content),
            }
        )
    return charts


def crawl(client, starts: list[str], filter_choices: int, scope: re.Pattern | None) -> dict:
    """Weigh ``starts``, then one page of every route their pages link that was not weighed
    yet (details, steps), breadth first; for each page its largest filtered view and its
    charts. ``scope`` limits the followed links (the signed-out walk stays below /open/)."""
    from django.urls import resolve

    pages: dict[str, dict] = {}
    seen_routes: set[str] = set()
    queue = list(starts)
    for address in starts:
        seen_routes.add(route_of(address))
    while queue and len(pages) < MAX_PAGES:
        address = queue.pop(0)
        measured = weigh(client, address)
        print(
            f"{measured['status']} {measured['html_bytes'] // 1024:>5} KB"
            f" {measured['page_ms']:>8} ms {address}",
            file=sys.stderr,
            flush=True,
        )
        if not measured["html"]:
            pages[address] = {"status": measured["status"]}
            continue
        body = measured.pop("body")
        parsed = parse_page(body)
        measured["charts"] = weigh_charts(client, body)
        largest = None
        tried = 0
        for variant in filter_addresses(address, parsed.choices, filter_choices):
            tried += 1
            other = weigh(client, variant)
            if other["html"] and (largest is None or other["html_bytes"] > largest["html_bytes"]):
                largest = {"url": variant, **other}
        if largest is not None:
            largest["charts"] = weigh_charts(client, largest.pop("body"))
            measured["largest_filtered"] = largest
        measured["filter_views"] = tried
        del measured["html"]
        pages[address] = measured
        for link in parsed.links:
            target = link.split("#")[0]
            path = target.split("?")[0]
            route = route_of(path)
            if route is None or not weighable(route.split("|")[0]) or not ARGUMENT.search(route):
                continue
            if scope is not None and not scope.match(path):
                continue
            if scope is None and ARGUMENT.findall(route.split("|")[0]) == ["slug"]:
                continue  # another organisation's register: weighed for the chosen ones
            if resolve(path).url_name == "login":
                continue
            if route not in seen_routes:
                seen_routes.add(route)
                queue.append(path)
    return pages


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def run_seeded(filter_choices: int = FILTER_CHOICES) -> dict:
    """Every page of the largest organisations of a national seed (see the module's text)."""
    from django.test import Client

    from django_env import setup

    setup()
    from django.core.cache import cache

    from omslag.common import chartimages

    cache.clear()
    chartimages._local.clear()
    load_before = load_average()
    cpu_started = time.process_time()
    wall_started = time.perf_counter()
    organisations = largest_organisations()
    routes = url_routes()
    slugs = [organisation.slug for organisation in organisations.values()]
    client = every_role_client(organisations.values())
    installation = starting_addresses(routes, [])
    signed_in = crawl(client, installation, filter_choices, None)
    # Each organisation on its own: a detail or form page (a spend line's, with the choice of
    # the organisation's applications) weighs what its organisation holds.
    for slug in slugs:
        starts = [a for a in starting_addresses(routes, [slug]) if a not in installation]
        signed_in.update(crawl(client, starts, filter_choices, None))
    # Signed out: the pages without arguments (the public pages' start, the catalogue, the
    # open challenges) and every public page they link (the organisations that publish).
    public = crawl(
        Client(HTTP_ACCEPT_LANGUAGE="nl"),
        installation,
        filter_choices,
        re.compile(r"^/open/"),
    )
    weighed = {"signed_in": signed_in, "public": public}
    html_sizes, svg_sizes, over = [], [], []
    for who, pages in weighed.items():
        for address, page in pages.items():
            for view in (page, page.get("largest_filtered")):
                if not view or "html_bytes" not in view:
                    continue
                html_sizes.append(view["html_bytes"])
                url = view.get("url", address)
                if view["html_bytes"] >= HTML_LIMIT:
                    over.append({"who": who, "url": url, "html_kb": view["html_bytes"] // 1024})
                for chart in view["charts"]:
                    svg_sizes.append(chart["svg_bytes"])
                    if chart["svg_bytes"] >= SVG_LIMIT:
                        over.append({"who": who, "url": url, "chart": chart})
    return {
        "mode": "seeded",
        "organisations": {key: value.slug for key, value in organisations.items()},
        "pages_weighed": sum(
            1 for pages in weighed.values() for page in pages.values() if "html_bytes" in page
        ),
        "filtered_views_weighed": sum(
            page.get("filter_views", 0) for pages in weighed.values() for page in pages.values()
        ),
        "largest_html_kb": round(max(html_sizes, default=0) / 1024, 1),
        "largest_svg_kb": round(max(svg_sizes, default=0) / 1024, 1),
        "over_limits": over,
        "cpu_seconds": round(time.process_time() - cpu_started, 1),
        "wall_seconds": round(time.perf_counter() - wall_started, 1),
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "pages": weighed,
    }


def run(quick: bool = False, factor: float | None = None) -> dict:
    from django_env import setup

    if os.environ.get("OMSLAG_PAGE_WEIGHT_SEEDED") == "1":
        return run_seeded(filter_choices=2 if quick else FILTER_CHOICES)
    setup()
    if factor is None:
        factor = 0.05 if quick else float(os.environ.get("OMSLAG_BENCH_FACTOR", "1"))
    organisation, sizes = seed(factor)
    pages = measure(reader(organisation), organisation.slug)
    svgs = [c["svg_bytes"] for p in pages.values() for c in p["charts"]]
    return {
        "factor": factor,
        "sizes": sizes,
        "pages": pages,
        "largest_html_kb": round(max(p["html_bytes"] for p in pages.values()) / 1024, 1),
        "largest_svg_kb": round(max(svgs, default=0) / 1024, 1),
        "slowest_cold_chart_ms": max(
            (c["cold_ms"] for p in pages.values() for c in p["charts"]), default=0
        ),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--factor", type=float, default=0.05)
    parser.add_argument(
        "--seeded",
        action="store_true",
        help="weigh every page of a database filled by `omslag seed --scale national`",
    )
    parser.add_argument(
        "--filter-choices",
        type=int,
        default=FILTER_CHOICES,
        help="at most this many choices of each filter of a page (seeded mode)",
    )
    parser.add_argument("--output", help="also write the JSON to this file")
    arguments = parser.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    if arguments.seeded:
        result = run_seeded(filter_choices=arguments.filter_choices)
    else:
        result = run(factor=arguments.factor)
    text = json.dumps(result, indent=2)
    if arguments.output:
        with open(arguments.output, "w") as output:
            output.write(text)
    print(text)
