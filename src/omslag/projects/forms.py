"""Forms of the project pages. They parse and validate input (the model's clean() runs in them
too, so a breakdown that does not add up is shown on its field); the services do the writing."""

from django import forms
from django.db import models
from django.forms import modelform_factory
from django.utils.translation import gettext_lazy as _

from omslag.analysis.projects import COST_BUCKETS
from omslag.common.forms import FieldsetsMixin, MoneyField, VersionedModelForm
from omslag.common.tabular.formats import FileProblem, read_table

from .models import Project, ProjectReport, ReferenceClass
from .services import PART_FIELDS, PROJECT_FIELDS, REPORT_FIELDS

NONE = "none"  # the value of "no figures yet" in the colour and size-band filters
UPLOAD_LIMIT_BYTES = 5_000_000
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- the project list ---------------------------------------------------------------------


def _bucket_choices():
    from .templatetags.projects_format import size_band

    return [(label, size_band(label)) for label, _low, _high in COST_BUCKETS] + [
        (NONE, size_band(""))
    ]


class ProjectFilterForm(forms.Form):
    """The filters of the project list, read from the query string. The organisation choices
    and the counts in the labels are set by the view."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("In name, project number and external identifier."),
    )
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    status = forms.MultipleChoiceField(
        label=_("Status"),
        required=False,
        choices=Project.Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    colour = forms.MultipleChoiceField(
        label=_("Status colour"),
        required=False,
        choices=[*Project.Colour.choices, (NONE, _("no report yet"))],
        widget=forms.CheckboxSelectMultiple,
    )
    cost_bucket = forms.MultipleChoiceField(
        label=_("Size band (current estimate)"),
        required=False,
        choices=_bucket_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    review_advice = forms.ChoiceField(
        label=_("AcICT advice"),
        required=False,
        choices=[("", _("no matter")), ("yes", _("received")), ("no", _("none"))],
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput, max_length=30)

    FACETS = ("organisation", "status", "colour", "cost_bucket", "review_advice")

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", _("all organisations")), *organisations]

    def show_counts(self, counts: dict[str, dict[str, int]]) -> None:
        """Add to each choice of a facet the number of projects it would show."""
        for name in self.FACETS:
            field = self.fields[name]
            field.choices = [
                (value, f"{label} ({counts[name].get(value, 0)})" if value else label)
                for value, label in field.choices
            ]


# --- projects, reports and their parts ----------------------------------------------------


class ProjectForm(VersionedModelForm):
    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        widgets = {"goal": forms.Textarea(attrs={"rows": 4}), "start_date": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_date"].help_text = _("As a date, e.g. 2026-01-31.")
        self.fields["currency"].help_text = _(
            "Three letters, e.g. EUR. Imported registers keep their own currency."
        )

    def clean_external_id(self):
        # The database constraint only reports the organisation + identifier pair, not on
        # this field; say it here.
        external_id = self.cleaned_data["external_id"]
        taken = (
            external_id
            and Project.objects.filter(
                organisation_id=self.instance.organisation_id, external_id=external_id
            )
            .exclude(pk=self.instance.pk)
            .exists()
        )
        if taken:
            raise forms.ValidationError(
                _("Another project of this organisation has this external identifier.")
            )
        return external_id

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            raise forms.ValidationError(_("Give the currency as three letters, e.g. EUR."))
        return currency


class ReportForm(FieldsetsMixin, VersionedModelForm):
    """A report at a peildatum; the breakdown must add up to the total (the model says so)."""

    FIELDSETS = (
        (_("Report"), ("peildatum", "estimated_end_date")),
        (_("Cost"), ("total_cost_estimate", "ict_component_cost", "cumulative_actual_cost")),
        (
            _("Breakdown of the total (optional; when given it must add up to the total)"),
            ProjectReport.BREAKDOWN,
        ),
        (_("Re-baseline (herijking)"), ("is_rebaseline", "rebaseline_reason")),
        (_("Notes"), ("notes",)),
    )

    class Meta:
        model = ProjectReport
        fields = REPORT_FIELDS
        localized_fields = (
            "total_cost_estimate",
            *ProjectReport.BREAKDOWN,
            "ict_component_cost",
            "cumulative_actual_cost",
        )
        field_classes = dict.fromkeys(localized_fields, MoneyField)  # every field here is money
        widgets = {
            "peildatum": DATE_WIDGET,
            "estimated_end_date": DATE_WIDGET,
            "rebaseline_reason": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, currency="EUR", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["peildatum"].help_text = _("The reference date of the report, e.g. 2026-06-30.")
        self.fields["total_cost_estimate"].help_text = _(
            "In %(currency)s, e.g. 1,250,000 or 1,250,000.50."
        ) % {"currency": currency}
        self.fields["is_rebaseline"].label = _("This report is a re-baseline (herijking)")
        self.fields["rebaseline_reason"].help_text = _("Required for a re-baseline.")
        self.fields["is_rebaseline"].help_text = _(
            "The figures are always also compared with the original baseline."
        )


_PART_WIDGETS = {
    "planned_date": DATE_WIDGET,
    "expected_date": DATE_WIDGET,
    "realised_date": DATE_WIDGET,
    "date": DATE_WIDGET,
    "conclusion": forms.Textarea(attrs={"rows": 3}),
    "recommendations": forms.Textarea(attrs={"rows": 3}),
    "follow_up": forms.Textarea(attrs={"rows": 3}),
}


def _part_formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"  # an address typed without a scheme
    return model_field.formfield(**kwargs)


def part_form_class(model):
    """The form of a milestone, quality review, AcICT advice, paper or benefit."""
    fields = PART_FIELDS[model]
    return modelform_factory(
        model,
        form=VersionedModelForm,
        fields=fields,
        widgets={name: widget for name, widget in _PART_WIDGETS.items() if name in fields},
        formfield_callback=_part_formfield,
    )


# --- reference classes ----------------------------------------------------------------------


class ReferenceClassBuildForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("A class with this name of this organisation is replaced."),
    )


def _number(text: str) -> float:
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    return float(text)


class ReferenceClassUploadForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("A class with this name of this organisation is replaced."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ReferenceClass.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (or XLSX, ODS, JSON) with the columns earlier and later, and optionally size "
            "and label; one row per historical project."
        ),
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where the figures come from."),
    )
    limits = forms.CharField(
        label=_("Limits"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the class does not cover, e.g. estimates rather than final outturn."),
    )

    def clean_file(self):
        """The (earlier, later, size, label) pairs of the file; every bad row is named."""
        upload = self.cleaned_data["file"]
        self.file_name = upload.name
        try:
            table = read_table(upload, upload.name, max_bytes=UPLOAD_LIMIT_BYTES)
        except FileProblem as problem:
            raise forms.ValidationError(problem.message) from None
        headers = [h.strip().lower() for h in table.headers]
        missing = [name for name in ("earlier", "later") if name not in headers]
        if missing:
            raise forms.ValidationError(
                _("The column %(name)s is missing; the file has: %(have)s.")
                % {"name": missing[0], "have": ", ".join(headers)}
            )
        pairs, problems = [], []
        for row_number, values in table.rows:
            record = dict(zip(headers, values, strict=False))
            try:
                earlier = _number(record["earlier"])
                later = _number(record["later"])
                size = _number(record["size"]) if (record.get("size") or "").strip() else None
            except ValueError:
                problems.append(
                    _("Row %(row)s: earlier, later and size must be numbers.") % {"row": row_number}
                )
                continue
            pairs.append((earlier, later, size, (record.get("label") or "")[:200]))
        if problems:
            shown = problems[:10]
            if len(problems) > 10:
                shown.append(_("… and %(n)s more rows.") % {"n": len(problems) - 10})
            raise forms.ValidationError(shown)
        return pairs


class ExchangeRateForm(forms.Form):
    """A rate to state: one unit of the currency in the reporting currency, as of a date."""

    currency = forms.CharField(
        label=_("Currency"), max_length=3, help_text=_("Three letters of ISO 4217, e.g. SEK.")
    )
    rate = forms.DecimalField(
        label=_("Rate"),
        max_digits=24,
        decimal_places=12,
        localize=True,  # a decimal comma in Dutch, as the pages show numbers
        help_text=_("What one unit of the currency is in the reporting currency, e.g. 0.0874."),
    )
    as_of = forms.DateField(
        label=_("As of"), help_text=_("The date the rate holds from, e.g. 2025-06-30.")
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        required=False,
        help_text=_("Where the rate comes from, e.g. the ECB reference rate of that day."),
    )


class ReportingCurrencyForm(forms.Form):
    currency = forms.CharField(
        label=_("Reporting currency"),
        max_length=3,
        help_text=_("Three letters of ISO 4217. Sums of amounts are shown in this currency."),
    )
