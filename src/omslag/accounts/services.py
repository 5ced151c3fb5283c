from django.db import transaction
from django.utils import timezone

from omslag.common import audit

from .models import ApiToken


@transaction.atomic
def api_token_issue(*, person, name: str) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and only its hash is stored."""
    token, secret = ApiToken.objects.issue(person=person, name=name)
    audit.record("token_created", person=person, detail={"token": str(token)})
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record("token_revoked", person=token.person, detail={"token": str(token)})
