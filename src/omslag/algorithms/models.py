"""The Algoritmekader (requirements and the measures that meet them, imported from the
government's published files) and the organisation's algorithm register with the national
publication standard's fields, an AI Act profile and the state of each applicable measure."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from omslag.common.models import DomainModel

from . import standard

# --- the Algoritmekader -------------------------------------------------------------------


class Phase(models.Model):
    """A phase of the algorithm lifecycle (lifecycles/lifecycles.yaml)."""

    slug = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("lifecycle phase")
        verbose_name_plural = _("lifecycle phases")
        ordering = ["position"]

    def __str__(self):
        return self.name


class FrameworkRole(models.Model):
    """A role the Algoritmekader suggests for a measure (roles/roles.yaml)."""

    slug = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("Algoritmekader role")
        verbose_name_plural = _("Algoritmekader roles")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Requirement(models.Model):
    """A legal requirement of the Algoritmekader (vereiste), keyed by its URN."""

    urn = models.CharField(_("URN"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    url = models.URLField(_("web address"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    schema_version = models.CharField(_("schema version"), max_length=20, blank=True)
    subjects = models.JSONField(_("subjects"), default=list, blank=True)
    phases = models.JSONField(_("lifecycle phases"), default=list, blank=True)
    roles = models.JSONField(_("roles"), default=list, blank=True)
    ai_act_profiles = models.JSONField(
        _("AI Act profiles it applies to"),
        default=list,
        blank=True,
        help_text=_("Each profile: lists of values per attribute; an empty list means any."),
    )
    always_applicable = models.BooleanField(_("applies to every algorithm"), default=False)
    measure_urns = models.JSONField(
        _("measures it names"), default=list, blank=True, editable=False
    )
    source_file = models.CharField(_("file"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["urn"]

    def __str__(self):
        return self.name

    @property
    def code(self) -> str:
        """The short code of the URN: aia-03 of urn:nl:ak:ver:aia-03."""
        return self.urn.rsplit(":", 1)[-1]


class Measure(models.Model):
    """A measure of the Algoritmekader (maatregel) and the requirements it meets.

    Keyed by the name of its file: the published files give three URNs to two measures each
    (e.g. urn:nl:ak:mtr:owp-11), so the URN alone does not tell measures apart.
    """

    key = models.SlugField(_("key"), max_length=200, unique=True)
    urn = models.CharField(_("URN"), max_length=100, db_index=True)
    name = models.CharField(_("name"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    url = models.URLField(_("web address"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    schema_version = models.CharField(_("schema version"), max_length=20, blank=True)
    subjects = models.JSONField(_("subjects"), default=list, blank=True)
    phases = models.JSONField(_("lifecycle phases"), default=list, blank=True)
    roles = models.JSONField(_("suggested roles"), default=list, blank=True)
    requirements = models.ManyToManyField(
        Requirement, verbose_name=_("requirements it meets"), related_name="measures", blank=True
    )
    source_file = models.CharField(_("file"), max_length=200, blank=True)

    # Not fields: set by selectors.applicable_measures (the applicable requirements it meets)
    # and selectors.measure_overview (the algorithm's state record, None while still to do,
    # and that state) on the measures they return, for the pages and the API to read.
    applicable_requirements: list[Requirement]
    state_record: "MeasureState | None"
    state: str

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["key"]

    def __str__(self):
        return self.name

    @property
    def code(self) -> str:
        return self.urn.rsplit(":", 1)[-1]


# --- the algorithm register ---------------------------------------------------------------


class RiskGroup(models.TextChoices):
    PROHIBITED = "prohibited", _("prohibited AI")
    HIGH = "high", _("high-risk AI")
    LIMITED = "limited", _("limited risk (transparency)")
    MINIMAL = "minimal", _("minimal risk")
    NOT_AI = "not_ai", _("not AI")


class AiType(models.TextChoices):
    AI_SYSTEM = "ai_system", _("AI system")
    GENERAL_PURPOSE_AI_SYSTEM = "gp_ai_system", _("general-purpose AI system")
    GENERAL_PURPOSE_AI_MODEL = "gp_ai_model", _("general-purpose AI model")
    IMPACTFUL_ALGORITHM = "impactful_algorithm", _("impactful algorithm (not AI)")
    OTHER_ALGORITHM = "other_algorithm", _("algorithm without significant impact (not AI)")
    NO_ALGORITHM = "no_algorithm", _("no algorithm")


AI_TYPES = frozenset(
    {AiType.AI_SYSTEM, AiType.GENERAL_PURPOSE_AI_SYSTEM, AiType.GENERAL_PURPOSE_AI_MODEL}
)


class AiRole(models.TextChoices):
    PROVIDER = "provider", _("provider")
    DEPLOYER = "deployer", _("deployer")
    IMPORTER = "importer", _("importer")
    DISTRIBUTOR = "distributor", _("distributor")


class AlgorithmRecord(DomainModel):
    """An algorithm of an organisation, described with the fields of the national Algorithm
    Register publication standard, and its AI Act profile."""

    class Status(models.TextChoices):
        IN_DEVELOPMENT = "in_development", _("in development")
        IN_USE = "in_use", _("in use")
        OUT_OF_USE = "out_of_use", _("out of use")

    class PublicationCategory(models.TextChoices):
        HIGH_RISK_AI = "high_risk_ai", _("high-risk AI system (category A)")
        IMPACTFUL = "impactful", _("impactful algorithm (category B)")
        OTHER = "other", _("other algorithm (category C)")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="algorithms",
    )
    experiment = models.ForeignKey(
        "innovation.Experiment",
        verbose_name=_("experiment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="algorithms",
    )
    application = models.ForeignKey(
        "portfolio.Application",
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="algorithms",
    )

    # General information (Algemene informatie). Database lengths are generous: the
    # standard's limits are checked in clean() so that the message names field and limit.
    name = models.CharField(_("name"), max_length=300)
    description_short = models.TextField(_("short description"))
    theme = models.JSONField(_("themes"), default=list, help_text=_("Policy areas."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    start_date = models.CharField(_("start month"), max_length=7, help_text=_("e.g. 2023-01"))
    end_date = models.CharField(
        _("end month"), max_length=7, blank=True, help_text=_("e.g. 2025-06")
    )
    contact = models.CharField(
        _("contact"),
        max_length=300,
        help_text=_("A general e-mail address or a website starting with https://"),
    )
    link = models.URLField(_("link to the public page"), max_length=500, blank=True)
    publication_category = models.CharField(
        _("publication category"), max_length=20, choices=PublicationCategory.choices
    )
    source_link = models.URLField(_("link to the source registration"), max_length=500, blank=True)
    # Responsible use (Verantwoord gebruik)
    purpose_and_impact = models.TextField(_("purpose and impact"))
    considerations = models.TextField(_("considerations"))
    human_intervention = models.TextField(_("human intervention"))
    risk_management = models.TextField(_("risk management"))
    legal_basis = models.TextField(_("legal basis"), blank=True)
    legal_basis_link = models.URLField(_("link to the legal basis"), max_length=500, blank=True)
    legal_basis_title = models.CharField(_("title of the legal basis"), max_length=300, blank=True)
    processing_register_link = models.URLField(
        _("link to the processing register"), max_length=500, blank=True
    )
    impact_assessments = models.TextField(
        _("impact assessments"), help_text=_("e.g. DPIA, IAMA; say so if none was done.")
    )
    impact_assessment_link = models.URLField(
        _("link to the impact assessment"), max_length=500, blank=True
    )
    impact_assessment_explanation = models.TextField(
        _("explanation of the impact assessments"), blank=True
    )
    # Operation (Werking)
    data = models.TextField(_("data"))
    data_source_link = models.URLField(_("link to the data sources"), max_length=500, blank=True)
    data_source_title = models.CharField(_("title of the data source"), max_length=600, blank=True)
    technical_operation = models.TextField(_("technical operation"))
    supplier = models.CharField(
        _("supplier"), max_length=300, help_text=_("Or “Intern ontwikkeld”.")
    )
    source_code_link = models.URLField(_("link to the source code"), max_length=500, blank=True)
    search_terms = models.CharField(
        _("search terms"), max_length=500, blank=True, help_text=_("Separated by commas.")
    )

    # AI Act profile: decides which Algoritmekader requirements apply.
    ai_type = models.CharField(_("type"), max_length=30, choices=AiType.choices)
    risk_group = models.CharField(_("risk group"), max_length=20, choices=RiskGroup.choices)
    ai_role = models.CharField(
        _("role under the AI Act"), max_length=20, choices=AiRole.choices, blank=True
    )
    open_source = models.BooleanField(_("open source"), default=False)
    systemic_risk = models.BooleanField(
        _("systemic risk"), default=False, help_text=_("Only general-purpose AI models.")
    )
    transparency_obligation = models.BooleanField(
        _("transparency obligation"),
        default=False,
        help_text=_("E.g. people talk to it or it makes content (AI Act art. 50)."),
    )
    third_party_assessment = models.BooleanField(
        _("conformity assessed by a third party"), default=False
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("algorithm")
        verbose_name_plural = _("algorithms")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                condition=models.Q(deleted_at__isnull=True),
                name="algorithm_unique_name_per_organisation",
                violation_error_message=_(
                    "This organisation already has an algorithm with this name."
                ),
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "risk_group"]),
            models.Index(fields=["organisation", "status"]),
        ]

    def __str__(self):
        return self.name

    def standard_values(self) -> dict:
        """The record's values under the standard's field names (codes, not labels)."""
        values = {
            field: getattr(self, field)
            for field in standard.FIELD_ORDER
            if field not in {"organization", "language", "schema", "source_id"}
        }
        values["organization"] = self.organisation.name if self.organisation_id else ""
        return values

    def clean(self):
        problems = standard.value_problems(self.standard_values(), required=False)
        errors = {}
        for field, messages in problems.items():
            if field == "organization":
                # The organisation's name is not edited here; say where to fix it.
                errors.setdefault("organisation", []).extend(messages)
            elif field not in ("status", "publication_category"):  # the choices check these
                errors.setdefault(field, []).extend(messages)
        if self.ai_type and self.risk_group:
            is_ai = self.ai_type in AI_TYPES
            if is_ai and self.risk_group == RiskGroup.NOT_AI:
                errors.setdefault("risk_group", []).append(
                    _("An AI system or model needs an AI Act risk group other than “not AI”.")
                )
            if not is_ai and self.risk_group != RiskGroup.NOT_AI:
                errors.setdefault("risk_group", []).append(
                    _("An algorithm that is not AI has the risk group “not AI”.")
                )
            if is_ai and not self.ai_role:
                errors.setdefault("ai_role", []).append(
                    _("Say whether the organisation provides or deploys this AI.")
                )
        if self.organisation_id:
            for link in ("experiment", "application"):
                linked = getattr(self, link)
                if linked is not None and linked.organisation_id != self.organisation_id:
                    errors.setdefault(link, []).append(
                        _("Choose one of the organisation's own records.")
                    )
        if errors:
            raise ValidationError(errors)


class MeasureState(DomainModel):
    """How far an algorithm is with one applicable measure of the Algoritmekader."""

    class State(models.TextChoices):
        TO_DO = "to_do", _("to do")
        IN_PROGRESS = "in_progress", _("in progress")
        IN_REVIEW = "in_review", _("in review")
        DONE = "done", _("done")
        NOT_APPLICABLE = "not_applicable", _("not applicable")

    algorithm = models.ForeignKey(
        AlgorithmRecord,
        verbose_name=_("algorithm"),
        on_delete=models.CASCADE,
        related_name="measure_states",
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.PROTECT, related_name="states"
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default="to_do")
    reason = models.TextField(_("reason or note"), blank=True, max_length=2000)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("measure state")
        verbose_name_plural = _("measure states")
        constraints = [
            models.UniqueConstraint(
                fields=["algorithm", "measure"], name="measure_state_once_per_algorithm"
            )
        ]

    def __str__(self):
        return f"{self.measure} — {self.get_state_display()}"

    def clean(self):
        if self.state == self.State.NOT_APPLICABLE and not self.reason.strip():
            raise ValidationError(
                {"reason": _("Say why this measure does not apply to this algorithm.")}
            )
