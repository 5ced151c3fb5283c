"""Forms of the safeguards pages; the questionnaire itself is rendered from the template's
items (presentation.py), not from a Django form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .definitions import PARSERS
from .models import GateRequirement, Mitigation, Risk, TemplateKind

# A questionnaire is a text file; the model DPIA (210 items) is about 70 kB. The checked file
# waits in the session until it is confirmed, so it is kept small.
TEMPLATE_FILE_MAX_BYTES = 2_000_000


class AssessmentStartForm(forms.Form):
    template = forms.ChoiceField(label=_("Template"))
    subject = forms.ChoiceField(label=_("Assessment of"))
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to use the template and subject's names."),
    )

    def __init__(self, *args, templates=(), subjects=(), find=None, **kwargs):
        """``find(text)``, when given, makes the subject a typed name (an organisation with more
        records than a list can show): it returns the choice values of the records of that
        name or number."""
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.pk, str(t)) for t in templates]
        self.fields["subject"].choices = subjects
        self._find = find
        if find is not None:
            self.fields["subject"] = forms.CharField(
                label=_("Assessment of"),
                max_length=300,
                help_text=_(
                    "There are too many records to list: type the name of the application, "
                    "project or experiment, or its number as on its page; or start the "
                    "assessment from the record's own page."
                ),
            )

    def clean_subject(self):
        value = self.cleaned_data["subject"]
        if self._find is None:
            return value
        found = self._find(value)
        if not found:
            raise forms.ValidationError(_("No record of that name or number."))
        if len(found) > 1:
            raise forms.ValidationError(
                _("Several records have that name: type the number of the one you mean.")
            )
        return found[0]


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


TEMPLATE_FORMAT_LABELS = {
    "dpia-form-v2": _("the government's assessment format (model DPIA, IAMA, pre-scan)"),
    "own": _("omslag's own template format"),
}


class TemplateImportForm(forms.Form):
    """A questionnaire file to import as an assessment template: checked first, then saved."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("A questionnaire in YAML or JSON, such as the government's model DPIA."),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,.json"}),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[(key, TEMPLATE_FORMAT_LABELS.get(key, key)) for key in PARSERS],
        initial="dpia-form-v2",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > TEMPLATE_FILE_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB; a questionnaire is much smaller.")
                % {"limit": TEMPLATE_FILE_MAX_BYTES // 1_000_000}
            )
        return upload
