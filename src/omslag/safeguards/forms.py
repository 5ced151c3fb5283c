"""Forms of the safeguards pages; the questionnaire itself is rendered from the template's
items (presentation.py), not from a Django form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import GateRequirement, Mitigation, Risk, TemplateKind


class AssessmentStartForm(forms.Form):
    template = forms.ChoiceField(label=_("Template"))
    subject = forms.ChoiceField(label=_("Assessment of"))
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to use the template and subject's names."),
    )

    def __init__(self, *args, templates=(), subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.pk, str(t)) for t in templates]
        self.fields["subject"].choices = subjects


class RiskForm(forms.ModelForm):
    class Meta:
        model = Risk
        fields = ["description", "likelihood", "impact", "owner"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "likelihood": forms.Select(choices=[(i, i) for i in range(1, 6)]),
            "impact": forms.Select(choices=[(i, i) for i in range(1, 6)]),
        }


class MitigationForm(forms.ModelForm):
    class Meta:
        model = Mitigation
        fields = ["description", "owner", "due_date", "status"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class MitigationStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Mitigation.Status.choices)


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Review note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )


class GateRequirementForm(forms.ModelForm):
    template_kind = forms.ChoiceField(
        label=_("Assessment"), choices=[("", "—"), *TemplateKind.choices], required=False
    )

    class Meta:
        model = GateRequirement
        fields = ["subject", "stage", "need", "template_kind", "when"]
