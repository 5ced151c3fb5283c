"""The application landscape and ICT spend of an organisation, split into run / change /
innovate, with targets and scenarios."""

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from omslag.analysis.spend import derive_time_position
from omslag.common.models import DomainModel
from omslag.common.stored_figures import StoredFigure

if TYPE_CHECKING:  # the reverse relations, for mypy without django-stubs' plugin
    from django.db.models.fields.related_descriptors import RelatedManager

YEAR_MIN, YEAR_MAX = 1990, 2100
year_validators = [MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
score_validators = [MinValueValidator(1), MaxValueValidator(5)]


class Level(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


class TimePosition(models.TextChoices):
    TOLERATE = "tolerate", _("Tolerate")
    INVEST = "invest", _("Invest")
    MIGRATE = "migrate", _("Migrate")
    ELIMINATE = "eliminate", _("Eliminate")


class Application(DomainModel):
    """A system in the application landscape."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_USE = "in_use", _("in use")
        BEING_RETIRED = "being_retired", _("being retired")
        RETIRED = "retired", _("retired")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    name = models.CharField(_("name"), max_length=200)
    owner_unit = models.CharField(_("owning unit"), max_length=200, blank=True)
    owner_name = models.CharField(_("owner"), max_length=200, blank=True)
    purpose = models.TextField(_("purpose"), blank=True, max_length=4000)
    vendor = models.CharField(_("vendor"), max_length=200, blank=True)
    technology = models.CharField(_("technology"), max_length=200, blank=True)
    go_live_year = models.PositiveSmallIntegerField(
        _("go-live year"), null=True, blank=True, validators=year_validators
    )
    end_of_support = models.DateField(_("end of support"), null=True, blank=True)
    users = models.PositiveIntegerField(_("number of users"), null=True, blank=True)
    availability = models.CharField(
        _("availability (BIO)"), max_length=10, choices=Level.choices, default=Level.MEDIUM
    )
    integrity = models.CharField(
        _("integrity (BIO)"), max_length=10, choices=Level.choices, default=Level.MEDIUM
    )
    confidentiality = models.CharField(
        _("confidentiality (BIO)"), max_length=10, choices=Level.choices, default=Level.MEDIUM
    )
    business_value = models.PositiveSmallIntegerField(
        _("business value"), validators=score_validators, help_text=_("1 (low) to 5 (high)")
    )
    business_value_reason = models.CharField(
        _("why this business value"), max_length=500, blank=True
    )
    technical_condition = models.PositiveSmallIntegerField(
        _("technical condition"), validators=score_validators, help_text=_("1 (poor) to 5 (good)")
    )
    technical_condition_reason = models.CharField(
        _("why this technical condition"), max_length=500, blank=True
    )
    status = models.CharField(
        _("lifecycle status"), max_length=20, choices=Status.choices, default=Status.IN_USE
    )
    time_override = models.CharField(
        _("TIME position chosen by hand"),
        max_length=10,
        choices=TimePosition.choices,
        blank=True,
        help_text=_("Leave empty to derive it from business value and technical condition."),
    )
    time_override_reason = models.CharField(_("why chosen by hand"), max_length=500, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                condition=models.Q(deleted_at__isnull=True),
                name="application_unique_name_per_organisation",
                violation_error_message=_(
                    "This organisation already has an application with this name."
                ),
            )
        ]
        # One per sort of the application list (page and API), so that a page of a large
        # landscape reads its first rows in order instead of sorting them all; filters narrow
        # by organisation first. The TIME position and run cost are computed, not indexed;
        # the three statuses are too few for an index to beat sorting (measured).
        indexes = [
            models.Index(fields=["organisation", "name"]),
            models.Index(fields=["organisation", "end_of_support"]),
            models.Index(fields=["organisation", "go_live_year"], name="application_org_go_live"),
            models.Index(fields=["organisation", "business_value"], name="application_org_value"),
            models.Index(
                fields=["organisation", "technical_condition"], name="application_org_condition"
            ),
            models.Index(fields=["organisation", "vendor"], name="application_org_vendor"),
            # The descending sorts of the columns that may be empty (empty last) have their
            # own indexes on PostgreSQL (migration 0003); SQLite cannot index NULLS LAST.
        ]

    def __str__(self):
        return self.name

    @property
    def derived_time_position(self) -> str:
        return derive_time_position(self.business_value, self.technical_condition)

    @property
    def time_position(self) -> str:
        return self.time_override or self.derived_time_position

    def get_time_position_display(self) -> str:
        return str(TimePosition(self.time_position).label)

    def clean(self):
        errors = {}
        if self.time_override and not self.time_override_reason.strip():
            errors["time_override_reason"] = _("Say why the TIME position is chosen by hand.")
        if (
            self.end_of_support
            and self.go_live_year
            and self.end_of_support.year < self.go_live_year
        ):
            errors["end_of_support"] = _(
                "The end of support (%(eos)s) lies before the go-live year (%(year)s)."
            ) % {"eos": self.end_of_support.isoformat(), "year": self.go_live_year}
        if errors:
            raise ValidationError(errors)


class Dependency(DomainModel):
    """``application`` needs ``depends_on`` to work. Cycles are allowed and shown."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="dependencies",
    )
    depends_on = models.ForeignKey(
        Application,
        verbose_name=_("depends on"),
        on_delete=models.CASCADE,
        related_name="dependents",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "depends_on"],
                condition=models.Q(deleted_at__isnull=True),
                name="dependency_unique_pair",
                violation_error_message=_("This dependency is already recorded."),
            )
        ]

    def __str__(self):
        return f"{self.application} → {self.depends_on}"

    def clean(self):
        if self.application_id and self.application_id == self.depends_on_id:
            raise ValidationError({"depends_on": _("An application cannot depend on itself.")})
        if (
            self.application_id
            and self.depends_on_id
            and self.application.organisation_id != self.depends_on.organisation_id
        ):
            raise ValidationError(
                {
                    "depends_on": _(
                        "A dependency must be on an application of the same organisation."
                    )
                }
            )


