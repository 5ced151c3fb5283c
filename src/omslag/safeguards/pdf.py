"""An assessment as PDF: an HTML template rendered by WeasyPrint, imported on first use (it
takes a while to load and most requests draw no PDF)."""

from django.template.loader import render_to_string
from django.utils.translation import get_language

from .presentation import answered_rows


def assessment_pdf(assessment) -> bytes:
    from weasyprint import HTML  # lazy: heavy import

    html = render_to_string(
        "safeguards/assessment_pdf.html",
        {
            "assessment": assessment,
            "language": get_language() or "nl",
            "rows": answered_rows(assessment),
            "risks": list(assessment.risks.prefetch_related("mitigations")),
        },
    )
    return HTML(string=html).write_pdf()
