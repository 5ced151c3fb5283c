"""The forms every app's pages share: a model form that carries the version it was based on,
and the confirmation of a delete or workflow step."""

from typing import Any

from django import forms


class VersionedModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """A ModelForm with the hidden version it was based on (optimistic locking); a new record
    has no version yet, so the field goes away."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["version"]
        elif "version" not in self.initial:
            self.initial["version"] = self.instance.version

    def changes(self) -> dict[str, Any]:
        """The cleaned values of the model fields, as keyword arguments for a service."""
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


class ConfirmForm(forms.Form):
    """A delete or workflow button: only the version the person saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)
