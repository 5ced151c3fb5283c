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


class DecisionsForm(DashboardForm):
    """The selection of the decisions page: the dashboard's, one kind or all, a sort."""

    kind = forms.ChoiceField(
        label=_("Waiting for"),
        choices=[
            ("", _("every kind")),
            ("gate", _("Gate decision pending")),
            ("scale-owner", _("Scale decision without an implementation owner")),
            ("review-advice", _("Above the review threshold without independent advice")),
            ("stuck-pilot", _("Pilot stuck: positive result, no implementation")),
        ],
        required=False,
    )
    sort = forms.ChoiceField(
        choices=[
            (key, key)
            for key in (
                "since",
                "-since",
                "subject",
                "-subject",
                "organisation",
                "-organisation",
                "kind",
                "-kind",
            )
        ],
        required=False,
        widget=forms.HiddenInput,
    )
    format = forms.ChoiceField(choices=[("csv", "CSV")], required=False, widget=forms.HiddenInput)
