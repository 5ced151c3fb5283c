"""The innovation pipeline: challenges and ideas, experiments through their stages with
design, measurements, evaluations and decisions, implementation tracks and lessons."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from omslag.common.models import DomainModel
from omslag.common.stored_figures import StoredFigure

EVIDENCE_LEVELS = [(n, str(n)) for n in range(1, 6)]


class Challenge(DomainModel):
    class Visibility(models.TextChoices):
        INTERNAL = "internal", _("internal")
        PUBLIC = "public", _("public")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="challenges",
    )
    title = models.CharField(_("title"), max_length=200)
    problem_statement = models.TextField(_("problem statement"), max_length=8000)
    offer = models.TextField(
        _("what the organisation offers"),
        blank=True,
        max_length=4000,
        help_text=_("For example a pilot budget, data, a place to test, or a team to work with."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    # For mypy only (no django-stubs plugin): the attribute Django adds for the foreign key.
    organisation_id: int

    class Meta:
        verbose_name = _("challenge")
        ordering = ["-opens_on", "title"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.closes_on and self.opens_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("A challenge cannot close before it opens.")})


class Idea(DomainModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        UNDER_REVIEW = "under_review", _("under review")
        ACCEPTED = "accepted", _("accepted: became an experiment")
        DECLINED = "declined", _("declined")
        MERGED = "merged", _("merged into another idea")

    class Source(models.TextChoices):
        STAFF = "staff", _("staff")
        PUBLIC = "public", _("public proposal")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="ideas",
    )
    challenge = models.ForeignKey(
        Challenge,
        verbose_name=_("challenge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=8000)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.STAFF
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(
        _("author name"),
        max_length=200,
        blank=True,
        help_text=_("For proposals from outside the organisation."),
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.SUBMITTED
    )
    status_reason = models.TextField(_("reason"), blank=True, max_length=4000)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_ideas",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    # For mypy only (no django-stubs plugin): the attributes Django adds for the foreign key
    # and the reverse relation the selectors read.
    organisation_id: int
    experiments: "models.Manager[Experiment]"

    class Meta:
        verbose_name = _("idea")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if (
            self.status in (self.Status.DECLINED, self.Status.MERGED)
            and not self.status_reason.strip()
        ):
            errors["status_reason"] = _("Say why the idea is declined or merged.")
        if self.status == self.Status.MERGED and not self.merged_into_id:
            errors["merged_into"] = _("Choose the idea it is merged into.")
        if self.merged_into_id and self.merged_into_id == self.pk:
            errors["merged_into"] = _("An idea cannot be merged into itself.")
        if errors:
            raise ValidationError(errors)


class Stage(models.TextChoices):
    IDEA = "idea", _("idea")
    DESIGN = "design", _("design")
    RUNNING = "running", _("running")
    EVALUATION = "evaluation", _("evaluation")
    DECISION = "decision", _("decision")
    IMPLEMENTATION = "implementation", _("implementation")
    IN_OPERATION = "in_operation", _("in operation")
    STOPPED = "stopped", _("stopped")


STAGE_ORDER = [
    Stage.IDEA,
    Stage.DESIGN,
    Stage.RUNNING,
    Stage.EVALUATION,
    Stage.DECISION,
    Stage.IMPLEMENTATION,
    Stage.IN_OPERATION,
]


# The default group labels are data (the group column of measurement files), shown translated.
DEFAULT_GROUP_NAMES = {"control": _("control"), "treatment": _("treatment")}


class Experiment(DomainModel):
    class DesignType(models.TextChoices):
        AB = "ab", _("randomised A/B")
        PILOT_CONTROL = "pilot_control", _("pilot vs control over before/after periods")
        BEFORE_AFTER = "before_after", _("before/after only")
        QUALITATIVE = "qualitative", _("qualitative")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("higher is better")
        DECREASE = "decrease", _("lower is better")

    class MetricType(models.TextChoices):
        MEAN = "mean", _("average of a number per unit")
        PROPORTION = "proportion", _("share of units (yes/no)")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="experiments",
    )
    title = models.CharField(_("title"), max_length=200)
    idea = models.ForeignKey(
        Idea,
        verbose_name=_("idea"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experiments",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("experiment owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_team = models.CharField(
        _("team"),
        max_length=200,
        blank=True,
        help_text=_("The innovation team that runs the experiment."),
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.IDEA)
    stage_changed_at = models.DateTimeField(_("in this stage since"), null=True, blank=True)
    stopped_reason = models.TextField(_("why it stopped"), blank=True, max_length=4000)

    hypothesis = models.TextField(_("hypothesis"), blank=True, max_length=4000)
    intervention = models.TextField(_("intervention"), blank=True, max_length=4000)
    primary_metric = models.CharField(_("primary metric"), max_length=200, blank=True)
    metric_type = models.CharField(
        _("kind of metric"), max_length=12, choices=MetricType.choices, default=MetricType.MEAN
    )
    metric_unit = models.CharField(_("unit"), max_length=50, blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    baseline_value = models.FloatField(_("baseline value"), null=True, blank=True)
    minimum_detectable_effect = models.FloatField(
        _("minimum detectable effect"),
        null=True,
        blank=True,
        help_text=_("The smallest change worth finding, in the metric's unit."),
    )
    standard_deviation = models.FloatField(
        _("standard deviation"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Expected spread of the metric, to turn the effect into a standardised size."),
    )
    secondary_metrics = models.TextField(
        _("secondary metrics"), blank=True, max_length=2000, help_text=_("One per line.")
    )
    design_type = models.CharField(
        _("design"), max_length=20, choices=DesignType.choices, blank=True
    )
    alpha = models.FloatField(
        _("significance level"),
        default=0.05,
        validators=[MinValueValidator(0.0001), MaxValueValidator(0.5)],
    )
    power = models.FloatField(
        _("power"), default=0.8, validators=[MinValueValidator(0.5), MaxValueValidator(0.999)]
    )
    sample_size_per_group = models.PositiveIntegerField(_("units per group"), null=True, blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (euro)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    partners = models.TextField(
        _("partners"),
        blank=True,
        max_length=2000,
        help_text=_("Companies and knowledge institutes, one per line."),
    )
    evidence_level_aimed = models.PositiveSmallIntegerField(
        _("evidence level aimed for"),
        null=True,
        blank=True,
        choices=EVIDENCE_LEVELS,
        help_text=_("Nesta standards of evidence, 1 to 5."),
    )
    processes_personal_data = models.BooleanField(_("processes personal data"), default=False)
    public_facing = models.BooleanField(_("public-facing service"), default=False)
    control_label = models.CharField(_("control group label"), max_length=50, default="control")
    treatment_label = models.CharField(
        _("treatment group label"), max_length=50, default="treatment"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    # For mypy only (no django-stubs plugin): the attributes Django adds for the foreign keys
    # and the reverse relations the selectors and services read, and ``scaled_on``, set by
    # selectors.scaled_without_owner_queryset (an annotation, not a field).
    organisation_id: int
    idea_id: int | None
    transitions: "models.Manager[StageTransition]"
    summaries: "models.Manager[MeasurementSummary]"
    uploads: "models.Manager[MeasurementUpload]"
    evaluations: "models.Manager[Evaluation]"
    decisions: "models.Manager[Decision]"
    lessons: "models.Manager[Lesson]"
    scaled_on: dt.date

    class Meta:
        verbose_name = _("experiment")
        ordering = ["title"]
        indexes = [
            models.Index(
                fields=["organisation", "stage", "-stage_changed_at"], name="experiment_board"
            ),
            models.Index(fields=["organisation", "title"]),
        ]

    def __str__(self):
        return self.title

    def group_name(self, label: str) -> str:
        """A group as the page names it: the labels omslag gives by default ("control",
        "treatment", also the values in measurement files) in the reader's language."""
        return str(DEFAULT_GROUP_NAMES.get(label, label))

    @property
    def control_name(self) -> str:
        return self.group_name(self.control_label)

    @property
    def treatment_name(self) -> str:
        return self.group_name(self.treatment_label)

    def clean(self):
        errors = {}
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("The end comes before the start.")
        if self.control_label and self.control_label == self.treatment_label:
            errors["treatment_label"] = _("The two groups need different labels.")
        if errors:
            raise ValidationError(errors)


