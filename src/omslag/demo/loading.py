"""Demo data: invented organisations and one person per role. Loading twice changes nothing."""

import secrets
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from omslag.organisations import services as organisation_services
from omslag.organisations.models import Membership, Organisation, Role

ORGANISATIONS = [
    # slug, name, kind, parent slug, description
    (
        "ministerie-van-digitale-zaken",
        "Ministerie van Digitale Zaken",
        "ministry",
        None,
        "Verantwoordelijk voor de digitale overheid en het beleid voor informatievoorziening.",
    ),
    (
        "dienst-digitale-dienstverlening",
        "Dienst Digitale Dienstverlening",
        "agency",
        "ministerie-van-digitale-zaken",
        "Voert de digitale loketten en de berichtenbox uit.",
    ),
    (
        "uitvoeringsorganisatie-basisgegevens",
        "Uitvoeringsorganisatie Basisgegevens",
        "agency",
        "ministerie-van-digitale-zaken",
        "Beheert de registers met basisgegevens.",
    ),
    (
        "gemeente-wadderveen",
        "Gemeente Wadderveen",
        "municipality",
        None,
        "Middelgrote gemeente aan de kust met ongeveer 80.000 inwoners.",
    ),
]

# email, full name, role, organisation
PEOPLE = [
    ("beheerder@omslag.example", "Bram Beheerder", Role.ADMIN, "ministerie-van-digitale-zaken"),
    ("beheerder@omslag.example", "Bram Beheerder", Role.ADMIN, "gemeente-wadderveen"),
    ("redacteur@omslag.example", "Eva Redacteur", Role.EDITOR, "gemeente-wadderveen"),
    ("lezer@omslag.example", "Lars Lezer", Role.VIEWER, "dienst-digitale-dienstverlening"),
    ("bestuurder@omslag.example", "Bo Bestuurder", Role.BOARD, "gemeente-wadderveen"),
    ("auditor@omslag.example", "Aya Auditor", Role.AUDITOR, "ministerie-van-digitale-zaken"),
    ("privacy@omslag.example", "Pim Privacy", Role.SAFEGUARD_OFFICER, "gemeente-wadderveen"),
    (
        "bestuurder-rijk@omslag.example",
        "Sanne Secretaris-Generaal",
        Role.BOARD,
        "ministerie-van-digitale-zaken",
    ),
    ("redacteur-rijk@omslag.example", "Ruben Rijk", Role.EDITOR, "ministerie-van-digitale-zaken"),
    (
        "privacy-rijk@omslag.example",
        "Priya Privacy",
        Role.SAFEGUARD_OFFICER,
        "ministerie-van-digitale-zaken",
    ),
]
# The applications and spend of each organisation: seed, applications, annual ICT spend.
PORTFOLIOS = [
    ("gemeente-wadderveen", 2026, 150, Decimal("18000000")),
    ("ministerie-van-digitale-zaken", 2031, 70, Decimal("42000000")),
    ("dienst-digitale-dienstverlening", 2032, 45, Decimal("26000000")),
    ("uitvoeringsorganisatie-basisgegevens", 2033, 45, Decimal("31000000")),
]
PLATFORM_ADMIN = ("platform@omslag.example", "Pia Platformbeheer")


def demo_password() -> str:
    """One generated password for every demo person, kept in the data directory."""
    path = Path(settings.DATA_DIR) / "demo_password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"demo-{secrets.token_urlsafe(9)}")
        path.chmod(0o600)
    return path.read_text().strip()


@transaction.atomic
def demo_load(password: str | None = None) -> list[tuple[str, str, str]]:
    """Create the demo organisations and people; return (email, role, organisation) rows."""
    password = password or demo_password()
    Person = get_user_model()
    by_slug = {}
    for slug, name, kind, parent, description in ORGANISATIONS:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            organisation = organisation_services.organisation_create(
                actor=None,
                slug=slug,
                name=name,
                kind=kind,
                parent=by_slug.get(parent),
                description=description,
            )
        by_slug[slug] = organisation

    def person(email, full_name, **extra):
        found = Person.objects.filter(email=email).first()
        if found is None:
            found = Person.objects.create_user(email, password, full_name=full_name, **extra)
        elif not found.check_password(password):
            found.set_password(password)
            found.save(update_fields=["password"])
        return found

    logins = []
    admin_email, admin_name = PLATFORM_ADMIN
    person(admin_email, admin_name, is_staff=True, is_superuser=True)
    logins.append((admin_email, "platform administrator", "—"))
    for email, full_name, role, slug in PEOPLE:
        member = person(email, full_name)
        organisation = by_slug[slug]
        if not Membership.objects.filter(
            person=member, organisation=organisation, role=role
        ).exists():
            organisation_services.membership_create(
                actor=None, person=member, organisation=organisation, role=role
            )
        logins.append((email, str(role.label), organisation.name))
    from omslag.portfolio.demo import portfolio_demo_load

    for slug, seed, applications, annual_total in PORTFOLIOS:
        portfolio_demo_load(
            by_slug[slug], seed=seed, applications=applications, annual_total=annual_total
        )
    from omslag.projects.demo import projects_demo_load

    projects_demo_load(by_slug)
    from omslag.innovation.demo import innovation_demo_load
    from omslag.safeguards.demo import safeguards_demo_clear_gates

    # The demo respects every gate: experiments get their approved assessments before they run.
    innovation_demo_load(by_slug["gemeente-wadderveen"], prepare=safeguards_demo_clear_gates)
    from omslag.innovation.demo import MINISTRY_CHALLENGE, MINISTRY_EXPERIMENTS

    innovation_demo_load(
        by_slug["ministerie-van-digitale-zaken"],
        prepare=safeguards_demo_clear_gates,
        experiments=MINISTRY_EXPERIMENTS,
        challenge=MINISTRY_CHALLENGE,
        seed=2031,
    )
    from omslag.participation.demo import participation_demo_load

    participation_demo_load(by_slug["gemeente-wadderveen"])
    from omslag.algorithms.demo import algorithms_demo_load

    algorithms_demo_load(by_slug["gemeente-wadderveen"])
    from omslag.safeguards.demo import safeguards_demo_load

    safeguards_demo_load(by_slug["gemeente-wadderveen"])
    safeguards_demo_load(by_slug["ministerie-van-digitale-zaken"])
    from omslag.maturity.demo import maturity_demo_load

    maturity_demo_load(by_slug, password)
    from omslag.publication.demo import publication_demo_load

    publication_demo_load(by_slug)
    return logins
