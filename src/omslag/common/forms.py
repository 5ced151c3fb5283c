"""The forms and form fields every app's pages share: a model form that carries the version it
was based on, the confirmation of a delete or workflow step, amounts in the reader's notation,
and a select that renders its options without a template per option."""

import copy
import re
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from django import forms
from django.utils.formats import get_format, number_format
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


# Above this many choices a foreign key is typed (its name or number) instead of chosen from a
# list: 10,000 applications of a municipality made a list of 560 KB on every page that offers
# the choice (issue 13: every page under 300 KB). The setting ``CHOICE_LIST_LIMIT``
# (``OMSLAG_CHOICE_LIST_LIMIT``) changes it.
CHOICE_LIST_LIMIT = 500
# The field a typed choice is looked up by, the first the model has.
_NAME_FIELDS = ("name", "title")


def choice_list_limit() -> int:
    from django.conf import settings

    return int(getattr(settings, "CHOICE_LIST_LIMIT", CHOICE_LIST_LIMIT))


class QuickSelect(forms.Select):
    """A select whose HTML equals Django's ``Select`` but is built in Python: Django renders
    every option through two templates, about 0.1 ms each, so a choice of one of an
    organisation's 1,200 applications cost the spend page 120 ms of its 130 ms of CPU.

    A choice of a model with more rows than ``choice_list_limit()`` is a text field instead,
    in which a person types the record's name (or its number, as on its page); the name is
    turned into the record's number when the form is read, so the field stays the same."""

    def _typed_by(self) -> str | None:
        """The name field a typed choice is looked up by, or None for a list."""
        choices: Any = self.choices  # a ModelChoiceIterator for a choice of records
        queryset = getattr(choices, "queryset", None)
        if queryset is None:
            return None
        if getattr(choices.field, "to_field_name", None) not in (
            None,
            queryset.model._meta.pk.name,
        ):
            return None  # a choice by another field than the record's number
        names = {field.name for field in queryset.model._meta.get_fields()}
        name_field = next((name for name in _NAME_FIELDS if name in names), None)
        if name_field is None or queryset.count() <= choice_list_limit():
            return None
        return name_field

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        if not isinstance(value, str) or not value.strip() or value.strip().isdigit():
            return value
        name_field = self._typed_by()
        if name_field is None:
            return value
        choices: Any = self.choices
        found = list(
            choices.queryset.filter(**{f"{name_field}__iexact": value.strip()}).values_list(
                "pk", flat=True
            )[:2]
        )
        # One record of that name: its number; none or several: the text, which the field
        # rejects as no valid choice (several of the same name are chosen by number).
        return str(found[0]) if len(found) == 1 else value

    def _render_typed(
        self, name: str, value: Any, attrs: dict[str, Any] | None, name_field: str
    ) -> SafeString:
        choices: Any = self.choices
        widget = self.get_context(name, value, attrs)["widget"]
        shown = widget["value"][0] if widget["value"] else ""
        if shown.isdigit():
            shown = (
                choices.queryset.filter(pk=int(shown)).values_list(name_field, flat=True).first()
                or shown
            )
        hint_id = f"{widget['attrs'].get('id') or name}-typed"
        described = " ".join(filter(None, [widget["attrs"].get("aria-describedby"), hint_id]))
        attributes = {**widget["attrs"], "aria-describedby": described, "autocomplete": "off"}
        model = choices.queryset.model._meta.verbose_name
        hint = _(
            "There are too many to list (%(count)s): type the name of the %(model)s, or its "
            "number as on its page."
        ) % {
            "count": number_format(choices.queryset.count(), force_grouping=True),
            "model": model,
        }
        return format_html(
            '<input type="text" name="{}" value="{}"{}>\n'
            '<span class="field__help" id="{}">{}</span>',
            widget["name"],
            shown,
            mark_safe(_attributes(attributes)),  # noqa: S308  (escaped in _attributes)
            hint_id,
            hint,
        )

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        name_field = self._typed_by()
        if name_field is not None:
            return self._render_typed(name, value, attrs, name_field)
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


def quick_selects(form: forms.BaseForm) -> None:
    """Every foreign key choice of ``form`` a ``QuickSelect``: its choices grow with the
    register, so they are rendered without templates, and typed beyond a limit."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and type(field.widget) is forms.Select:
            field.widget = copy.copy(field.widget)
            field.widget.__class__ = QuickSelect
            # Typed, a name can be wrong: say what was looked for and how, not Django's
            # "Select a valid choice" (there may be nothing to select). A form's own message
            # stays.
            default = forms.ModelChoiceField.default_error_messages["invalid_choice"]
            if field.queryset is None or str(field.error_messages.get("invalid_choice")) != str(
                default
            ):
                continue
            field.error_messages = {
                **field.error_messages,
                "invalid_choice": _(
                    "There is no %(model)s of that name or number here. Type its name as on "
                    "its page, or its number."
                )
                % {"model": field.queryset.model._meta.verbose_name},
            }


class VersionedModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """A ModelForm with the hidden version it was based on (optimistic locking); a new record
    has no version yet, so the field goes away. Its foreign keys (and those of every form that
    derives from it) are ``QuickSelect``s."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        quick_selects(self)
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