class StageTransition(models.Model):
    """Every move of an experiment between stages; the funnel is computed from these."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.TextField(blank=True, max_length=4000)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["experiment", "at"])]

    def __str__(self):
        return f"{self.experiment}: {self.from_stage} → {self.to_stage}"


class MeasurementSummary(models.Model):
    """Sufficient statistics of one metric for one group in one period: per-unit uploads are
    reduced to these as they stream in; summaries can also be given directly."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="summaries")
    metric = models.CharField(_("metric"), max_length=100)
    group = models.CharField(_("group"), max_length=50)
    period = models.CharField(
        _("period"),
        max_length=50,
        blank=True,
        help_text=_("e.g. before / after; empty for one period"),
    )
    count = models.PositiveIntegerField(_("count"))
    total = models.FloatField(_("sum"))
    sum_of_squares = models.FloatField(_("sum of squares"))
    squared_deviations = models.FloatField(
        _("sum of squared deviations"),
        null=True,
        blank=True,
        help_text=_(
            "About the mean, when known exactly (given as mean and standard deviation): a "
            "small spread beside a large mean that the sum of squares cannot carry."
        ),
    )
    successes = models.PositiveIntegerField(_("successes"), null=True, blank=True)
    source = models.CharField(max_length=20, default="summary")  # summary | upload | api
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["metric", "period", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["experiment", "metric", "group", "period"], name="summary_unique_cell"
            )
        ]

    def __str__(self):
        return f"{self.metric} {self.group} {self.period}"


