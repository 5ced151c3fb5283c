"""JSON documents: every template with its items (by source id), and one assessment with its
answers, risks and mitigations. Pure functions over records."""

import json

from .models import AssessmentTemplate
from .questionnaire import Questionnaire


def template_document(template: AssessmentTemplate, items=None) -> dict:
    items = list(template.items.all()) if items is None else items
    by_pk = {item.pk: item for item in items}
    return {
        "key": template.key,
        "urn": template.urn,
        "version": template.version,
        "name": template.name,
        "nameEn": template.name_en,
        "kind": template.kind,
        "source": template.source,
        "outcomeRules": template.outcome_rules,
        # Everything else the file gave at the top (the format's evaluation rules).
        "extra": template.extra,
        "items": [
            {
                "id": item.source_id,
                "parent": by_pk[item.parent_id].source_id if item.parent_id else None,
                "type": item.type,
                "label": item.label,
                "labelEn": item.label_en,
                "description": item.description,
                "required": item.required,
                "repeatable": item.repeatable,
                "options": item.options,
                "condition": item.condition,
                # Everything else the file gave (sources, references, valueType, ...).
                "extra": item.extra,
            }
            for item in sorted(items, key=lambda i: i.order)
        ],
    }


def templates_json(fmt: str = "json") -> bytes:
    templates = AssessmentTemplate.objects.prefetch_related("items").order_by("urn", "version")
    document = {"templates": [template_document(t, list(t.items.all())) for t in templates]}
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def assessment_document(assessment) -> dict:
    items = list(assessment.template.items.all())
    questionnaire = Questionnaire(items)
    answers = {
        (a.item.source_id, a.repeat): a.value for a in assessment.answers.select_related("item")
    }
    visible = questionnaire.visible_answers(answers, assessment.repeat_counts)
    return {
        "id": assessment.pk,
        "title": assessment.title,
        "organisation": assessment.organisation.slug,
        "subject": {
            "type": assessment.subject_type,
            "id": assessment.subject.pk,
            "name": str(assessment.subject),
        },
        "template": {
            "urn": assessment.template.urn,
            "version": assessment.template.version,
            "name": assessment.template.name,
        },
        "status": assessment.status,
        "score": assessment.score,
        "outcome": assessment.outcome,
        "outcomeLabel": assessment.outcome_label,
        "author": getattr(assessment.author, "email", None),
        "reviewedBy": getattr(assessment.reviewed_by, "email", None),
        "reviewedAt": assessment.reviewed_at.isoformat() if assessment.reviewed_at else None,
        "reviewNote": assessment.review_note,
        "answers": [
            {"item": source_id, "repeat": instance, "value": value}
            for (source_id, instance), value in sorted(
                visible.items(), key=lambda kv: (questionnaire.by_source[kv[0][0]].order, kv[0][1])
            )
        ],
        "risks": [
            {
                "description": risk.description,
                "likelihood": risk.likelihood,
                "impact": risk.impact,
                "score": risk.score,
                "owner": risk.owner,
                "mitigations": [
                    {
                        "description": m.description,
                        "owner": m.owner,
                        "dueDate": m.due_date.isoformat() if m.due_date else None,
                        "status": m.status,
                    }
                    for m in risk.mitigations.all()
                ],
            }
            for risk in assessment.risks.prefetch_related("mitigations")
        ],
    }
