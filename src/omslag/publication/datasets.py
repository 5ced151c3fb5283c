"""The public datasets: per kind the columns of its list and its downloads (read from the
snapshots only), and the DCAT-shaped catalogue of every dataset with its distributions."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from omslag.common.tabular.formats import CONTENT_TYPES, FORMATS, write_table

from . import selectors
from .models import LICENCE_URLS, Kind, Licence
from .selectors import KIND_SEGMENTS


@dataclass(frozen=True)
class Column:
    """A column of a public list. ``shown`` says how the list page writes its value for a
    person (``"label"``: the code's readable name, ``"euro"``, ``"percent"``, ``"share"``);
    downloads and the API keep the stored value."""

    key: str  # dotted path into the snapshot
    label: object
    numeric: bool = False
    shown: str = ""

    def value(self, snapshot: dict):
        value = snapshot
        for part in self.key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value


COLUMNS = {
    Kind.PROJECT: (
        Column("number", _("Project number")),
        Column("name", _("Project")),
        Column("status", _("Status"), shown="label"),
        Column("colour", _("Colour"), shown="label"),
        Column("original_estimate", _("Original estimate"), True, "euro"),
        Column("current_estimate", _("Current estimate"), True, "euro"),
        Column("cost_change_pct", _("Cost change (%)"), True, "percent"),
        Column("cost_bucket", _("Cost bucket")),
        Column("original_end_date", _("Original end date")),
        Column("current_end_date", _("Current end date")),
        Column("end_date_shift_months", _("Shift (months)"), True),
        Column("latest_peildatum", _("Peildatum")),
    ),
    Kind.EXPERIMENT: (
        Column("title", _("Experiment")),
        Column("stage", _("Stage"), shown="label"),
        Column("hypothesis", _("Hypothesis")),
        Column("primary_metric", _("Primary metric")),
        Column("planned_start", _("Planned start")),
        Column("planned_end", _("Planned end")),
    ),
    Kind.LESSON: (
        Column("experiment", _("Experiment")),
        Column("tried", _("What we tried")),
        Column("happened", _("What happened")),
        Column("differently", _("What we would do differently")),
        Column("recorded_on", _("Recorded on")),
    ),
    Kind.ALGORITHM: (
        Column("name", _("Name")),
        Column("description_short", _("Short description")),
        Column("status", _("Status")),
        Column("publication_category", _("Publication category")),
        Column("theme", _("Themes")),
        Column("start_date", _("Start month")),
        Column("supplier", _("Supplier")),
    ),
    Kind.CHALLENGE: (
        Column("title", _("Challenge")),
        Column("problem_statement", _("Problem statement")),
        Column("opens_on", _("Opens on")),
        Column("closes_on", _("Closes on")),
    ),
    Kind.BALANCE_YEAR: (
        Column("year", _("Year")),
        Column("budget.run", _("Budget run"), True, "euro"),
        Column("budget.change", _("Budget change"), True, "euro"),
        Column("budget.innovate", _("Budget innovate"), True, "euro"),
        Column("actual.run", _("Actual run"), True, "euro"),
        Column("actual.change", _("Actual change"), True, "euro"),
        Column("actual.innovate", _("Actual innovate"), True, "euro"),
        Column("actual.innovate_share", _("Actual innovate share"), True, "share"),
    ),
}

TITLES = {
    Kind.PROJECT: _("Large ICT projects"),
    Kind.EXPERIMENT: _("Experiments and their outcomes"),
    Kind.LESSON: _("Lessons learned"),
    Kind.ALGORITHM: _("Algorithms"),
    Kind.CHALLENGE: _("Open challenges"),
    Kind.BALANCE_YEAR: _("Yearly balance of ICT spend"),
}
DESCRIPTIONS = {
    Kind.PROJECT: _("Cost, schedule, status colour and published reports of large ICT projects."),
    Kind.EXPERIMENT: _("Design summary, results and decisions of innovation experiments."),
    Kind.LESSON: _("What was tried, what happened and what would be done differently."),
    Kind.ALGORITHM: _("Algorithms in the fields of the national publication standard."),
    Kind.CHALLENGE: _(
        "Problems the organisation asks citizens, companies and researchers to help with."
    ),
    Kind.BALANCE_YEAR: _("ICT spend per year split into run, change and innovate."),
}


def dataset_rows(organisation, kind, filters=None):
    """(headers, rows) of a public list, in the order of the list page."""
    records = selectors.published_list(organisation, kind, filters or selectors.PublicFilters())
    columns = COLUMNS[kind]
    headers = ["id", "version", *[c.key for c in columns]]
    rows = (
        [p.source_id, p.number, *[c.value(p.snapshot) for c in columns]]
        for p in records.only("source_id", "number", "snapshot").iterator(chunk_size=2000)
    )
    return headers, rows


def dataset_file(organisation, kind, fmt: str, filters=None) -> bytes:
    headers, rows = dataset_rows(organisation, kind, filters)
    return write_table(headers, rows, fmt)


def download_url(organisation, kind, fmt: str) -> str:
    return reverse(
        "open:download",
        kwargs={"slug": organisation.slug, "segment": KIND_SEGMENTS[kind], "fmt": fmt},
    )


def catalogue(base_url: str, only=None) -> dict:
    """Every public dataset with its licence, publisher, modification date and one
    distribution per format, shaped after DCAT (camelCase keys for the JSON API)."""
    from .services import publication_settings_of

    datasets = []
    organisations = selectors.publishing_organisations()
    if only is not None:
        organisations = organisations.filter(pk=only.pk)
    for organisation in organisations:
        licence = publication_settings_of(organisation).licence
        modified = {
            row["kind"]: row["at"]
            for row in selectors.published(organisation)
            .values("kind")
            .annotate(at=selectors.Max("changed_at"))
        }
        for kind in Kind.values:
            if kind not in modified:
                continue
            api_url = base_url + reverse(
                "api:open-dataset",
                kwargs={"slug": organisation.slug, "dataset": KIND_SEGMENTS[kind]},
            )
            datasets.append(
                {
                    "identifier": f"{organisation.slug}/{KIND_SEGMENTS[kind]}",
                    "title": f"{TITLES[kind]} — {organisation.name}",
                    "description": str(DESCRIPTIONS[kind]),
                    "license": LICENCE_URLS[Licence(licence)],
                    "publisher": {
                        "name": organisation.name,
                        "url": base_url + reverse("open:organisation", args=[organisation.slug]),
                    },
                    "landingPage": base_url
                    + reverse("open:list", args=[organisation.slug, KIND_SEGMENTS[kind]]),
                    "modified": modified[kind].isoformat(),
                    "distributions": [
                        {
                            "format": fmt.upper(),
                            "mediaType": CONTENT_TYPES[fmt].split(";")[0],
                            "downloadURL": base_url + download_url(organisation, kind, fmt),
                        }
                        for fmt in FORMATS
                    ]
                    + [
                        {
                            "format": "API",
                            "mediaType": "application/json",
                            "accessURL": api_url,
                        }
                    ],
                }
            )
    return {
        "title": str(_("Open data of omslag")),
        "description": str(
            _("Published registers of the organisations on this omslag installation.")
        ),
        "homepage": base_url + reverse("open:start"),
        "datasets": datasets,
    }


def catalogue_jsonld(catalogue_data: dict) -> dict:
    """The same catalogue as DCAT in JSON-LD, for national data portals to harvest."""
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@type": "dcat:Catalog",
        "dct:title": catalogue_data["title"],
        "dct:description": catalogue_data["description"],
        "foaf:homepage": {"@id": catalogue_data["homepage"]},
        "dcat:dataset": [
            {
                "@id": d["landingPage"],
                "@type": "dcat:Dataset",
                "dct:identifier": d["identifier"],
                "dct:title": d["title"],
                "dct:description": d["description"],
                "dct:license": {"@id": d["license"]},
                "dct:publisher": {
                    "@type": "foaf:Organization",
                    "@id": d["publisher"]["url"],
                    "foaf:name": d["publisher"]["name"],
                },
                "dct:modified": {"@value": d["modified"], "@type": "xsd:dateTime"},
                "dcat:landingPage": {"@id": d["landingPage"]},
                "dcat:distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "dct:format": dist["format"],
                        "dcat:mediaType": dist["mediaType"],
                        **(
                            {"dcat:downloadURL": {"@id": dist["downloadURL"]}}
                            if "downloadURL" in dist
                            else {"dcat:accessURL": {"@id": dist["accessURL"]}}
                        ),
                    }
                    for dist in d["distributions"]
                ],
            }
            for d in catalogue_data["datasets"]
        ],
    }