class MeasurementUpload(models.Model):
    """A per-unit file, kept as compact arrays so panel methods (difference-in-differences
    with clustered errors) can be re-run on the units."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="uploads")
    filename = models.CharField(max_length=255)
    rows = models.PositiveIntegerField()
    metrics = models.JSONField(default=list)
    arrays = models.FileField(upload_to="measurements/%Y/%m/")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename


class Evaluation(models.Model):
    """A stored statistical result with its inputs, method and method version: re-running the
    method on the inputs gives the same result."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="evaluations")
    metric = models.CharField(max_length=100)
    method = models.CharField(max_length=100)
    method_version = models.CharField(max_length=20)
    inputs = models.JSONField()
    result = models.JSONField()
    positive = models.BooleanField(default=False, help_text="Significant in the desired direction.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # For mypy only (no django-stubs plugin): the attribute Django adds for the foreign key.
    experiment_id: int

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.method} {self.metric}"


class Decision(DomainModel):
    class Outcome(models.TextChoices):
        GO = "go", _("go")
        ITERATE = "iterate", _("iterate")
        STOP = "stop", _("stop")
        SCALE = "scale", _("scale")

    experiment = models.ForeignKey(
        Experiment, verbose_name=_("experiment"), on_delete=models.CASCADE, related_name="decisions"
    )
    stage = models.CharField(_("at stage"), max_length=20, choices=Stage.choices)
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_on = models.DateField(_("decided on"))
    rationale = models.TextField(_("why"), max_length=8000)
    evidence_level = models.PositiveSmallIntegerField(
        _("evidence level reached"), choices=EVIDENCE_LEVELS
    )
    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("decision")
        ordering = ["-decided_on", "-id"]

    def __str__(self):
        return f"{self.get_outcome_display()} ({self.decided_on})"


