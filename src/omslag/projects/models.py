"""Large ICT projects in the Dutch reporting model: a project with dated reports (peildatum),
milestones, reviews, papers and benefits; and reference classes for forecasting."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from omslag.common.models import DomainModel
from omslag.common.stored_figures import StoredFigure

if TYPE_CHECKING:  # the reverse relations, for mypy without django-stubs' plugin
    from django.db.models.fields.related_descriptors import RelatedManager

money = {"max_digits": 16, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class Project(DomainModel):
    # Foreign keys' ids and reverse relations, which mypy knows only with django-stubs' plugin.
    organisation_id: int
    reports: "RelatedManager[ProjectReport]"
    review_advice: "RelatedManager[ReviewAdvice]"

    class Kind(models.TextChoices):
        ICT_PROJECT = "ict_project", _("ICT project")
        PROGRAMME = "programme", _("programme with an ICT component")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        REORIENTATION = "reorientation", _("under reorientation")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")

    class Approach(models.TextChoices):
        WATERFALL = "waterfall", _("waterfall")
        AGILE = "agile", _("agile")
        HYBRID = "hybrid", _("hybrid")
        OTHER = "other", _("other")
        UNKNOWN = "unknown", _("unknown")

    class Colour(models.TextChoices):
        GREEN = "green", _("green")
        AMBER = "amber", _("amber")
        RED = "red", _("red")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    number = models.CharField(_("project number"), max_length=50, blank=True)
    name = models.CharField(_("name"), max_length=300)
    goal = models.TextField(_("goal"), blank=True, max_length=8000)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.ICT_PROJECT
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    approach = models.CharField(
        _("development approach"), max_length=20, choices=Approach.choices, default=Approach.UNKNOWN
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    external_id = models.CharField(
        _("external identifier"),
        max_length=100,
        blank=True,
        help_text=_("The project's key in an imported register."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="EUR",
        help_text=_("Imported registers keep their own currency."),
    )
    not_reported_after = models.DateField(
        _("no longer reported after"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Set by a register import when a later snapshot no longer lists the project: the "
            "last date it was reported. Such projects are left out of the portfolio forecast "
            "unless asked for."
        ),
    )

    # Figures computed from the reports by the analysis core, stored for lists and filters.
    # They are refreshed by the services whenever a report changes.
    report_count = models.PositiveIntegerField(default=0, editable=False)
    latest_peildatum = models.DateField(null=True, blank=True, editable=False)
    original_estimate = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, editable=False
    )
    current_estimate = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, editable=False
    )
    cost_change_pct = models.FloatField(null=True, blank=True, editable=False)
    original_end_date = models.DateField(null=True, blank=True, editable=False)
    current_end_date = models.DateField(null=True, blank=True, editable=False)
    end_date_shift_months = models.IntegerField(null=True, blank=True, editable=False)
    cost_bucket = models.CharField(max_length=10, blank=True, editable=False)
    colour = models.CharField(max_length=10, choices=Colour.choices, blank=True, editable=False)
    review_threshold_met = models.BooleanField(default=False, editable=False)
    has_review_advice = models.BooleanField(default=False, editable=False)

    history = HistoricalRecords(
        excluded_fields=[
            "updated_at",
            "report_count",
            "latest_peildatum",
            "original_estimate",
            "current_estimate",
            "cost_change_pct",
            "original_end_date",
            "current_end_date",
            "end_date_shift_months",
            "cost_bucket",
            "colour",
            "review_threshold_met",
            "has_review_advice",
        ]
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=models.Q(deleted_at__isnull=True) & ~models.Q(external_id=""),
                name="project_unique_external_id",
                violation_error_message=_(
                    "Another project of this organisation has this external identifier."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "name"]),
            models.Index(fields=["organisation", "colour"]),
            models.Index(fields=["organisation", "cost_change_pct"]),
            models.Index(fields=["organisation", "current_estimate"]),
            # Every other filter and sort of the project list (page and API) within an
            # organisation: checked with EXPLAIN in tests/projects/test_list_indexes.py.
            models.Index(fields=["organisation", "status"], name="project_org_status"),
            models.Index(fields=["organisation", "cost_bucket"], name="project_org_cost_bucket"),
            models.Index(
                fields=["organisation", "has_review_advice"], name="project_org_review_advice"
            ),
            models.Index(
                fields=["organisation", "end_date_shift_months"], name="project_org_shift"
            ),
            models.Index(fields=["organisation", "current_end_date"], name="project_org_end_date"),
            models.Index(fields=["organisation", "latest_peildatum"], name="project_org_peildatum"),
        ]

    def __str__(self):
        return self.name


class ProjectReport(DomainModel):
    """A dated snapshot of a project's cost and schedule (a report at a peildatum)."""

    project_id: int

    class Status(models.TextChoices):
        CONCEPT = "concept", _("concept")
        CHECKED = "checked", _("checked")
        PUBLISHED = "published", _("published")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="reports"
    )
    peildatum = models.DateField(_("peildatum (reference date)"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONCEPT
    )
    total_cost_estimate = models.DecimalField(_("total cost estimate"), **money)
    internal_staff = models.DecimalField(_("internal staff"), null=True, blank=True, **money)
    external_staff = models.DecimalField(_("external staff"), null=True, blank=True, **money)
    outsourced = models.DecimalField(_("outsourced work"), null=True, blank=True, **money)
    hardware = models.DecimalField(_("hardware"), null=True, blank=True, **money)
    software = models.DecimalField(_("software"), null=True, blank=True, **money)
    other_costs = models.DecimalField(_("other costs"), null=True, blank=True, **money)
    ict_component_cost = models.DecimalField(
        _("cost of the ICT component"),
        null=True,
        blank=True,
        help_text=_("Empty: the whole estimate is ICT."),
        **money,
    )
    cumulative_actual_cost = models.DecimalField(
        _("cumulative actual cost"), null=True, blank=True, **money
    )
    estimated_end_date = models.DateField(_("estimated end date"), null=True, blank=True)
    is_rebaseline = models.BooleanField(_("re-baseline (herijking)"), default=False)
    rebaseline_reason = models.TextField(
        _("reason for the re-baseline"), blank=True, max_length=4000
    )
    notes = models.TextField(_("notes"), blank=True, max_length=8000)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        help_text=_("The published report this one corrects."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["peildatum", "id"]
        indexes = [models.Index(fields=["project", "peildatum"])]

    BREAKDOWN = (
        "internal_staff",
        "external_staff",
        "outsourced",
        "hardware",
        "software",
        "other_costs",
    )

    def __str__(self):
        return f"{self.project} — {self.peildatum}"

    def clean(self):
        errors = {}
        if self.is_rebaseline and not self.rebaseline_reason.strip():
            errors["rebaseline_reason"] = _("Give the reason for the re-baseline.")
        parts = [getattr(self, name) for name in self.BREAKDOWN]
        if any(p is not None for p in parts) and self.total_cost_estimate is not None:
            total = sum(p for p in parts if p is not None)
            if abs(total - self.total_cost_estimate) > 1:
                errors["total_cost_estimate"] = _(
                    "The breakdown adds up to %(sum)s, not to the total of %(total)s."
                ) % {"sum": f"{total:,.2f}", "total": f"{self.total_cost_estimate:,.2f}"}
        if (
            self.ict_component_cost is not None
            and self.total_cost_estimate is not None
            and self.ict_component_cost > self.total_cost_estimate
        ):
            errors["ict_component_cost"] = _("The ICT component cannot cost more than the total.")
        if errors:
            raise ValidationError(errors)


class Milestone(DomainModel):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(_("milestone"), max_length=300)
    planned_date = models.DateField(_("planned"), null=True, blank=True)
    expected_date = models.DateField(_("expected"), null=True, blank=True)
    realised_date = models.DateField(_("realised"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("milestone")
        ordering = ["planned_date", "id"]

    def __str__(self):
        return self.name


class QualityReview(DomainModel):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="quality_reviews"
    )
    date = models.DateField(_("date"))
    reviewer = models.CharField(_("reviewer"), max_length=200)
    conclusion = models.TextField(_("conclusion"), max_length=8000)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("quality review")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.reviewer} {self.date}"


class ReviewAdvice(DomainModel):
    """Independent review advice (AcICT, formerly BIT)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="review_advice"
    )
    date = models.DateField(_("date"))
    verdict = models.CharField(_("verdict"), max_length=300)
    recommendations = models.TextField(_("recommendations"), blank=True, max_length=8000)
    follow_up = models.TextField(_("follow-up"), blank=True, max_length=8000)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("review advice")
        verbose_name_plural = _("review advice")
        ordering = ["-date"]

    def __str__(self):
        return f"AcICT {self.date}"


class ParliamentaryPaper(DomainModel):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="papers"
    )
    reference = models.CharField(
        _("reference"), max_length=100, help_text=_("e.g. Kamerstuk 26643-1000")
    )
    date = models.DateField(_("date"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("address"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("parliamentary paper")
        ordering = ["-date"]

    def __str__(self):
        return self.reference


class Benefit(DomainModel):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="benefits"
    )
    description = models.CharField(_("benefit"), max_length=300)
    indicator = models.CharField(_("indicator"), max_length=200, blank=True)
    target_value = models.CharField(_("target"), max_length=100, blank=True)
    realised_value = models.CharField(_("realised"), max_length=100, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("benefit")
        ordering = ["id"]

    def __str__(self):
        return self.description


class ReferenceClass(DomainModel):
    """A named set of (earlier, later) pairs for reference-class forecasting.

    ``organisation`` is empty for the class omslag ships, which every organisation may use.
    """

    pairs: "RelatedManager[ReferencePair]"

    class Kind(models.TextChoices):
        COST = "cost", _("cost")
        SCHEDULE = "schedule", _("schedule (remaining duration)")

    class Origin(models.TextChoices):
        SHIPPED = "shipped", _("shipped with omslag")
        OWN_PROJECTS = "own_projects", _("built from the organisation's projects")
        FILE = "file", _("imported from a file")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reference_classes",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COST)
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices)
    source = models.TextField(_("source"), blank=True, max_length=4000)
    limits = models.TextField(_("limits"), blank=True, max_length=4000)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("reference class")
        verbose_name_plural = _("reference classes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                condition=models.Q(deleted_at__isnull=True),
                name="reference_class_unique_name",
                violation_error_message=_("There is already a reference class with this name."),
            ),
        ]

    def __str__(self):
        return self.name


class ReferencePair(models.Model):
    reference_class = models.ForeignKey(
        ReferenceClass, on_delete=models.CASCADE, related_name="pairs"
    )
    earlier = models.FloatField(_("earlier estimate"))
    later = models.FloatField(_("later estimate"))
    size = models.FloatField(_("size"), null=True, blank=True)
    label = models.CharField(_("label"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.earlier} → {self.later}"


class ProjectFacetCells(StoredFigure):
    """Per organisation, its own live projects counted per combination of the list's facet
    values (status, colour, cost bucket, review advice): the facet counts of any organisation
    and any combination of those filters add up from these cells without scanning projects."""

    organisation_id: int

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    # [[status, colour, cost_bucket, has_review_advice, count], ...]
    cells = models.JSONField(default=list)

    class Meta:
        verbose_name = _("stored facet counts of projects")


class PortfolioForecastStored(StoredFigure):
    """A portfolio forecast (Monte Carlo) as computed once for an organisation, with or
    without the organisations below it, a reference class and the simulation's settings."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    with_children = models.BooleanField()
    reference_class = models.ForeignKey(ReferenceClass, on_delete=models.CASCADE, related_name="+")
    include_no_longer_reported = models.BooleanField()
    iterations = models.PositiveIntegerField()
    seed = models.IntegerField()
    # The result's figures (None: nothing to forecast, ``problem`` says why) and every
    # simulated total as float64 bytes, so the page's histogram is the one computed.
    result = models.JSONField(null=True)
    totals = models.BinaryField(default=b"")
    problem = models.TextField(blank=True)

    class Meta:
        verbose_name = _("stored portfolio forecast")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "organisation",
                    "with_children",
                    "reference_class",
                    "include_no_longer_reported",
                    "iterations",
                    "seed",
                ],
                name="portfolio_forecast_stored_unique",
            )
        ]


class ReportingCurrency(models.Model):
    """The currency an organisation adds its projects' amounts up in; without one, that of the
    nearest organisation above it, and euro at the top."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    currency = models.CharField(_("reporting currency"), max_length=3, default="EUR")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reporting currency")

    def __str__(self):
        return self.currency


class ExchangeRate(models.Model):
    """A rate an organisation states: one unit of ``currency`` is ``rate`` units of its
    ``reporting_currency``, as of a date, with where the rate comes from. A stated rate is
    never changed: a new rate is a new row, so every earlier rate stays on record."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    currency = models.CharField(_("currency"), max_length=3)
    reporting_currency = models.CharField(_("reporting currency"), max_length=3)
    rate = models.DecimalField(_("rate"), max_digits=24, decimal_places=12)
    as_of = models.DateField(_("as of"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    stated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-as_of", "-pk"]
        indexes = [models.Index(fields=["organisation", "currency", "as_of"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self):
        return f"1 {self.currency} = {self.rate} {self.reporting_currency} ({self.as_of})"


# The parts of a project (the part_* services write them).
Part = Milestone | QualityReview | ReviewAdvice | ParliamentaryPaper | Benefit
