"""Safeguard assessments: templates as data (versioned questionnaires), assessments of an
experiment, project or application with their answers, risks and mitigations, and the
per-organisation gate requirements."""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from omslag.common.models import DomainModel
from omslag.common.stored_figures import StoredFigure
from omslag.common.subjects import assessment_subject, assessment_subjects

if TYPE_CHECKING:  # the reverse relations, for mypy without django-stubs' plugin
    from django.db.models.fields.related_descriptors import RelatedManager


class TemplateKind(models.TextChoices):
    PRIVACY_PRESCAN = "privacy_prescan", _("privacy pre-scan")
    DPIA = "dpia", _("data protection impact assessment (DPIA)")
    IAMA = "iama", _("human rights and algorithms (IAMA)")
    ACCESSIBILITY = "accessibility", _("accessibility and inclusion")
    SECURITY = "security", _("security baseline (BIO)")
    WORKERS = "workers", _("workers' position")
    MISINFORMATION = "misinformation", _("misinformation and communication")
    AI_ACT = "ai_act", _("AI Act risk class")
    ENVIRONMENT = "environment", _("environmental footprint")
    OTHER = "other", _("other")


class AssessmentTemplate(DomainModel):
    """A versioned questionnaire. Once an assessment uses it, it never changes: a new version
    is a new template (unique by urn and version)."""

    items: "RelatedManager[TemplateItem]"
    assessments: "RelatedManager[Assessment]"

    class Source(models.TextChoices):
        OWN = "own", _("omslag's own")
        IMPORTED = "imported", _("imported")

    key = models.SlugField(_("key"), max_length=80)
    urn = models.CharField(_("URN"), max_length=200)
    version = models.CharField(_("version"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=TemplateKind.choices)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    source_format = models.CharField(_("file format"), max_length=40, blank=True)
    outcome_rules = models.JSONField(
        _("outcome rules"),
        default=list,
        blank=True,
        help_text=_("Score thresholds: [{min_score, outcome, label, label_en}], highest first."),
    )
    extra = models.JSONField(
        _("more from the file"),
        default=dict,
        blank=True,
        help_text=_("What the file gave at the top that omslag keeps as given (evaluation rules)."),
    )
    content_hash = models.CharField(max_length=64, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("assessment template")
        ordering = ["kind", "name", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["urn", "version"], name="safeguards_template_urn_version"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.version})"


class ItemType(models.TextChoices):
    TEXT = "text", _("short text")
    LONG_TEXT = "long_text", _("long text")
    SINGLE_CHOICE = "single_choice", _("single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("multiple choice")
    DATE = "date", _("date")
    NUMBER = "number", _("number")
    FILE = "file", _("file reference")
    INFO = "info", _("information")
    GROUP = "group", _("group")


class TemplateItem(models.Model):
    """One question, text or group of a template; ``source_id`` is the id in the file."""

    parent_id: int | None

    template = models.ForeignKey(AssessmentTemplate, on_delete=models.CASCADE, related_name="items")
    source_id = models.CharField(_("id in the file"), max_length=50)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    order = models.PositiveIntegerField(_("order"), help_text=_("Position in the whole file."))
    type = models.CharField(_("type"), max_length=20, choices=ItemType.choices)
    label = models.TextField(_("label"))
    label_en = models.TextField(_("label in English"), blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    required = models.BooleanField(_("required"), default=False)
    repeatable = models.BooleanField(_("repeatable"), default=False)
    options = models.JSONField(_("options"), default=list, blank=True)
    condition = models.JSONField(_("condition"), null=True, blank=True)
    extra = models.JSONField(_("other source attributes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("template item")
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "source_id"], name="safeguards_item_source_id"
            )
        ]

    def __str__(self):
        return f"{self.source_id} {self.label[:60]}"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class Assessment(DomainModel):
    """An assessment of exactly one experiment, project or application, with the template
    version it was started on."""

    # Foreign keys' ids and reverse relations, which mypy knows only with django-stubs' plugin.
    organisation_id: int
    answers: "RelatedManager[Answer]"
    risks: "RelatedManager[Risk]"

    Status = AssessmentStatus

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    template = models.ForeignKey(
        AssessmentTemplate,
        verbose_name=_("template"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TemplateKind.choices)
    experiment = models.ForeignKey(
        "innovation.Experiment",
        verbose_name=_("experiment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    application = models.ForeignKey(
        "portfolio.Application",
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=AssessmentStatus.choices, default="draft"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True, max_length=4000)
    score = models.IntegerField(_("score"), default=0)
    outcome = models.CharField(_("outcome"), max_length=50, blank=True)
    outcome_label = models.CharField(_("outcome label"), max_length=300, blank=True)
    repeat_counts = models.JSONField(
        _("instances of repeatable items"), default=dict, blank=True, editable=False
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "repeat_counts"])

    class Meta:
        verbose_name = _("assessment")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(experiment__isnull=False, project__isnull=True, application__isnull=True)
                    | Q(experiment__isnull=True, project__isnull=False, application__isnull=True)
                    | Q(experiment__isnull=True, project__isnull=True, application__isnull=False)
                ),
                name="safeguards_assessment_one_subject",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "kind", "status"]),
            models.Index(fields=["experiment", "kind", "status"]),
            models.Index(fields=["project", "kind", "status"]),
            models.Index(fields=["application", "kind", "status"]),
            # The list of an organisation's assessments, newest change first, page by page.
            models.Index(fields=["organisation", "-updated_at"], name="assessment_org_updated"),
            models.Index(
                fields=["organisation", "status", "-updated_at"], name="assessment_org_status"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def subject(self):
        return self.experiment or self.project or self.application

    @property
    def subject_type(self) -> str:
        return next(
            subject.key
            for subject in assessment_subjects()
            if getattr(self, f"{subject.key}_id", None)
        )

    def clean(self):
        subjects = [s for s in (self.experiment_id, self.project_id, self.application_id) if s]
        if len(subjects) != 1:
            raise ValidationError(
                _("An assessment is of exactly one experiment, project or application.")
            )


class Answer(DomainModel):
    """The answer to one item; ``repeat`` is the repeat path ("" outside repeatable groups,
    "0", "1.0" inside nested ones), so every repetition has its own answer."""

    # Who deletes it: simple-history reads the person for the deletion's history row from it.
    _history_user: Any

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(TemplateItem, on_delete=models.PROTECT, related_name="+")
    repeat = models.CharField(_("repeat"), max_length=50, blank=True, default="")
    value = models.JSONField(_("value"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("answer")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "item", "repeat"], name="safeguards_answer_unique"
            )
        ]

    def __str__(self):
        return f"{self.item.source_id}[{self.instance}]"


