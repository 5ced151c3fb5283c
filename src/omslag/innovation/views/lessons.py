"""Lessons learned, searched across every organisation the person may read."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from omslag.common.pages import filters_of, paginate

from .. import selectors
from ..forms import SearchForm


@login_required
@require_GET
def lessons_search(request):
    form = SearchForm(request.GET or None)
    query = filters_of(form).get("q", "")
    return render(
        request,
        "innovation/lessons.html",
        {
            "form": form,
            "query": query,
            "page": paginate(request, selectors.lessons_search(request.user, query), per_page=20),
        },
    )
