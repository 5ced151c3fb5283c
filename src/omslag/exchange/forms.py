from django import forms
from django.utils.translation import gettext_lazy as _

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
