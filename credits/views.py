"""Trainee views: the programme page's personal progress and the credits dashboard (我的学分).

Every view decides here who may see what: a trainee only ever sees their own record.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .models import ProgrammePage


def programme_context(*, request, programme: ProgrammePage) -> dict:
    """Everyone sees the requirements and the posts; a logged-in trainee also sees their own progress."""
    requirements = selectors.programme_requirements(programme)
    context = {"requirements": requirements, "posts": list(programme.posts.all())}
    if request.user.is_authenticated:
        context["eligibility"] = selectors.eligibility_for(
            trainee=request.user, programme=programme, requirements=requirements
        )
        context["certificate"] = selectors.valid_certificate_for(request.user, [programme])
    return context


@require_GET
@login_required
def my_credits(request):
    """我的学分: the logged-in trainee's own credits, programme progress and ledger."""
    dashboard = selectors.dashboard_for(request.user)
    return render(request, "credits/my_credits.html", {"dashboard": dashboard})
