"""The exchange rates page of an organisation: its reporting currency, the rate that holds
for each currency (its own or one stated above it), every rate it stated, and (for an
administrator) the forms to state a rate or change the reporting currency."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from omslag.common.access import require
from omslag.common.pages import form_errors_from
from omslag.organisations.access import organisation_get_readable
from omslag.organisations.selectors import organisation_context

from .. import access, rates, services
from ..forms import ExchangeRateForm, ReportingCurrencyForm


def _save(request, organisation, action, rate_form, currency_form) -> bool:
    form = rate_form if action == "rate" else currency_form
    if not form.is_valid():
        return False
    try:
        if action == "rate":
            stated = services.exchange_rate_set(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
            messages.success(
                request,
                _("Stated: 1 %(currency)s = %(rate)s %(reporting)s as of %(date)s.")
                % {
                    "currency": stated.currency,
                    "rate": stated.rate.normalize(),
                    "reporting": stated.reporting_currency,
                    "date": stated.as_of.isoformat(),
                },
            )
        else:
            setting = services.reporting_currency_set(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
            messages.success(
                request,
                _("Sums are now shown in %(currency)s.") % {"currency": setting.currency},
            )
    except ValidationError as error:
        form_errors_from(form, error)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def exchange_rates(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    context = organisation_context(request.user, organisation, access.projects_can_change)
    can_state = access.exchange_rates_can_change(request.user, organisation)
    action = request.POST.get("action") if request.method == "POST" else None
    rate_form = ExchangeRateForm(request.POST if action == "rate" else None, prefix="rate")
    currency_form = ReportingCurrencyForm(
        request.POST if action == "reporting" else None,
        prefix="reporting",
        initial={"currency": rates.reporting_currency_of(organisation)},
    )
    status = 200
    if request.method == "POST":
        require(can_state)
        if _save(request, organisation, action, rate_form, currency_form):
            return redirect(reverse("projects:exchange-rates", args=[organisation.slug]))
        status = 422
    table = rates.rate_table_for(organisation)
    return render(
        request,
        "projects/exchange_rates.html",
        {
            **context,
            "can_state": can_state,
            "table": table,
            "holding": sorted(table.rates.values(), key=lambda r: r.currency),
            "stated": rates.exchange_rates_of(organisation),
            "rate_form": rate_form,
            "currency_form": currency_form,
        },
        status=status,
    )
