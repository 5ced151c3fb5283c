from django import forms
from django.utils.translation import gettext_lazy as _

from omslag.common.forms import QuickSelect, VersionedModelForm

from .models import Organisation, Role


class OrganisationForm(VersionedModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class OrganisationCreateForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "slug", "kind", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def validate_unique(self):
        # Also refuse a short name held by a deleted organisation: addresses must stay unique.
        super().validate_unique()
        slug = self.cleaned_data.get("slug")
        if (
            slug
            and Organisation.all_objects.filter(slug=slug).exists()
            and "slug" not in self.errors
        ):
            self.add_error("slug", _("This short name is already taken."))


class MembershipAddForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(
        label=_("Full name"),
        required=False,
        max_length=200,
        help_text=_("Only needed when this person is new to omslag."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class MembershipRoleForm(forms.Form):
    """A membership's role, with the version it was based on (a membership has no other field
    a person changes)."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def changes(self) -> dict[str, str]:
        return {"role": self.cleaned_data["role"]}


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class InvitationNameForm(forms.Form):
    """For somebody new to omslag who signs in through the identity provider: their name."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


class InvitationAcceptForm(InvitationNameForm):
    """For somebody new to omslag: their name and their own password (twice)."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 12 characters, not built from an easily guessed word; a sentence of "
            "unrelated words is easy to remember and hard to guess."
        ),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class TwoFactorPolicyForm(forms.Form):
    required = forms.BooleanField(
        label=_("Administrators need a second factor"),
        required=False,
        help_text=_(
            "Administrators of this organisation (and of those above it) then sign in with a "
            "code from an authenticator app; who has none is sent to set it up after signing in."
        ),
    )


class MoveTargetField(forms.ChoiceField):
    """The short name of the new parent. Its choices are the organisations offered; another
    value is looked up by the form, so that a choice below the organisation itself is refused
    with its own reason rather than as "not one of the choices"."""

    widget = QuickSelect

    def validate(self, value):
        forms.Field.validate(self, value)


class OrganisationMoveForm(forms.Form):
    """Where an organisation moves to: one of ``targets`` (the organisations offered, with a
    ``chain`` label), looked up in ``manageable`` (those the person administers); empty means
    the top level when ``top_allowed``. ``parent`` in the cleaned data is an Organisation or
    None."""

    parent = MoveTargetField(label=_("New parent"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, data=None, *, organisation, targets, manageable, top_allowed, **kwargs):
        super().__init__(data, **kwargs)
        self.organisation = organisation
        self.manageable = manageable
        self.top_allowed = top_allowed
        field = self.fields["parent"]
        field.required = not top_allowed
        empty = _("None: at the top level") if top_allowed else _("Choose an organisation")
        field.choices = [("", empty), *((target.slug, target.chain) for target in targets)]
        field.help_text = _(
            "The organisations you administer, except this one and those below it. Everything "
            "below %(name)s moves along."
        ) % {"name": organisation.name}
        self.initial.setdefault("version", organisation.version)

    def clean_parent(self):
        slug = self.cleaned_data["parent"]
        if not slug:
            return None
        parent = self.manageable.filter(slug=slug).first()
        if parent is None:
            raise forms.ValidationError(
                _("Choose one of the organisations you administer."), code="invalid_choice"
            )
        if parent.path.startswith(self.organisation.path):
            raise forms.ValidationError(
                _("%(name)s cannot be placed below itself or an organisation below it.")
                % {"name": self.organisation.name},
                code="cycle",
            )
        return parent

    def clean(self):
        data = super().clean()
        if "parent" in data:
            parent = data["parent"]
            if (parent.pk if parent else None) == self.organisation.parent_id:
                self.add_error(
                    "parent",
                    _("%(name)s is already there; choose another place.")
                    % {"name": self.organisation.name},
                )
        return data
