"""Prepare the test provider's database: tables, a signing key, a person with groups and the
client omslag signs in as. python -m tests.oidc.provider_site.setup REDIRECT_URI LOGOUT_URI"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc.provider_site.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oidc_provider.models import Client, ResponseType  # noqa: E402

from tests.oidc.provider_site.constants import CLIENT_ID, CLIENT_SECRET, PERSON  # noqa: E402


def main(redirect_uri: str, logout_uri: str) -> None:
    call_command("migrate", interactive=False, verbosity=0)
    call_command("creatersakey", verbosity=0)
    username, email, password = PERSON
    person = User.objects.create_user(
        username, email, password, first_name="Anna", last_name="Jansen"
    )
    for name in ("omslag-wadderveen-editors", "another-application"):
        person.groups.add(Group.objects.create(name=name))
    client = Client(
        name="omslag",
        client_type="confidential",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        jwt_alg="RS256",
        require_consent=True,
        reuse_consent=False,
    )
    client.redirect_uris = [redirect_uri]
    client.post_logout_redirect_uris = [logout_uri]
    client.scope = ["openid", "email", "profile", "groups"]
    client.save()
    client.response_types.add(ResponseType.objects.get(value="code"))


if __name__ == "__main__":
    main(*sys.argv[1:3])
