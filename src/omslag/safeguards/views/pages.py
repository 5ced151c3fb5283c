"""Pages of templates, gate requirements and coverage."""

import hashlib
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from omslag.common import charts
from omslag.common.access import require
from omslag.common.errors import RuleViolation
from omslag.common.subjects import assessment_subjects
from omslag.organisations.access import organisation_get_readable
from omslag.organisations.selectors import organisation_context, organisation_subtree

from .. import access, gates, selectors, services
from ..definitions import TemplateFileInvalid
from ..forms import GateRequirementForm, TemplateImportForm
from ..models import AssessmentTemplate, GateRequirement
from ..presentation import step_rows
from ..questionnaire import Questionnaire


@login_required
@require_GET
def template_list(request):
    return render(
        request,
        "safeguards/template_list.html",
        {
            "templates": selectors.template_list(),
            "can_import": access.template_can_import(request.user),
        },
    )


@login_required
@require_GET
def template_detail(request, pk):
    template = get_object_or_404(AssessmentTemplate, pk=pk)
    questionnaire = Questionnaire(selectors.template_items(template))
    rows = step_rows(questionnaire, {}, {}, None, editable=False, every_item=True)
    return render(
        request,
        "safeguards/template_detail.html",
        {
            "template": template,
            "rows": rows,
            "item_count": len(questionnaire.items),
            "step_count": len(questionnaire.top),
        },
    )


def _share_chart(labels, shares, notes) -> charts.ChartImage:
    """Drawn once per figures and kept in the cache by ``common.chartimages``."""
    x_label = _("share with every required assessment approved (%)")
    return charts.share_bars(
        name="coverage", labels=labels, shares=shares, notes=notes, x_label=x_label
    )


def subject_labels() -> dict:
    return {subject.key: subject.label for subject in assessment_subjects()}


