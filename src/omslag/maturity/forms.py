from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from omslag.common.forms import Fieldset

from . import selectors
from .models import ScanRound
from .scan import EVIDENCE_MAX, SCORES, current_scan


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


SCORE_REFUSED = _("the score must be a whole number from 1 to 5")
EVIDENCE_REFUSED = _("evidence is required: say briefly what the score is based on")
BOTH_MISSING = _("a score from 1 to 5 and evidence are required")


def _score_label(score: int) -> str:
    if score == SCORES[0]:
        return f"{score} — {_('not at all true')}"
    if score == SCORES[-1]:
        return f"{score} — {_('fully true')}"
    return str(score)


class AnswersForm(forms.Form):
    """A participant's answers to every statement of the scan: per statement a score on the
    scale 1–5 (radio buttons) and the evidence it is based on, grouped by dimension. The form
    checks each field with the service's messages; ``services.answers_submit`` stays the one
    that decides (the API goes there too)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "%s")  # ids score-<code>_<n> and evidence-<code>
        super().__init__(*args, **kwargs)
        self.scan = current_scan()
        for statement in self.scan.statements:
            self.fields[f"score-{statement.code}"] = forms.ChoiceField(
                label=statement.text,
                choices=[(str(score), _score_label(score)) for score in SCORES],
                widget=forms.RadioSelect,
                error_messages={"required": SCORE_REFUSED, "invalid_choice": SCORE_REFUSED},
            )
            self.fields[f"evidence-{statement.code}"] = forms.CharField(
                label=_("Evidence: what is your score based on?"),
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=EVIDENCE_MAX,
                error_messages={"required": EVIDENCE_REFUSED},
            )

    def fieldsets(self) -> list[Fieldset]:
        return [
            Fieldset(
                dimension.label,
                [
                    self[f"{kind}-{statement.code}"]
                    for statement in dimension.statements
                    for kind in ("score", "evidence")
                ],
                id=f"dimension-{dimension.code}",
            )
            for dimension in self.scan.dimensions
        ]

    def clean(self):
        """A statement left open altogether gets one message (the service's), on its score."""
        for statement in self.scan.statements:
            score, evidence = f"score-{statement.code}", f"evidence-{statement.code}"
            if not self.data.get(score) and not (self.data.get(evidence) or "").strip():
                self._errors.pop(evidence, None)
                self._errors[score] = self.error_class([BOTH_MISSING])
        return super().clean()

    def answers(self) -> list[tuple[str, str, str]]:
        """(statement, score, evidence) of every statement, as given."""
        return [
            (
                s.code,
                self.cleaned_data[f"score-{s.code}"],
                self.cleaned_data[f"evidence-{s.code}"],
            )
            for s in self.scan.statements
        ]

    def problems_add(self, problems: dict[str, str]) -> None:
        """The service's reasons per statement, on the statement's score."""
        for code, reason in problems.items():
            name = f"score-{code}"
            self.add_error(name if name in self.fields else None, reason)
