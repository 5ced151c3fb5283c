from django import forms
from django.utils.translation import gettext_lazy as _

from omslag.common.pages import EXPORT_FORMATS

from .models import Event


class AuditFilterForm(forms.Form):
    event = forms.ChoiceField(
        label=_("Event"), required=False, choices=[("", _("all events")), *Event.choices]
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Up to and including"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    person = forms.CharField(
        label=_("Person (e-mail address or part of it)"), required=False, max_length=200
    )


class AuditExportForm(AuditFilterForm):
    format = forms.ChoiceField(choices=EXPORT_FORMATS, required=False)
