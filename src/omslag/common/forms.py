"""The forms and form fields every app's pages share: a model form that carries the version it
was based on, the confirmation of a delete or workflow step, amounts in the reader's notation,
and a select that renders its options without a template per option."""

import copy
import re
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from django import forms
from django.utils.formats import get_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_CURRENCY = re.compile(r"^(€|EUR)|(€|EUR)$", re.IGNORECASE)


def money_parse(text: str, decimal_separator: str) -> Decimal:
    """An amount as people type it in a language whose decimal separator is given ("," in
    Dutch, "." in English): with or without "€" or "EUR", spaces, a minus sign, and thousands
    grouped by the other separator ("1.234,56" and "€ 2.500" in Dutch, "1,234.56" in
    English). In Dutch a point that does not group thousands is read as a decimal point
    ("12.5"), as in files; in English a comma is only a thousands separator. ValueError when
    the text is not an amount, e.g. a wrongly grouped "1.23,4".
    """
    body = _SPACES.sub("", text)
    body = _CURRENCY.sub("", body)
    body = _SPACES.sub("", body)
    sign = ""
    if body[:1] in ("-", "−"):
        sign, body = "-", body[1:]
    group = "." if decimal_separator == "," else ","
    grouped = rf"\d{{1,3}}(?:{re.escape(group)}\d{{3}})+(?:{re.escape(decimal_separator)}\d+)?"
    if re.fullmatch(grouped, body):
        body = body.replace(group, "")
    if decimal_separator == "," and re.fullmatch(r"\d+,\d+", body):
        body = body.replace(",", ".")
    if not re.fullmatch(r"\d+(?:\.\d+)?", body):
        raise ValueError(f"not an amount: {text!r}")
    return Decimal(sign + body)


class MoneyField(forms.DecimalField):
    """An amount in euro (or another currency) in the reader's notation: the same notation the
    pages show ("€ 1.234,56" in Dutch) is accepted back, and the English forms in English."""

    default_error_messages = {"invalid": _("Enter an amount, e.g. 1,250,000 or 1,250,000.50.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    # django-stubs give DecimalField IntegerField's int | None here.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return money_parse(str(value), get_format("DECIMAL_SEPARATOR"))
        except (ValueError, InvalidOperation):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def _attributes(attrs: dict[str, Any]) -> str:
    """``django/forms/widgets/attrs.html`` in Python: `` name="value"`` per attribute, the name
    alone for True, nothing for False."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """A select whose HTML equals Django's ``Select`` but is built in Python: Django renders
    every option through two templates, about 0.1 ms each, so a choice of one of an
    organisation's 1,200 applications cost the spend page 120 ms of its 130 ms of CPU."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html: list[str] = [
            format_html(
                '<select name="{}"{}>',
                widget["name"],
                mark_safe(_attributes(widget["attrs"])),  # noqa: S308  (escaped in _attributes)
            )
        ]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                html.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                html.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>',
                        str(option["value"]),
                        mark_safe(_attributes(option["attrs"])),  # noqa: S308  (escaped in _attributes)
                        option["label"],
                    )
                )
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # noqa: S308  (every value escaped by format_html)


class VersionedModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """A ModelForm with the hidden version it was based on (optimistic locking); a new record
    has no version yet, so the field goes away. Its foreign keys (and those of every form that
    derives from it) are ``QuickSelect``s."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # A foreign key's choices grow with the register: render them without templates.
            if isinstance(field, forms.ModelChoiceField) and type(field.widget) is forms.Select:
                field.widget = copy.copy(field.widget)
                field.widget.__class__ = QuickSelect
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


class Fieldset(NamedTuple):
    """A group of a form's fields (``components/form_fieldsets.html``): its legend, its bound
    fields and, optionally, a help text under the legend (the group's description), an ``id``
    (an anchor) and a template shown at the end of the group with the page's context (a helper
    that belongs to these fields)."""

    legend: str
    fields: list[Any]  # bound fields
    help: str = ""
    id: str = ""
    include: str = ""


class FieldsetsMixin:
    """A form whose fields come in groups: ``FIELDSETS`` of ``(legend, names)`` or
    ``(legend, names, {"help": ..., "id": ..., "include": ...})``."""

    FIELDSETS: tuple[Any, ...] = ()

    def fieldsets(self) -> list[Fieldset]:
        return [
            Fieldset(legend, [self[name] for name in names], **(extra[0] if extra else {}))  # type: ignore[index]
            for legend, names, *extra in self.FIELDSETS
        ]