class SpendLine(DomainModel):
    """An amount of ICT spend in a year: budget or actual, run / change / innovate."""

    class Kind(models.TextChoices):
        BUDGET = "budget", _("budget")
        ACTUAL = "actual", _("actual")

    class Category(models.TextChoices):
        RUN = "run", _("run")
        CHANGE = "change", _("change")
        INNOVATE = "innovate", _("innovate")

    class CostType(models.TextChoices):
        LICENCES = "licences", _("licences")
        HOSTING = "hosting", _("hosting")
        STAFF = "staff", _("own staff")
        EXTERNAL_STAFF = "external_staff", _("external staff")
        MAINTENANCE = "maintenance", _("maintenance contracts")
        OTHER = "other", _("other")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="spend_lines",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    amount = models.DecimalField(
        _("amount (euro)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    kind = models.CharField(_("budget or actual"), max_length=10, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    cost_type = models.CharField(
        _("cost type"), max_length=20, choices=CostType.choices, default=CostType.OTHER
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="spend_lines",
    )
    pays_for = models.CharField(
        _("pays for"),
        max_length=200,
        blank=True,
        help_text=_("The project or experiment it pays for, when not an application."),
    )
    description = models.CharField(_("description"), max_length=500, blank=True)
    reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_(
            "The line's key in the financial system; a re-import updates the line with "
            "the same reference."
        ),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("spend line")
        verbose_name_plural = _("spend lines")
        ordering = ["-year", "category", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"],
                condition=models.Q(deleted_at__isnull=True) & ~models.Q(reference=""),
                name="spend_line_unique_reference",
                violation_error_message=_("Another spend line already has this reference."),
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "year", "kind", "category"]),
            models.Index(fields=["application", "year"]),
        ]

    def __str__(self):
        return f"{self.year} {self.get_category_display()} {self.amount}"

    def clean(self):
        if (
            self.application_id
            and self.organisation_id
            and self.application.organisation_id != self.organisation_id
        ):
            raise ValidationError(
                {"application": _("The application belongs to another organisation.")}
            )


