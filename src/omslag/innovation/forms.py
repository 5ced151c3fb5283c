"""Forms of the innovation pipeline pages. They parse and validate input (the model's clean()
runs in the model forms too); the services do the writing."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from omslag.common.forms import FieldsetsMixin, MoneyField, VersionedModelForm, quick_selects
from omslag.portfolio.selectors import applications_choosable

from . import selectors
from .models import (
    Challenge,
    Decision,
    Experiment,
    Idea,
    ImplementationTrack,
    Lesson,
    Stage,
)
from .services.pipeline import CHALLENGE_FIELDS, LESSON_FIELDS, TRACK_FIELDS

DATE_WIDGET = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}

# The Nesta standards of evidence (Puttick & Ludlow, 2013), in short for the select and in full
# for the help text.
EVIDENCE_LEVEL_CHOICES = [
    (1, _("1 – a clear, logical case")),
    (2, _("2 – data show a change")),
    (3, _("3 – a comparison group shows it causes the change")),
    (4, _("4 – independent evaluations confirm it")),
    (5, _("5 – ready to be replicated at scale")),
]
EVIDENCE_LEVEL_HELP = _(
    "Nesta standards of evidence. Level 1: you can describe what you do and why it matters, "
    "logically and convincingly. Level 2: you collect data that show a positive change, but "
    "cannot yet show that you caused it. Level 3: a control or comparison group shows that "
    "the intervention causes the change. Level 4: one or more independent evaluations "
    "confirm the result. Level 5: manuals, systems and procedures make sure others can "
    "repeat it with the same positive effect."
)


class CreateAnywayMixin:
    """The 'create anyway' checkbox of a form that first shows similar records."""

    def add_create_anyway(self):
        self.fields["create_anyway"] = forms.BooleanField(
            label=_("Create it anyway: none of these is the same"),
            required=False,
        )

    @property
    def create_anyway(self) -> bool:
        return bool(self.cleaned_data.get("create_anyway"))


# --- search and filters ---------------------------------------------------------------------


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)


class ExperimentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search in the titles"), required=False, max_length=200)
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("all stages")), *Stage.choices]
    )


class IdeaFilterForm(forms.Form):
    q = forms.CharField(label=_("Search in the titles"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("any status")), *Idea.Status.choices]
    )


# --- experiments ------------------------------------------------------------------------------


class ExperimentCreateForm(CreateAnywayMixin, forms.ModelForm):
    class Meta:
        model = Experiment
        fields = ("title", "owner_team", "hypothesis", "intervention")
        widgets = {
            "hypothesis": forms.Textarea(attrs={"rows": 3}),
            "intervention": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "title": _("Similar experiments and ideas are shown before it is created."),
            "hypothesis": _("What you expect to change, for whom, and why."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_create_anyway()


class ExperimentDesignForm(FieldsetsMixin, VersionedModelForm):
    FIELDSETS = (
        (_("The experiment"), ("title", "owner_team")),
        (
            _("Hypothesis and design"),
            ("hypothesis", "intervention", "design_type", "control_label", "treatment_label"),
        ),
        (
            _("Metrics"),
            (
                "primary_metric",
                "metric_type",
                "metric_unit",
                "direction",
                "baseline_value",
                "secondary_metrics",
            ),
        ),
        (
            _("Sample size and power"),
            (
                "minimum_detectable_effect",
                "standard_deviation",
                "alpha",
                "power",
                "sample_size_per_group",
            ),
            # The helper under these fields computes the sample size from them.
            {"id": "sample-size", "include": "innovation/_sample_size_helper.html"},
        ),
        (
            _("Plan"),
            ("planned_start", "planned_end", "budget", "partners", "evidence_level_aimed"),
        ),
        (_("Safeguards"), ("processes_personal_data", "public_facing")),
    )

    class Meta:
        model = Experiment
        fields = (
            "title",
            "owner_team",
            "hypothesis",
            "intervention",
            "design_type",
            "control_label",
            "treatment_label",
            "primary_metric",
            "metric_type",
            "metric_unit",
            "direction",
            "baseline_value",
            "secondary_metrics",
            "minimum_detectable_effect",
            "standard_deviation",
            "alpha",
            "power",
            "sample_size_per_group",
            "planned_start",
            "planned_end",
            "budget",
            "partners",
            "evidence_level_aimed",
            "processes_personal_data",
            "public_facing",
        )
        localized_fields = (
            "baseline_value",
            "minimum_detectable_effect",
            "standard_deviation",
            "alpha",
            "power",
            "budget",
        )
        field_classes = {"budget": MoneyField}
        widgets = {
            "hypothesis": forms.Textarea(attrs={"rows": 3}),
            "intervention": forms.Textarea(attrs={"rows": 3}),
            "secondary_metrics": forms.Textarea(attrs={"rows": 3}),
            "partners": forms.Textarea(attrs={"rows": 3}),
            "planned_start": forms.DateInput(**DATE_WIDGET),
            "planned_end": forms.DateInput(**DATE_WIDGET),
        }
        help_texts = {
            "baseline_value": _(
                "The metric's current value; for a share of units, a proportion between 0 "
                "and 1 (e.g. 0.35)."
            ),
            "minimum_detectable_effect": _(
                "The smallest change worth finding, in the metric's unit (for a share: in "
                "proportion, e.g. 0.05 for 5 percentage points)."
            ),
            "alpha": _("The chance of a false alarm you accept, e.g. 0.05."),
            "power": _("The chance of finding the effect if it is there, e.g. 0.8."),
            "evidence_level_aimed": EVIDENCE_LEVEL_HELP,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence_level_aimed"].choices = [
            ("", _("not chosen yet")),
            *EVIDENCE_LEVEL_CHOICES,
        ]
        self.fields["design_type"].choices = [
            ("", _("not chosen yet")),
            *Experiment.DesignType.choices,
        ]


class MoveForm(forms.Form):
    """One button of the stage: the target stage, the version seen, and for a stop the
    reason."""

    to_stage = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why it stops"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Stopping is a result worth keeping: say what was learnt."),
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


# --- measurements -----------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File with one row per unit"),
        help_text=_(
            "CSV, XLSX or ODS with the columns unit, group and (optionally) period, then one "
            "column per metric. Groups: %(groups)s."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,.xlsx,.ods"}),
    )

    def __init__(self, *args, experiment, **kwargs):
        super().__init__(*args, prefix="upload", **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "groups": f"{experiment.control_label}, {experiment.treatment_label}"
        }


# As the calculator (api/calculator_serializers.py): beyond this squares leave the float range.
LARGEST_NUMBER = 1e150


def _number(label, **kwargs):
    return forms.FloatField(label=label, localize=True, **kwargs)


class SummariesForm(forms.Form):
    """The summaries of one metric in one period: for each group the count and either the sum
    and sum of squares or the mean and standard deviation (exact for a small spread beside a
    large mean), and the number of successes for a yes/no metric."""

    metric = forms.CharField(label=_("Metric"), max_length=100)
    period = forms.CharField(
        label=_("Period"),
        required=False,
        max_length=50,
        help_text=_("e.g. before / after, or week-01; empty for one period."),
    )

    GROUP_FIELDS = (
        "count",
        "total",
        "sum_of_squares",
        "mean",
        "standard_deviation",
        "successes",
    )

    def __init__(self, *args, experiment, **kwargs):
        super().__init__(*args, prefix="summary", **kwargs)
        # (key, label as stored in the summaries); the fields name the group as the page does
        self.groups = [
            ("control", experiment.control_label),
            ("treatment", experiment.treatment_label),
        ]
        self.group_names = {key: experiment.group_name(label) for key, label in self.groups}
        for key, _stored in self.groups:
            label = self.group_names[key]
            self.fields[f"{key}_count"] = forms.IntegerField(
                label=_("%(group)s: number of units") % {"group": label}, min_value=0
            )
            self.fields[f"{key}_total"] = _number(
                _("%(group)s: sum") % {"group": label}, required=False
            )
            self.fields[f"{key}_sum_of_squares"] = _number(
                _("%(group)s: sum of squares") % {"group": label}, required=False
            )
            self.fields[f"{key}_mean"] = _number(
                _("%(group)s: mean (instead of the sum)") % {"group": label}, required=False
            )
            self.fields[f"{key}_standard_deviation"] = _number(
                _("%(group)s: standard deviation (instead of the sum of squares)")
                % {"group": label},
                required=False,
                min_value=0,
            )
            self.fields[f"{key}_successes"] = forms.IntegerField(
                label=_("%(group)s: successes (yes/no metrics only)") % {"group": label},
                min_value=0,
                required=False,
            )

    def group_fieldsets(self):
        return [
            (self.group_names[key], [self[f"{key}_{name}"] for name in self.GROUP_FIELDS])
            for key, _label in self.groups
        ]

    def clean(self):
        data = super().clean()
        for key, _label in self.groups:
            given = {
                name
                for name in ("total", "sum_of_squares", "mean", "standard_deviation")
                if data.get(f"{key}_{name}") is not None
            }
            if given not in ({"total", "sum_of_squares"}, {"mean", "standard_deviation"}):
                self.add_error(
                    f"{key}_total",
                    _("Give the sum and sum of squares, or the mean and standard deviation."),
                )
            for name in ("mean", "standard_deviation"):
                value = data.get(f"{key}_{name}")
                if value is not None and not abs(value) <= LARGEST_NUMBER:
                    self.add_error(
                        f"{key}_{name}", _("Give a finite number of at most 1e150 in magnitude.")
                    )
        return data

    def items(self) -> list[dict]:
        """One summary per group, as ``services.SummaryInput`` takes it."""
        from .services import summary_from_mean_and_deviation

        data = self.cleaned_data
        result = []
        for key, label in self.groups:
            cell = {
                "metric": data["metric"].strip(),
                "group": label,
                "period": data["period"].strip(),
                "count": data[f"{key}_count"],
                "successes": data[f"{key}_successes"],
            }
            if data.get(f"{key}_mean") is None:
                cell |= {
                    "total": data[f"{key}_total"],
                    "sum_of_squares": data[f"{key}_sum_of_squares"],
                }
            else:
                summary = summary_from_mean_and_deviation(
                    **cell,
                    mean=data[f"{key}_mean"],
                    standard_deviation=data[f"{key}_standard_deviation"],
                )
                cell |= {
                    "total": summary.total,
                    "sum_of_squares": summary.sum_of_squares,
                    "squared_deviations": summary.squared_deviations,
                }
            result.append(cell)
        return result


# --- decisions, implementation, lessons -------------------------------------------------------


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ("outcome", "rationale", "evidence_level", "evaluation", "decided_on")
        widgets = {
            "rationale": forms.Textarea(attrs={"rows": 4}),
            "decided_on": forms.DateInput(**DATE_WIDGET),
        }
        help_texts = {
            "outcome": _(
                "Go: on to the next stage. Iterate: back to design. Stop: the experiment "
                "stops. Scale: carry it into the line organisation (an implementation track)."
            ),
            "evidence_level": EVIDENCE_LEVEL_HELP,
            "evaluation": _("The evaluation the decision rests on, if any."),
        }

    def __init__(self, *args, experiment, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("decided_on", timezone.localdate())
        super().__init__(*args, prefix="decision", **kwargs)
        self.fields["evidence_level"].choices = [("", "---------"), *EVIDENCE_LEVEL_CHOICES]
        self.fields["evaluation"].queryset = (
            selectors.evaluations_choosable(experiment)
            .filter(method__in=("welch", "proportions", "did-cells", "did-panel"))
            .order_by("-created_at", "metric")
        )
        self.fields["evaluation"].label_from_instance = evaluation_label
        self.fields["evaluation"].empty_label = _("none")

    def changes(self) -> dict:
        return dict(self.cleaned_data)


METHOD_LABELS = {
    "welch": _("difference in means (Welch)"),
    "proportions": _("difference in proportions"),
    "did-cells": _("difference-in-differences (group summaries)"),
    "did-panel": _("difference-in-differences (units, clustered)"),
    "srm": _("sample-ratio check"),
    "sequential": _("confidence sequence over the looks"),
    "holm": _("Holm correction"),
    "benjamini-hochberg": _("Benjamini-Hochberg correction"),
}


def method_label(method: str) -> str:
    return str(METHOD_LABELS.get(method, method))


def evaluation_label(evaluation) -> str:
    when = timezone.localtime(evaluation.created_at).strftime("%Y-%m-%d %H:%M")
    return f"{evaluation.metric} · {method_label(evaluation.method)} · {when}"


class ImplementationForm(FieldsetsMixin, VersionedModelForm):
    FIELDSETS = (
        (_("Owner"), ("owner_name", "owner_unit", "same_team_reason")),
        (_("Funding"), ("funding_source", "funding_note")),
        (
            _("Adoption"),
            ("replaces_application", "adoption_target", "adoption_measured", "go_live_date"),
        ),
        (_("Benefits"), ("realised_benefits",)),
    )

    class Meta:
        model = ImplementationTrack
        fields = TRACK_FIELDS
        widgets = {
            "same_team_reason": forms.Textarea(attrs={"rows": 2}),
            "realised_benefits": forms.Textarea(attrs={"rows": 3}),
            "go_live_date": forms.DateInput(**DATE_WIDGET),
        }
        help_texts = {
            "replaces_application": _(
                "An application of the organisation this replaces; set it to Eliminate in the "
                "application register."
            ),
        }

    def __init__(self, *args, experiment, track=None, **kwargs):
        kwargs["instance"] = track or ImplementationTrack(experiment=experiment)
        super().__init__(*args, prefix="track", **kwargs)
        self.fields["replaces_application"].queryset = applications_choosable(
            experiment.organisation
        ).order_by("name")
        self.fields["replaces_application"].empty_label = _("nothing")


class LessonForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = LESSON_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in LESSON_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="lesson", **kwargs)


# --- challenges and ideas ---------------------------------------------------------------------


class ChallengeForm(VersionedModelForm):
    class Meta:
        model = Challenge
        fields = tuple(f for f in CHALLENGE_FIELDS if f != "owner")
        widgets = {
            "problem_statement": forms.Textarea(attrs={"rows": 6}),
            "offer": forms.Textarea(attrs={"rows": 3}),
            "opens_on": forms.DateInput(**DATE_WIDGET),
            "closes_on": forms.DateInput(**DATE_WIDGET),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.initial.setdefault("opens_on", timezone.localdate())


class IdeaForm(CreateAnywayMixin, VersionedModelForm):
    class Meta:
        model = Idea
        fields = ("title", "description", "challenge")
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"title": _("Similar ideas and experiments are shown before it is saved.")}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenge"].queryset = selectors.challenges_choosable(organisation).order_by(
            "title"
        )
        self.fields["challenge"].empty_label = _("no challenge")
        if self.instance.pk is None:
            self.add_create_anyway()


class IdeaReviewForm(forms.Form):
    STATUSES = (Idea.Status.UNDER_REVIEW, Idea.Status.DECLINED, Idea.Status.MERGED)

    status = forms.ChoiceField(
        label=_("New status"), choices=[(s.value, s.label) for s in STATUSES]
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to decline or merge; the author sees it."),
    )
    merged_into = forms.ModelChoiceField(
        label=_("Merge into"),
        required=False,
        queryset=Idea.objects.none(),
        help_text=_("Only when merging."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, idea, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("version", idea.version)
        super().__init__(*args, prefix="review", **kwargs)
        self.fields["merged_into"].queryset = (
            selectors.ideas_choosable(idea.organisation)
            .exclude(pk=idea.pk)
            .exclude(status=Idea.Status.MERGED)
            .order_by("title")
        )
        self.fields["merged_into"].empty_label = _("choose an idea")
        quick_selects(self)

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if (
            status in (Idea.Status.DECLINED, Idea.Status.MERGED)
            and not data.get("reason", "").strip()
        ):
            self.add_error("reason", _("Say why the idea is declined or merged."))
        if status == Idea.Status.MERGED and not data.get("merged_into"):
            self.add_error("merged_into", _("Choose the idea it is merged into."))
        return data


class IdeaAcceptForm(forms.Form):
    owner_team = forms.CharField(
        label=_("Team that runs the experiment"), required=False, max_length=200
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, idea, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("version", idea.version)
        super().__init__(*args, prefix="accept", **kwargs)
