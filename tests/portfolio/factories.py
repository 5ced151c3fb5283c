"""Build portfolio records through the services."""

from decimal import Decimal

from omslag.portfolio import services


def application(org, name="Zaaksysteem", value=4, condition=4, **fields):
    return services.application_create(
        actor=None,
        organisation=org,
        name=name,
        business_value=value,
        technical_condition=condition,
        **fields,
    )


def spend(org, year, amount, category="run", kind="actual", **fields):
    return services.spend_line_create(
        actor=None,
        organisation=org,
        year=year,
        amount=Decimal(str(amount)),
        kind=kind,
        category=category,
        **fields,
    )
