"""Forms of participation: the public proposal form (with its honeypot and opening time) and
the moderator's decisions."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Proposal
from .tokens import form_opened_token

# A field a person never sees (the hidden attribute keeps it from view and from screen
# readers); a bot that fills every field gives itself away.
HONEYPOT_FIELD = "website"


class ProposalForm(forms.ModelForm):
    consent = forms.BooleanField(
        label=_("I agree to the privacy statement"),
        required=True,
        error_messages={"required": _("Please accept the privacy statement to send a proposal.")},
    )
    opened = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Proposal
        fields = ("title", "text", "name", "name_public", "organisation_type", "email")
        labels = {
            "title": _("Your proposal in one line"),
            "text": _("Your proposal"),
            "name": _("Your name"),
            "name_public": _("My name may be shown with my proposal"),
            "email": _("Your e-mail address"),
        }
        help_texts = {
            "name": _("A pseudonym is fine."),
            "name_public": _(
                "Without this, the organisation credits you only as, for example, "
                "'anonymous citizen'."
            ),
            "email": _(
                "Only to confirm your proposal and to tell you what happens to it. "
                "It is never shown."
            ),
        }
        widgets = {
            "text": forms.Textarea(attrs={"rows": 10}),
            "organisation_type": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.PROPOSAL_MAX_CHARS
        self.fields["text"].help_text = _("At most %(limit)s characters.") % {"limit": limit}
        self.fields["organisation_type"].label = _("You are")
        # a radio group needs no empty choice: nothing is chosen until the sender chooses
        self.fields["organisation_type"].choices = Proposal.OrganisationType.choices
        if not self.is_bound:
            self.initial["opened"] = form_opened_token()
        for name, autocomplete in (("title", "off"), ("name", "name"), ("email", "email")):
            self.fields[name].widget.attrs.setdefault("autocomplete", autocomplete)

    def clean_text(self):
        text = self.cleaned_data["text"]
        limit = settings.PROPOSAL_MAX_CHARS
        if len(text) > limit:
            raise forms.ValidationError(
                _(
                    "Your proposal is %(length)s characters long; the limit is %(limit)s. "
                    "Please shorten it by %(over)s characters; your text is kept below."
                ),
                params={"length": len(text), "limit": limit, "over": len(text) - limit},
                code="too_long",
            )
        return text

    def submit_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class AcceptForm(forms.Form):
    title = forms.CharField(label=_("Title of the idea"), max_length=200)


class MergeForm(forms.Form):
    idea = forms.ModelChoiceField(label=_("Similar idea"), queryset=None)

    def __init__(self, *args, ideas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["idea"].queryset = ideas


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the proposer reads it)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
