from django import forms
from django.utils.translation import gettext_lazy as _


class DashboardForm(forms.Form):
    """The selection of the dashboard, read from the query string."""

    below = forms.TypedChoiceField(
        label=_("Scope"),
        choices=[("0", _("this organisation")), ("1", _("with everything below"))],
        coerce=lambda value: value == "1",
        empty_value=False,
        required=False,
        widget=forms.RadioSelect,
    )
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Empty: today."),
    )
