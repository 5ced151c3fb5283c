import json

from django import forms
from django.utils.translation import gettext_lazy as _

from omslag.common.jsonreader import JsonProblem, load_json
from omslag.common.tabular.conversion import Conversion, ConversionInvalid
from omslag.common.tabular.formats import FORMATS
from omslag.common.tabular.registry import export_kinds, export_spec, import_kinds, import_spec


def _import_choices():
    return [(kind, import_spec(kind).label) for kind in import_kinds()]


def _export_choices():
    return [(kind, export_spec(kind).label) for kind in export_kinds()]


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=_import_choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (comma, semicolon or tab; UTF-8 or Windows-1252), XLSX, ODS or JSON."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,.xlsx,.ods,.json"}),
    )
    mapping = forms.ChoiceField(
        label=_("Column mapping"),
        required=False,
        help_text=_("For files from other systems whose column names differ."),
    )

    def __init__(self, *args, mappings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mapping"].choices = [("", _("none: the file uses omslag's column names"))] + [
            (str(m.pk), f"{m.name} ({m.kind})") for m in mappings
        ]


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to export"), choices=_export_choices)
    format = forms.ChoiceField(
        label=_("Format"), choices=[(f, f.upper()) for f in FORMATS], initial="csv"
    )


class MappingForm(forms.Form):
    """One select per column of the uploaded file, plus a name to save the mapping under."""

    name = forms.CharField(label=_("Save the mapping as"), max_length=100)

    def __init__(self, *args, headers=(), targets=(), initial_columns=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = list(headers)
        choices = [("", _("ignore this column"))] + [(t, t) for t in targets]
        lower_targets = {t.lower(): t for t in targets}
        initial_columns = initial_columns or {}
        for index, header in enumerate(self.headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                initial=initial_columns.get(header, lower_targets.get(header.lower(), "")),
            )

    def columns(self) -> dict[str, str]:
        return {h: self.cleaned_data.get(f"column_{i}", "") for i, h in enumerate(self.headers)}


class ConversionForm(forms.Form):
    """A conversion written in JSON (common.tabular.conversion), with a name to save it under;
    a conversion that cannot be used is refused with where it is wrong."""

    name = forms.CharField(label=_("Save the conversion as"), max_length=100)
    conversion = forms.CharField(
        label=_("Conversion (JSON)"),
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
        max_length=100_000,
        help_text=_(
            'Per file column: "to" (an omslag column, or null to ignore it), and as needed '
            '"decimal" ("," or "."), "thousands", "multiply" (e.g. "1000000" for millions), '
            '"date" (e.g. "%d-%m-%Y", or "iso8601"), "values" (a map of the file\'s words to '
            'omslag\'s), "blank" (what an empty cell becomes). Per file: "currency", '
            '"timezone", and "records" to make several records of one row.'
        ),
    )

    def clean_conversion(self):
        try:
            data = load_json(self.cleaned_data["conversion"])
        except JsonProblem as problem:
            raise forms.ValidationError(problem.message) from None
        try:
            Conversion.from_dict(data)
        except ConversionInvalid as invalid:
            raise forms.ValidationError(
                _("Not right at %(where)s: %(message)s")
                % {"where": invalid.where or "(top)", "message": invalid.message}
            ) from None
        return data


def conversion_start(headers, targets, mapping=None) -> str:
    """The conversion a person starts from: the saved one, else one that sends each column
    to the omslag column of the same name (or ignores it)."""
    if mapping is not None and mapping.conversion:
        document = mapping.conversion
    else:
        known = {t.lower(): t for t in targets}
        renamed = mapping.columns if mapping is not None else {}
        document = {
            "columns": {
                header: {"to": renamed.get(header) or known.get(header.lower())}
                for header in headers
            }
        }
    return json.dumps(document, ensure_ascii=False, indent=2)
