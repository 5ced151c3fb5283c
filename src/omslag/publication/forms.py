from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind, Licence


class ProposeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    source_id = forms.IntegerField(label=_("Record"), min_value=0)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class SettingsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("What this organisation publishes"),
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    licence = forms.ChoiceField(label=_("Licence"), choices=Licence.choices)
