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


FACET_LABELS = {"project": _("Colour"), "experiment": _("Stage")}


class PublicFilterForm(forms.Form):
    """The filters of a public list, read from the query string: a search in the titles and
    the facet of the kind (a project's colour, an experiment's stage, else the status). Its
    choices are the values published, known only after the list's figures are read
    (``facets_offer``); a facet that is not among them matches nothing. A value that is too
    long is said and ignored."""

    q = forms.CharField(
        label=_("Search by title"), required=False, max_length=200, widget=forms.SearchInput
    )
    facet = forms.CharField(label=_("Status"), required=False, max_length=100, widget=forms.Select)

    def __init__(self, data, *, kind: str):
        super().__init__(data)
        self.fields["facet"].label = FACET_LABELS.get(kind, _("Status"))

    def value(self, name: str) -> str:
        """The field's value when it was understood, else nothing (the filter is ignored)."""
        if not self.is_valid() and name in self.errors:
            return ""
        return (self.cleaned_data.get(name) or "").strip()

    def facets_offer(self, facets: list[tuple[str, str]]) -> None:
        """The facet's choices: every value published, after "All"."""
        self.fields["facet"].widget.choices = [("", _("All")), *facets]