@login_required
@require_GET
def coverage(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    # ?below=1 adds the organisations below (the board dashboard's roll-up links here).
    below = request.GET.get("below") == "1"
    organisation_ids = (
        list(organisation_subtree(organisation).values_list("pk", flat=True)) if below else None
    )
    figures = selectors.coverage_for(organisation, organisation_ids=organisation_ids)
    measured = [s for s in figures.subjects if s.total]
    chart = None
    if measured:
        labels = [str(subject_labels()[s.subject]) for s in measured]
        chart = {
            "image": _share_chart(
                labels, [s.share for s in measured], [f"{s.covered} / {s.total}" for s in measured]
            ),
            "alt": _("Bar chart of the share of subjects with every required assessment approved."),
            "summary": "; ".join(
                _("%(subject)s: %(share)s%% (%(covered)s of %(total)s)")
                % {
                    "subject": label,
                    "share": number_format(s.share, decimal_pos=1, use_l10n=True),
                    "covered": s.covered,
                    "total": s.total,
                }
                for label, s in zip(labels, measured, strict=True)
            ),
            "width": 800,
            "height": 120 + 50 * len(measured),
        }
    return render(
        request,
        "safeguards/coverage.html",
        {
            **organisation_context(request.user, organisation),
            "figures": figures,
            "below": below,
            "chart": chart,
            "labels": subject_labels(),
            "can_change_gates": access.gate_requirements_can_change(request.user, organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def gate_requirements(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    can_change = access.gate_requirements_can_change(request.user, organisation)
    current = gates.requirements_for(organisation)
    form = GateRequirementForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        require(can_change)
        rules = [
            {
                "subject": r.subject,
                "stage": r.stage,
                "need": r.need,
                "template_kind": r.template_kind,
                "when": r.when,
            }
            for r in current
        ]
        action = request.POST.get("action")
        try:
            if action == "reset":
                services.gate_requirements_save(
                    actor=request.user, organisation=organisation, rules=[]
                )
                messages.success(request, _("The organisation uses the default rules again."))
                return redirect("safeguards:gates", slug=slug)
            if action == "remove":
                index = int(request.POST.get("index", -1))
                if 0 <= index < len(rules):
                    rules.pop(index)
                    services.gate_requirements_save(
                        actor=request.user, organisation=organisation, rules=rules
                    )
                    messages.success(request, _("The rule was removed."))
                return redirect("safeguards:gates", slug=slug)
            if action == "add" and form.is_valid():
                rules.append(
                    {
                        name: form.cleaned_data[name] or ""
                        for name in ("subject", "stage", "need", "template_kind", "when")
                    }
                )
                services.gate_requirements_save(
                    actor=request.user, organisation=organisation, rules=rules
                )
                messages.success(request, _("The rule was added."))
                return redirect("safeguards:gates", slug=slug)
        except (ValidationError, ValueError) as error:
            form.add_error(None, "; ".join(getattr(error, "messages", [str(error)])))
    return render(
        request,
        "safeguards/gate_requirements.html",
        {
            **organisation_context(request.user, organisation),
            "rules": current,
            "uses_defaults": gates.uses_defaults(organisation),
            "can_change": can_change,
            "form": form,
            "needs": dict(GateRequirement.Need.choices),
            "whens": dict(GateRequirement.When.choices),
        },
        status=400 if form.errors else 200,
    )


TEMPLATE_IMPORT_SESSION_KEY = "safeguards-template-import"


@login_required
@require_http_methods(["GET", "POST"])
def template_import(request):
    """Import a questionnaire file as a template: the file is checked first (nothing saved)
    and kept in the session; confirming saves exactly the file that was checked."""
    require(access.template_can_import(request.user))
    form = TemplateImportForm()
    checked = None
    problems: list[str] = []
    pending = request.session.get(TEMPLATE_IMPORT_SESSION_KEY)
    if request.method == "POST" and request.POST.get("action") == "confirm":
        if not pending or pending["sha256"] != request.POST.get("sha256"):
            messages.error(request, _("Check the file again: the checked file is no longer kept."))
            return redirect("safeguards:template-import")
        try:
            template, happened, count = services.template_import_file(
                actor=request.user, stream=io.StringIO(pending["text"]), fmt=pending["format"]
            )
        except RuleViolation as error:  # changed since the check, e.g. by another import
            messages.error(request, str(error))
            return redirect("safeguards:template-import")
        del request.session[TEMPLATE_IMPORT_SESSION_KEY]
        messages.success(request, _import_message(template, happened, count))
        return redirect("safeguards:template", pk=template.pk)
    if request.method == "POST":
        form = TemplateImportForm(request.POST, request.FILES)
        if form.is_valid():
            raw = form.cleaned_data["file"].read()
            fmt = form.cleaned_data["format"]
            try:
                text = raw.decode("utf-8-sig")
                template, happened, count = services.template_import_file(
                    actor=request.user, stream=io.StringIO(text), fmt=fmt, dry_run=True
                )
            except UnicodeDecodeError:
                problems = [_("The file is not UTF-8 text.")]
            except TemplateFileInvalid as error:
                problems = error.problems
            except RuleViolation as error:
                problems = [str(error)]
            else:
                sha256 = hashlib.sha256(raw).hexdigest()
                request.session[TEMPLATE_IMPORT_SESSION_KEY] = {
                    "text": text,
                    "format": fmt,
                    "filename": form.cleaned_data["file"].name,
                    "sha256": sha256,
                }
                checked = {
                    "name": template.name,
                    "urn": template.urn,
                    "version": template.version,
                    "kind": template.get_kind_display(),
                    "items": count,
                    "happened": happened,
                    "filename": form.cleaned_data["file"].name,
                    "sha256": sha256,
                }
    return render(
        request,
        "safeguards/template_import.html",
        {"form": form, "checked": checked, "problems": problems},
    )


def _import_message(template, happened: str, count: int) -> str:
    values = {"name": template.name, "version": template.version, "count": count}
    if happened == "unchanged":
        return _("%(name)s version %(version)s was already there; nothing changed.") % values
    return _("%(name)s version %(version)s was imported with %(count)s items.") % values
