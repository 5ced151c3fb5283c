"""Pages of assessments: the list of an organisation, starting one, the questionnaire step by
step, submitting, review and sign-off, risks and mitigations, and the PDF and JSON downloads."""

import json
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from omslag.common.access import require
from omslag.common.errors import RuleViolation
from omslag.common.forms import choice_list_limit
from omslag.common.pages import paginate
from omslag.organisations.access import organisation_get_readable
from omslag.organisations.selectors import organisation_context

from .. import access, exports, selectors, services
from ..forms import AssessmentStartForm, MitigationForm, MitigationStatusForm, ReviewForm, RiskForm
from ..models import AssessmentStatus, AssessmentTemplate
from ..presentation import answered_rows, field_name, localised, step_rows
from ..questionnaire import ANSWERABLE, AnswerInvalid
from ..services.assessments import questionnaire_of, stored_answers


@login_required
@require_GET
def assessment_list(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    status = request.GET.get("status", "")
    status = status if status in AssessmentStatus.values else ""
    return render(
        request,
        "safeguards/assessment_list.html",
        {
            **organisation_context(request.user, organisation),
            # A page of 50 (as every register): the newest 200 in one page cost 45 ms of CPU
            # at national scale, and the older ones could not be reached.
            "page": paginate(request, selectors.assessment_list(organisation, status=status)),
            "status": status,
            "statuses": AssessmentStatus.choices,
            "can_create": access.assessments_can_create(request.user, organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_start(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    require(access.assessments_can_create(request.user, organisation))
    asked = request.GET.get("subject", "")
    # Thousands of records make a list too long for a page: then the subject is typed, or,
    # coming from a record's page (?subject=kind:id), that record is the one choice.
    many = selectors.subject_count(organisation) > choice_list_limit()
    only = asked if many and re.fullmatch(r"[a-z_]+:\d+", asked) else ""
    subjects = selectors.subject_choices(organisation, only=only) if only or not many else ()
    form = AssessmentStartForm(
        request.POST or None,
        initial={"subject": asked},
        templates=AssessmentTemplate.objects.order_by("kind", "name", "version"),
        subjects=subjects,
        find=(lambda text: selectors.subject_find(organisation, text))
        if many and not (only and subjects)
        else None,
    )
    if request.method == "POST" and form.is_valid():
        subject_type, subject_pk = form.cleaned_data["subject"].split(":")
        subject = access.subject_get_readable(request.user, subject_type, subject_pk)
        template = AssessmentTemplate.objects.get(pk=form.cleaned_data["template"])
        assessment = services.assessment_create(
            actor=request.user,
            template=template,
            subject=subject,
            title=form.cleaned_data["title"],
        )
        return redirect("safeguards:step", pk=assessment.pk, step=1)
    return render(
        request,
        "safeguards/assessment_start.html",
        {**organisation_context(request.user, organisation), "form": form},
        status=400 if form.errors else 200,
    )


def _assessment_context(request, assessment) -> dict:
    return {
        **organisation_context(request.user, assessment.organisation),
        "assessment": assessment,
        "can_edit": access.assessment_can_edit(request.user, assessment),
        "can_review": access.assessment_can_review(request.user, assessment),
        "can_manage_risks": access.assessment_can_manage_risks(request.user, assessment),
    }


@login_required
@require_GET
def assessment_detail(request, pk):
    assessment = access.assessment_get_readable(request.user, pk)
    questionnaire = questionnaire_of(assessment.template)
    return render(
        request,
        "safeguards/assessment_detail.html",
        {
            **_assessment_context(request, assessment),
            "rows": answered_rows(assessment),
            "risks": selectors.risks_of(assessment),
            "steps": [
                (i + 1, localised(item, "label")) for i, item in enumerate(questionnaire.top)
            ],
        },
    )


def _posted_answers(request, questionnaire, answers, counts, step) -> list[dict]:
    posted = []
    for slot in questionnaire.slots(answers, counts, step=step):
        if not slot.visible or slot.item.type not in ANSWERABLE:
            continue
        name = field_name(slot.item, slot.instance)
        if slot.item.type == "multiple_choice":
            value = request.POST.getlist(name)
        else:
            value = request.POST.get(name, "")
        posted.append({"item": slot.item.source_id, "repeat": slot.instance, "value": value})
    return posted


@login_required
@require_http_methods(["GET", "POST"])
def assessment_step(request, pk, step):
    assessment = access.assessment_get_readable(request.user, pk)
    questionnaire = questionnaire_of(assessment.template)
    total = len(questionnaire.top)
    if not 1 <= step <= total:
        return redirect("safeguards:step", pk=pk, step=1)
    if not access.assessment_can_edit(request.user, assessment):
        if request.method == "POST":
            require(False)
        return redirect("safeguards:assessment", pk=pk)
    answers = stored_answers(assessment)
    errors = {}
    if request.method == "POST":
        posted = _posted_answers(request, questionnaire, answers, assessment.repeat_counts, step)
        try:
            services.assessment_answers_save(
                actor=request.user,
                assessment=assessment,
                answers=posted,
                step=step,
                from_form=True,
            )
        except AnswerInvalid as invalid:
            errors = invalid.problems
            for entry in posted:
                answers[(entry["item"], entry["repeat"])] = entry["value"]
        else:
            add = request.POST.get("add", "")
            if add and "@" in add:
                source_id, parent_instance = add.split("@", 1)
                try:
                    services.assessment_add_instance(
                        actor=request.user,
                        assessment=assessment,
                        item_source_id=source_id,
                        parent_instance=parent_instance,
                    )
                except RuleViolation as refusal:
                    messages.error(request, refusal.message)
                return redirect(reverse("safeguards:step", args=[pk, step]) + "#main")
            go = request.POST.get("go", "save")
            messages.success(request, _("Your answers were saved."))
            if go == "next" and step < total:
                return redirect("safeguards:step", pk=pk, step=step + 1)
            if go == "previous" and step > 1:
                return redirect("safeguards:step", pk=pk, step=step - 1)
            if go == "finish":
                return redirect("safeguards:assessment", pk=pk)
            return redirect("safeguards:step", pk=pk, step=step)
    rows = step_rows(questionnaire, answers, assessment.repeat_counts, step, errors)
    return render(
        request,
        "safeguards/assessment_step.html",
        {
            **_assessment_context(request, assessment),
            "rows": rows,
            "step": step,
            "total": total,
            "errors": errors,
            "steps": [
                (i + 1, localised(item, "label")) for i, item in enumerate(questionnaire.top)
            ],
            "step_title": localised(questionnaire.top[step - 1], "label"),
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def assessment_submit(request, pk):
    assessment = access.assessment_get_readable(request.user, pk)
    require(access.assessment_can_edit(request.user, assessment))
    try:
        services.assessment_submit(actor=request.user, assessment=assessment)
        messages.success(request, _("The assessment was sent for review."))
    except RuleViolation as refusal:
        messages.error(request, refusal.message)
    return redirect("safeguards:assessment", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_review(request, pk):
    assessment = access.assessment_get_readable(request.user, pk)
    require(access.assessment_can_review(request.user, assessment))
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = (
            services.assessment_approve
            if request.POST.get("decision") == "approve"
            else services.assessment_reject
        )
        try:
            decide(actor=request.user, assessment=assessment, note=form.cleaned_data["note"])
            messages.success(request, _("Your review was recorded."))
            return redirect("safeguards:assessment", pk=pk)
        except RuleViolation as refusal:
            form.add_error(None, refusal.message)
    return render(
        request,
        "safeguards/assessment_review.html",
        {
            **_assessment_context(request, assessment),
            "form": form,
            "rows": answered_rows(assessment),
            "risks": selectors.risks_of(assessment),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def risk_list(request, pk):
    assessment = access.assessment_get_readable(request.user, pk)
    can_manage = access.assessment_can_manage_risks(request.user, assessment)
    action = request.POST.get("action") if request.method == "POST" else None
    risk_form = RiskForm(request.POST if action == "risk" else None, prefix="risk")
    mitigation_form = MitigationForm(
        request.POST if action == "mitigation" else None, prefix="mitigation"
    )
    if request.method == "POST":
        require(can_manage)
        try:
            if action == "risk" and risk_form.is_valid():
                services.risk_create(
                    actor=request.user, assessment=assessment, **risk_form.cleaned_data
                )
                messages.success(request, _("The risk was added."))
                return redirect("safeguards:risks", pk=pk)
            if action == "mitigation" and mitigation_form.is_valid():
                risk = access.risk_get_readable(request.user, request.POST.get("risk"))
                require(risk.assessment_id == assessment.pk)
                require(
                    access.mitigation_can_set(
                        request.user, risk, status=mitigation_form.cleaned_data.get("status")
                    )
                )
                services.mitigation_create(
                    actor=request.user, risk=risk, **mitigation_form.cleaned_data
                )
                messages.success(request, _("The mitigation was added."))
                return redirect("safeguards:risks", pk=pk)
        except ValidationError as error:
            (risk_form if action == "risk" else mitigation_form).add_error(None, error.messages)
    return render(
        request,
        "safeguards/risk_list.html",
        {
            **_assessment_context(request, assessment),
            "risks": selectors.risks_of(assessment),
            "risk_form": risk_form,
            "mitigation_form": mitigation_form,
            "status_form": MitigationStatusForm(),
        },
        status=400 if (risk_form.errors or mitigation_form.errors) else 200,
    )


@login_required
@require_POST
def mitigation_status(request, pk):
    mitigation = access.mitigation_get_readable(request.user, pk)
    form = MitigationStatusForm(request.POST)
    assessment = mitigation.risk.assessment
    require(access.assessment_can_manage_risks(request.user, assessment))
    if form.is_valid():
        new_status = form.cleaned_data["status"]
        changed = new_status if new_status != mitigation.status else None
        require(access.mitigation_can_set(request.user, mitigation.risk, status=changed))
        services.mitigation_update(
            actor=request.user, mitigation=mitigation, status=form.cleaned_data["status"]
        )
        messages.success(request, _("The mitigation's status was changed."))
    return redirect("safeguards:risks", pk=assessment.pk)


@login_required
@require_GET
def assessment_pdf(request, pk):
    from ..pdf import assessment_pdf as render_pdf

    assessment = access.assessment_get_readable(request.user, pk)
    response = HttpResponse(render_pdf(assessment), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="assessment-{assessment.pk}.pdf"'
    return response


@login_required
@require_GET
def assessment_json(request, pk):
    assessment = access.assessment_get_readable(request.user, pk)
    content = json.dumps(exports.assessment_document(assessment), ensure_ascii=False, indent=2)
    response = HttpResponse(content, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="assessment-{assessment.pk}.json"'
    return response
