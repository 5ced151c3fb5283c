"""Factories that build records through the public services, as the application would."""

import factory
from django.contrib.auth import get_user_model

from omslag.organisations import services
from omslag.organisations.models import Organisation

PASSWORD = "correct-horse-battery-staple"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@omslag.test")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


def organisation(slug, *, parent=None, kind=Organisation.Kind.AGENCY, name=None, actor=None):
    return services.organisation_create(
        actor=actor,
        name=name or slug.replace("-", " ").title(),
        slug=slug,
        kind=kind,
        parent=parent,
    )


def member(role, org, person=None):
    person = person or PersonFactory()
    services.membership_create(actor=None, person=person, organisation=org, role=role)
    return person