class SpendTarget(DomainModel):
    """The balance an organisation aims for by a year, e.g. innovate ≥ 10%, run ≤ 65% in 2030."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="spend_targets",
    )
    target_year = models.PositiveSmallIntegerField(_("target year"), validators=year_validators)
    innovate_min_percent = models.DecimalField(
        _("innovate at least (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    run_max_percent = models.DecimalField(
        _("run at most (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("spend target")
        ordering = ["target_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "target_year"],
                condition=models.Q(deleted_at__isnull=True),
                name="spend_target_unique_year",
                violation_error_message=_("There is already a target for this year."),
            )
        ]

    def __str__(self):
        return str(self.target_year)

    def clean(self):
        if self.innovate_min_percent is None and self.run_max_percent is None:
            raise ValidationError(_("Give at least one bound: innovate at least or run at most."))
        if (
            self.innovate_min_percent is not None
            and self.run_max_percent is not None
            and self.innovate_min_percent + (100 - self.run_max_percent) > 100
        ):
            raise ValidationError(_("These bounds cannot both be met."))


class Scenario(DomainModel):
    """A named set of planned changes, projected onto the balance year by year."""

    changes: "RelatedManager[ScenarioChange]"

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="scenarios",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    base_year = models.PositiveSmallIntegerField(
        _("base year"),
        validators=year_validators,
        help_text=_("The year whose spend is projected forward (actuals, else budget)."),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("scenario")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                condition=models.Q(deleted_at__isnull=True),
                name="scenario_unique_name",
                violation_error_message=_("There is already a scenario with this name."),
            )
        ]

    def __str__(self):
        return self.name


class ScenarioChange(DomainModel):
    application_id: int | None

    class Kind(models.TextChoices):
        RETIRE_APPLICATION = "retire_application", _("retire an application")
        START_PROJECT = "start_project", _("start a project")
        STOP_PROJECT = "stop_project", _("stop a project")
        CHANGE_INNOVATE = "change_innovate", _("change the innovation budget")

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(_("kind of change"), max_length=20, choices=Kind.choices)
    label = models.CharField(_("label"), max_length=200, blank=True)
    from_year = models.PositiveSmallIntegerField(_("from year"), validators=year_validators)
    to_year = models.PositiveSmallIntegerField(
        _("to year"),
        null=True,
        blank=True,
        validators=year_validators,
        help_text=_("Last year of a project (inclusive)."),
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scenario_changes",
    )
    amount = models.DecimalField(
        _("amount per year (euro)"),
        max_digits=14,
        decimal_places=2,
        help_text=_(
            "Run cost that stops, project cost per year, or the change of the innovation "
            "budget (may be negative)."
        ),
    )
    replacement_amount = models.DecimalField(
        _("new run cost per year (euro)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("For a retirement: the run cost of what replaces it."),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("scenario change")
        ordering = ["from_year", "id"]

    def __str__(self):
        return self.label or self.get_kind_display()

    def clean(self):
        errors = {}
        if self.kind == self.Kind.RETIRE_APPLICATION and not self.application_id:
            errors["application"] = _("Choose the application that is retired.")
        if self.kind == self.Kind.START_PROJECT:
            if self.to_year is None:
                errors["to_year"] = _("Give the last year of the project.")
            elif self.to_year < self.from_year:
                errors["to_year"] = _("The last year comes before the first year.")
        if self.kind != self.Kind.CHANGE_INNOVATE and self.amount is not None and self.amount < 0:
            errors["amount"] = _("The amount must not be negative.")
        if (
            self.application_id
            and self.scenario_id
            and self.application.organisation_id != self.scenario.organisation_id
        ):
            errors["application"] = _("The application belongs to another organisation.")
        if errors:
            raise ValidationError(errors)


class PortfolioFigures(models.Model):
    """Figures computed from an organisation's register and stored, so that a page reads one
    row instead of walking the whole estate: the balance per year, and the applications'
    TIME positions, run cost and fan-in with the dependency cycles (legacy risk).

    Every change of the inputs raises ``inputs_version`` in the same transaction; a task
    enqueued on commit recomputes and records which ``inputs_version`` it computed from.
    While ``computed_version`` is behind, the figures are shown as being updated.
    """

    class Kind(models.TextChoices):
        BALANCE = "balance", _("balance per year")
        LEGACY = "legacy", _("legacy risk and TIME positions")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind of figures"), max_length=10, choices=Kind.choices)
    inputs_version = models.PositiveBigIntegerField(_("version of the inputs"), default=1)
    inputs_changed_at = models.DateTimeField(_("inputs changed at"), default=timezone.now)
    computed_version = models.PositiveBigIntegerField(
        _("version of the inputs computed from"), default=0
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    figures = models.JSONField(_("figures"), default=dict)

    class Meta:
        verbose_name = _("stored figures")
        verbose_name_plural = _("stored figures")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"], name="portfolio_figures_unique_kind"
            )
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.kind} {self.computed_version}/{self.inputs_version}"

    @property
    def pending(self) -> bool:
        return self.computed_version < self.inputs_version


class LegacyTileFigures(StoredFigure):
    """The board dashboard's legacy figures of one organisation (its own applications only) on
    a day: how many applications are past or within 12 months of the end of support, their
    run cost in the year before, and its five highest legacy risks. A roll-up adds the rows of
    the organisations in scope (``portfolio.legacy_tile``), so it reads one row per
    organisation in one query instead of summing the spend lines of the whole estate."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    figures = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("stored legacy figures of the board dashboard")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "day"], name="legacy_tile_figures_unique_day"
            )
        ]
