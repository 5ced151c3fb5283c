"""Pages of templates, gate requirements and coverage."""

import hashlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from omslag.common import charts
from omslag.common.access import require
from omslag.common.subjects import assessment_subjects
from omslag.organisations.access import organisation_get_readable
from omslag.organisations.selectors import organisation_context

from .. import access, gates, selectors, services
from ..forms import GateRequirementForm
from ..models import AssessmentTemplate, GateRequirement
from ..presentation import step_rows
from ..questionnaire import Questionnaire


@login_required
@require_GET
def template_list(request):
    return render(
        request, "safeguards/template_list.html", {"templates": selectors.template_list()}
    )


@login_required
@require_GET
def template_detail(request, pk):
    template = get_object_or_404(AssessmentTemplate, pk=pk)
    questionnaire = Questionnaire(selectors.template_items(template))
    rows = step_rows(questionnaire, {}, {}, None, editable=False)
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


def _share_chart(labels, shares, notes) -> str:
    """The chart is the same picture for the same figures, so it is drawn once per figures
    (matplotlib takes most of the page's time) and kept in the cache."""
    x_label = _("share with every required assessment approved (%)")
    key = (
        "safeguards-coverage-chart-"
        + hashlib.sha256(json.dumps([labels, shares, notes, x_label]).encode()).hexdigest()
    )
    return cache.get_or_set(
        key,
        lambda: charts.share_bars(labels=labels, shares=shares, notes=notes, x_label=x_label),
        60 * 60,
    )


def subject_labels() -> dict:
    return {subject.key: subject.label for subject in assessment_subjects()}


@login_required
@require_GET
def coverage(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    figures = selectors.coverage_for(organisation)
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
                f"{label}: {s.share}% ({s.covered} of {s.total})"
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
