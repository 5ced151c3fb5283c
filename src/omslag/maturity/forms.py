from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import ScanRound


class RoundForm(forms.ModelForm):
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Board members are chosen already; add members of the management."),
    )

    class Meta:
        model = ScanRound
        fields = ["title", "opens_on", "closes_on"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = selectors.candidate_participants(organisation)
        self.fields["participants"].queryset = (
            get_user_model()
            .objects.filter(pk__in=[p.pk for p in candidates])
            .order_by("full_name", "email")
        )
        self.fields["participants"].label_from_instance = lambda p: f"{p.full_name} ({p.email})"
        self.initial.setdefault(
            "participants", [p.pk for p in selectors.board_members(organisation)]
        )

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("The round cannot close before it opens."))
        return data