HIGH_RISK_SCORE = 15


class Risk(DomainModel):
    mitigations: "RelatedManager[Mitigation]"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="risks")
    description = models.TextField(_("description"), max_length=4000)
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    impact = models.PositiveSmallIntegerField(
        _("impact"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    score = models.PositiveSmallIntegerField(_("score"), default=1, editable=False)
    owner = models.CharField(_("owner"), max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("risk")
        ordering = ["-score", "pk"]
        indexes = [models.Index(fields=["assessment", "score"])]

    def __str__(self):
        return self.description[:80]

    @property
    def is_high(self) -> bool:
        return self.score >= HIGH_RISK_SCORE


class Mitigation(DomainModel):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IMPLEMENTED = "implemented", _("implemented")
        APPROVED = "approved", _("approved")

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="mitigations")
    description = models.TextField(_("description"), max_length=4000)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default="open")

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("mitigation")
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["risk", "status"]),
            models.Index(fields=["status", "due_date"]),
        ]

    def __str__(self):
        return self.description[:80]


class GateRequirement(DomainModel):
    """One rule of an organisation: what a subject needs before it reaches ``stage``. An
    organisation without any uses the defaults in gates.py."""

    class Subject(models.TextChoices):
        EXPERIMENT = "experiment", _("experiment")
        PROJECT = "project", _("project")
        APPLICATION = "application", _("application")

    class Need(models.TextChoices):
        ASSESSMENT = "assessment", _("an approved assessment")
        NO_OPEN_HIGH_RISK = "no_open_high_risk", _("no high risk without an approved mitigation")

    class When(models.TextChoices):
        ALWAYS = "always", _("always")
        PERSONAL_DATA = "personal_data", _("when it processes personal data")
        PUBLIC_FACING = "public_facing", _("when it is public-facing")
        PRESCAN_REQUIRES_DPIA = "prescan_requires_dpia", _("when the privacy pre-scan says so")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="gate_requirements",
    )
    subject = models.CharField(_("applies to"), max_length=12, choices=Subject.choices)
    stage = models.CharField(
        _("before stage or status"),
        max_length=20,
        blank=True,
        help_text=_(
            "Experiments: a stage (this one and every later one); projects: a status; "
            "applications: leave empty."
        ),
    )
    need = models.CharField(_("needs"), max_length=20, choices=Need.choices, default="assessment")
    template_kind = models.CharField(
        _("assessment"), max_length=20, choices=TemplateKind.choices, blank=True
    )
    when = models.CharField(_("when"), max_length=24, choices=When.choices, default="always")

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("gate requirement")
        ordering = ["subject", "stage", "pk"]

    def __str__(self):
        return f"{self.subject} → {self.stage}: {self.need} {self.template_kind}"

    def clean(self):
        if self.need == self.Need.ASSESSMENT and not self.template_kind:
            raise ValidationError({"template_kind": _("Choose the assessment that is needed.")})
        kind = assessment_subject(self.subject)
        allowed = kind.stages() if kind else []
        if self.stage not in allowed:
            raise ValidationError(
                {"stage": _("Use one of: %(allowed)s.") % {"allowed": ", ".join(allowed) or "—"}}
            )


class CoverageFigures(StoredFigure):
    """The safeguard figures of one organisation (its own subjects, risks and mitigations,
    measured against its own rules) on a day: per kind of subject how many there are and how
    many have every approved assessment their rules require, the open high risks and the
    mitigations overdue on that day. The board dashboard adds the rows of the organisations in
    scope (``safeguards.coverage_stored``)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    figures = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("stored safeguard figures of the board dashboard")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "day"], name="coverage_figures_unique_day"
            )
        ]
