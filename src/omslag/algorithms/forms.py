"""Forms of the algorithm pages. They parse input; the model's clean() (run by the ModelForm)
checks the publication standard and puts each error on its field."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from omslag.common.forms import FieldsetsMixin, VersionedModelForm
from omslag.innovation.selectors import experiments_choosable
from omslag.portfolio.selectors import applications_choosable

from . import standard
from .models import AlgorithmRecord, MeasureState, RiskGroup
from .services import ALGORITHM_FIELDS


class AlgorithmFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Part of the name, description, supplier or search terms."),
    )
    risk_group = forms.MultipleChoiceField(
        label=_("Risk group"),
        choices=RiskGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    status = forms.MultipleChoiceField(
        label=_("Status"),
        choices=AlgorithmRecord.Status.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ThemeField(forms.CharField):
    """Policy areas typed as one line, separated by commas."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        return [part.strip() for part in text.split(",") if part.strip()]


def _formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class AlgorithmForm(FieldsetsMixin, VersionedModelForm):
    FIELDSETS = (
        (
            _("General information"),
            (
                "name",
                "description_short",
                "theme",
                "status",
                "start_date",
                "end_date",
                "contact",
                "link",
                "publication_category",
                "source_link",
            ),
        ),
        (
            _("Responsible use"),
            (
                "purpose_and_impact",
                "considerations",
                "human_intervention",
                "risk_management",
                "legal_basis",
                "legal_basis_link",
                "legal_basis_title",
                "processing_register_link",
                "impact_assessments",
                "impact_assessment_link",
                "impact_assessment_explanation",
            ),
        ),
        (
            _("Operation"),
            (
                "data",
                "data_source_link",
                "data_source_title",
                "technical_operation",
                "supplier",
                "source_code_link",
                "search_terms",
            ),
        ),
        (
            _("AI Act profile"),
            (
                "ai_type",
                "risk_group",
                "ai_role",
                "open_source",
                "systemic_risk",
                "transparency_obligation",
                "third_party_assessment",
            ),
        ),
        (_("Linked records"), ("experiment", "application")),
    )
    # Optional: a client that leaves it out saves over the current version.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    theme = ThemeField(label=_("themes"), help_text=_("Policy areas, separated by commas."))

    class Meta:
        model = AlgorithmRecord
        fields = list(ALGORITHM_FIELDS)
        formfield_callback = _formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisation_id = self.instance.organisation_id
        self.fields["experiment"].queryset = experiments_choosable(organisation_id)
        self.fields["application"].queryset = applications_choosable(organisation_id)
        for name, limit in standard.MAX_LENGTHS.items():
            field = self.fields.get(name)
            if field is not None:
                # The standard's limit is checked by the model (the message names it); the
                # database limit of the form field would only say a larger number.
                field.max_length = None
                field.validators = [
                    v for v in field.validators if type(v).__name__ != "MaxLengthValidator"
                ]
                field.widget.attrs.pop("maxlength", None)
                hint = _("At most %(limit)d characters.") % {"limit": limit}
                field.help_text = f"{field.help_text} {hint}".strip()


class MeasureStateForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=MeasureState.State.choices)
    reason = forms.CharField(
        label=_("Reason or note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for “not applicable”."),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("state") == MeasureState.State.NOT_APPLICABLE
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Say why this measure does not apply to this algorithm."))
        return data