class ImplementationTrack(DomainModel):
    class Funding(models.TextChoices):
        FREED_FROM_RUN = "freed_from_run", _("money freed from run")
        REGULAR = "regular", _("regular budget of the line organisation")
        GRANT = "grant", _("external grant")
        OTHER = "other", _("other")

    experiment = models.OneToOneField(
        Experiment,
        verbose_name=_("experiment"),
        on_delete=models.CASCADE,
        related_name="implementation",
    )
    owner_name = models.CharField(_("owner in the line organisation"), max_length=200)
    owner_unit = models.CharField(_("line unit"), max_length=200)
    same_team_reason = models.TextField(
        _("why the innovation team keeps it"),
        blank=True,
        max_length=2000,
        help_text=_("Only when the line unit is the experiment's own team."),
    )
    funding_source = models.CharField(_("funding"), max_length=20, choices=Funding.choices)
    funding_note = models.CharField(_("funding note"), max_length=300, blank=True)
    replaces_application = models.ForeignKey(
        "portfolio.Application",
        verbose_name=_("replaces application"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    adoption_target = models.PositiveIntegerField(
        _("adoption target"), null=True, blank=True, help_text=_("e.g. users or cases per month")
    )
    adoption_measured = models.PositiveIntegerField(_("adoption measured"), null=True, blank=True)
    go_live_date = models.DateField(_("go-live date"), null=True, blank=True)
    realised_benefits = models.TextField(_("realised benefits"), blank=True, max_length=8000)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("implementation track")

    def __str__(self):
        return f"{self.experiment} → {self.owner_unit}"

    def clean(self):
        errors = {}
        team = (self.experiment.owner_team or "").strip().lower() if self.experiment_id else ""
        if team and self.owner_unit.strip().lower() == team and not self.same_team_reason.strip():
            errors["owner_unit"] = _(
                "The owner must sit in the line organisation, not in the innovation team "
                "(%(team)s); give a reason if it has to stay there."
            ) % {"team": self.experiment.owner_team}
        if (
            self.replaces_application_id
            and self.experiment_id
            and self.replaces_application.organisation_id != self.experiment.organisation_id
        ):
            errors["replaces_application"] = _("The application belongs to another organisation.")
        if errors:
            raise ValidationError(errors)


class Lesson(DomainModel):
    experiment = models.ForeignKey(
        Experiment, verbose_name=_("experiment"), on_delete=models.CASCADE, related_name="lessons"
    )
    tried = models.TextField(_("what we tried"), max_length=8000)
    happened = models.TextField(_("what happened"), max_length=8000)
    differently = models.TextField(_("what we would do differently"), max_length=8000, blank=True)
    reusable_assets = models.TextField(
        _("reusable assets"),
        blank=True,
        max_length=4000,
        help_text=_("Code, designs, documents: one link per line."),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("lesson")
        ordering = ["-created_at"]

    def __str__(self):
        return self.tried[:60]


class PipelineSettings(models.Model):
    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="pipeline_settings"
    )
    stuck_after_months = models.PositiveSmallIntegerField(
        _("stuck after pilot: months"),
        default=6,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Months after a positive evaluation without an implementation track before an "
            "experiment is flagged as stuck after pilot."
        ),
    )

    def __str__(self):
        return str(self.stuck_after_months)


class FunnelFiguresStored(StoredFigure):
    """Funnel figures computed once for an organisation (with or without the organisations
    below it) on a day: the whole funnel (``kind`` funnel) or the 12 months up to that day
    (``kind`` window, the board dashboard's and the funnel page's recent counts)."""

    class Kind(models.TextChoices):
        FUNNEL = "funnel", _("funnel")
        WINDOW = "window", _("last 12 months")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    with_children = models.BooleanField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    day = models.DateField()
    figures = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("stored funnel figures")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "with_children", "kind", "day"],
                name="funnel_figures_stored_unique",
            )
        ]
