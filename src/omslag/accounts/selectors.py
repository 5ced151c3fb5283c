from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from .models import ApiToken


def api_tokens_of(person: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(person=person)


def api_token_get_own(person: Any, pk: int) -> ApiToken:
    """A token of the person themself; anybody else's is not found."""
    token: ApiToken | None = ApiToken.objects.filter(person=person, pk=pk).first()
    if token is None:
        raise Http404("No token matches the given query.")
    return token
