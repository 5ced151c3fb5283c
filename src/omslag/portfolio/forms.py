"""Forms of the application register, spend, target and scenario pages. They parse and
validate input (the model's clean() runs in them too); the services do the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from omslag.common.forms import FieldsetsMixin, MoneyField, VersionedModelForm, quick_selects

from .models import (
    Application,
    Scenario,
    ScenarioChange,
    SpendLine,
    SpendTarget,
    TimePosition,
)
from .services import APPLICATION_FIELDS, CHANGE_FIELDS, SCENARIO_FIELDS, SPEND_LINE_FIELDS


class UniqueNameMixin:
    """Report a name taken in the same organisation on the name field itself; the database
    constraint (checked again by the service) only knows the organisation + name pair."""

    def clean_name(self):
        name = self.cleaned_data["name"]
        instance = self.instance
        taken = (
            type(instance)
            .objects.filter(organisation_id=instance.organisation_id, name=name)
            .exclude(pk=instance.pk)
            .exists()
        )
        if taken:
            constraint = next(
                c for c in type(instance)._meta.constraints if "name" in getattr(c, "fields", ())
            )
            raise forms.ValidationError(constraint.violation_error_message)
        return name


class ApplicationForm(FieldsetsMixin, UniqueNameMixin, VersionedModelForm):
    FIELDSETS = (
        (_("The application"), ("name", "purpose", "vendor", "technology", "users")),
        (_("Owner"), ("owner_unit", "owner_name")),
        (_("Lifecycle"), ("status", "go_live_year", "end_of_support")),
        (_("BIO classification"), ("availability", "integrity", "confidentiality")),
        (
            _("Scores and TIME position"),
            (
                "business_value",
                "business_value_reason",
                "technical_condition",
                "technical_condition_reason",
                "time_override",
                "time_override_reason",
            ),
        ),
    )

    class Meta:
        model = Application
        fields = APPLICATION_FIELDS
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "end_of_support": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "business_value": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "technical_condition": forms.NumberInput(attrs={"min": 1, "max": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_override"].choices = [
            ("", _("none: derive it from the scores")),
            *TimePosition.choices,
        ]
        self.fields["end_of_support"].help_text = _("As a date, e.g. 2027-12-31.")


def _choices_with_any(choices, any_label):
    return [("", any_label), *choices]


class ApplicationFilterForm(forms.Form):
    """The filters of the application list, read from the query string."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("In name, vendor, technology and purpose."),
    )
    time = forms.MultipleChoiceField(
        label=_("TIME position"),
        required=False,
        choices=TimePosition.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    status = forms.MultipleChoiceField(
        label=_("Lifecycle status"),
        required=False,
        choices=Application.Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = forms.CharField(label=_("Owner or owning unit"), required=False, max_length=200)
    end_of_support = forms.ChoiceField(
        label=_("End of support"),
        required=False,
        choices=_choices_with_any(
            [
                ("past", _("already past")),
                ("within-24-months", _("within 24 months")),
                ("until-12-months", _("past or within 12 months")),
                ("later", _("later than 24 months")),
                ("unknown", _("unknown")),
            ],
            _("any date"),
        ),
    )
    bio_high = forms.ChoiceField(
        label=_("BIO classification high"),
        required=False,
        choices=_choices_with_any(
            [
                ("any", _("any of the three")),
                ("availability", _("availability")),
                ("integrity", _("integrity")),
                ("confidentiality", _("confidentiality")),
            ],
            _("no matter"),
        ),
    )
    below = forms.BooleanField(label=_("Include the organisations below this one"), required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput, max_length=30)


class DependencyAddForm(forms.Form):
    depends_on = forms.ModelChoiceField(
        label=_("Needs this application"), queryset=Application.objects.none()
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["depends_on"].queryset = (
            Application.objects.filter(organisation_id=application.organisation_id)
            .exclude(pk=application.pk)
            .order_by("name")
        )
        quick_selects(self)


# --- spend ------------------------------------------------------------------------------------


class SpendLineForm(VersionedModelForm):
    class Meta:
        model = SpendLine
        fields = SPEND_LINE_FIELDS
        localized_fields = ("amount",)
        field_classes = {"amount": MoneyField}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the choice shows: a ministry has thousands of applications.
        self.fields["application"].queryset = (
            Application.objects.filter(organisation=organisation)
            .only("pk", "name", "organisation_id")
            .order_by("name")
        )
        self.fields["amount"].help_text = _("In euro, e.g. 1,250,000 or 1,250,000.50.")


class SpendLineFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label=_("Budget or actual"),
        required=False,
        choices=_choices_with_any(SpendLine.Kind.choices, _("both")),
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=_choices_with_any(SpendLine.Category.choices, _("all")),
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("all years"))] + [(y, y) for y in years]


class SpendTargetForm(forms.ModelForm):
    class Meta:
        model = SpendTarget
        fields = ("target_year", "innovate_min_percent", "run_max_percent")
        localized_fields = ("innovate_min_percent", "run_max_percent")


# --- scenarios ------------------------------------------------------------------------------


class ScenarioForm(UniqueNameMixin, VersionedModelForm):
    class Meta:
        model = Scenario
        fields = SCENARIO_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ScenarioChangeForm(forms.ModelForm):
    """One kind of planned change; the subclasses name the fields that kind needs."""

    kind = None

    class Meta:
        model = ScenarioChange
        fields = CHANGE_FIELDS
        localized_fields = ("amount", "replacement_amount")
        field_classes = {"amount": MoneyField, "replacement_amount": MoneyField}

    def __init__(self, *args, scenario, **kwargs):
        kwargs.setdefault("prefix", self.kind.replace("_", "-"))
        kwargs.setdefault("instance", ScenarioChange(scenario=scenario, kind=self.kind))
        super().__init__(*args, **kwargs)
        if "application" in self.fields:
            self.fields["application"].queryset = Application.objects.filter(
                organisation_id=scenario.organisation_id
            ).order_by("name")
            self.fields["application"].required = True
        quick_selects(self)

    def changes(self) -> dict:
        values = {name: self.cleaned_data[name] for name in self._meta.fields}
        return {"kind": self.kind, **values}


class RetireApplicationForm(ScenarioChangeForm):
    kind = ScenarioChange.Kind.RETIRE_APPLICATION
    title = _("Retire an application")

    class Meta(ScenarioChangeForm.Meta):
        fields = ("application", "from_year", "amount", "replacement_amount", "label")
        labels = {"amount": _("Run cost that stops per year (euro)")}
        help_texts = {
            "amount": _("Leave empty to use its actual run cost in the base year."),
            "from_year": _("The first year without it."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].required = False


class StartProjectForm(ScenarioChangeForm):
    kind = ScenarioChange.Kind.START_PROJECT
    title = _("Start a project")

    class Meta(ScenarioChangeForm.Meta):
        fields = ("label", "from_year", "to_year", "amount")
        labels = {"label": _("Project"), "amount": _("Cost per year (euro)")}


class StopProjectForm(ScenarioChangeForm):
    kind = ScenarioChange.Kind.STOP_PROJECT
    title = _("Stop a project")

    class Meta(ScenarioChangeForm.Meta):
        fields = ("label", "from_year", "amount")
        labels = {"label": _("Project"), "amount": _("Cost per year that stops (euro)")}


class ChangeInnovateForm(ScenarioChangeForm):
    kind = ScenarioChange.Kind.CHANGE_INNOVATE
    title = _("Change the innovation budget")

    class Meta(ScenarioChangeForm.Meta):
        fields = ("label", "from_year", "amount")
        labels = {"amount": _("Change per year (euro)")}
        help_texts = {"amount": _("Negative to lower the budget, e.g. -250000.")}


CHANGE_FORMS = {
    form.kind.value: form
    for form in (RetireApplicationForm, StartProjectForm, StopProjectForm, ChangeInnovateForm)
}
