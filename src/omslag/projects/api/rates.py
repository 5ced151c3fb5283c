"""API views of an organisation's exchange rates and reporting currency: read what holds and
what was stated; an administrator states a rate or changes the reporting currency."""

from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from omslag.common.api.helpers import validated
from omslag.common.api.serializers import CamelSerializer
from omslag.organisations.access import organisation_get_changeable, organisation_get_readable

from .. import access, rates, services
from .forecasts import ExchangeRateUsedOut


class ExchangeRateIn(CamelSerializer):
    currency = serializers.ChoiceField(
        choices=rates.currency_codes(),
        help_text="ISO 4217 code of the currency the rate converts from",
    )
    rate = serializers.DecimalField(
        max_digits=24,
        decimal_places=12,
        min_value=Decimal("0.000000000001"),
        help_text="What one unit of the currency is in the reporting currency; positive",
    )
    as_of = serializers.DateField(required=False, help_text="The date it holds from; today")
    source = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="Where the rate comes from"
    )

    def validate_rate(self, value):
        if value <= 0:
            raise serializers.ValidationError(_("The rate must be a positive number."))
        return value


class ExchangeRateStatedOut(CamelSerializer):
    """A rate as stated (never changed afterwards: a new rate is a new record)."""

    id = serializers.IntegerField()
    currency = serializers.CharField()
    reporting_currency = serializers.CharField()
    rate = serializers.DecimalField(max_digits=24, decimal_places=12, coerce_to_string=True)
    as_of = serializers.DateField()
    source = serializers.CharField(allow_blank=True)
    stated_at = serializers.DateTimeField()


class ExchangeRatesOut(CamelSerializer):
    reporting_currency = serializers.CharField(
        help_text="Sums are shown in this currency (the organisation's own, else the nearest "
        "above it, else EUR)"
    )
    holding = ExchangeRateUsedOut(
        many=True, help_text="The rate that holds today per currency (own or from above)"
    )
    stated = ExchangeRateStatedOut(many=True, help_text="Every rate this organisation stated")


class ReportingCurrencyIn(CamelSerializer):
    currency = serializers.ChoiceField(choices=rates.currency_codes(), help_text="ISO 4217 code")


class ReportingCurrencyOut(CamelSerializer):
    currency = serializers.CharField()


def _document(organisation) -> dict:
    table = rates.rate_table_for(organisation)
    return {
        "reporting_currency": table.reporting_currency,
        "holding": [table.rates[c].as_data() for c in sorted(table.rates)],
        "stated": rates.exchange_rates_of(organisation),
    }


@extend_schema(tags=["exchange-rates"])
class ExchangeRateListApi(generics.GenericAPIView):
    serializer_class = ExchangeRatesOut
    pagination_class = None

    @extend_schema(operation_id="exchange_rates_list", responses={200: ExchangeRatesOut})
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        return Response(ExchangeRatesOut(_document(organisation)).data)

    @extend_schema(
        operation_id="exchange_rates_create",
        description="State a rate into the reporting currency (administrators).",
        request=ExchangeRateIn,
        responses={201: ExchangeRateStatedOut},
    )
    def post(self, request, slug):
        organisation = organisation_get_changeable(
            request.user, slug, access.exchange_rates_can_change
        )
        data = validated(ExchangeRateIn, request.data)
        stated = services.exchange_rate_set(actor=request.user, organisation=organisation, **data)
        return Response(ExchangeRateStatedOut(stated).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["exchange-rates"])
class ReportingCurrencyApi(generics.GenericAPIView):
    serializer_class = ReportingCurrencyOut
    pagination_class = None

    @extend_schema(operation_id="reporting_currency_read", responses={200: ReportingCurrencyOut})
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        return Response({"currency": rates.reporting_currency_of(organisation)})

    @extend_schema(
        operation_id="reporting_currency_update",
        description="Change the reporting currency (administrators).",
        request=ReportingCurrencyIn,
        responses={200: ReportingCurrencyOut},
    )
    def put(self, request, slug):
        organisation = organisation_get_changeable(
            request.user, slug, access.exchange_rates_can_change
        )
        data = validated(ReportingCurrencyIn, request.data)
        setting = services.reporting_currency_set(
            actor=request.user, organisation=organisation, currency=data["currency"]
        )
        return Response({"currency": setting.currency})
