"""Trainee views: the programme page's personal progress and 我的学分 (the trainee's credits, progress and ledger).

Every view decides here who may see what: a trainee only ever sees their own record.
"""

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from academy import charts, page_cache

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
        if context["eligibility"].met and context["certificate"] is None:
            context["pending_request"] = selectors.pending_certificate_requests(
                request.user, programmes=[programme]
            ).first()
        if not context["eligibility"].met:
            needs_sessions = selectors.needs_offline_hours([context["eligibility"]])
            context["recommendations"] = selectors.recommendations_for(
                requirements=requirements,
                eligibility=context["eligibility"],
                candidates=selectors.course_candidates(request.user),
                sessions=selectors.session_candidates(request.user) if needs_sessions else [],
            )
    return context


@require_GET
@login_required
def my_credits(request):
    """我的学分: the logged-in trainee's own credits, programme progress and ledger.

    Its body is rendered once per trainee's record (``selectors.dashboard_key``) and language, and cached: on the
    demo data rendering it cost more than reading what it shows. A session's registration form in it carries the
    CSRF placeholder, which ``academy.page_cache`` replaces with the visitor's own token in every response."""
    key = selectors.dashboard_key(request.user)
    body_key = f"{key.key}:body:{get_language()}"
    cached = cache.get(body_key)
    if cached is None or not key.fresh(cached[0]):
        dashboard = selectors.dashboard_for(request.user, key=key)
        my_credits = dashboard.my_credits
        chart = charts.bar_chart([(c.name, value, c.colour) for c, value in my_credits.competencies])
        context = {
            "my_credits": my_credits,
            "chart": chart,
            "programme_rows": dashboard.programme_rows,
            "csrf_token": page_cache.CSRF_PLACEHOLDER,
        }
        cached = (dashboard.valid_until, render_to_string("credits/includes/my_credits_body.html", context, request))
        cache.set(body_key, cached, selectors.DASHBOARDS.timeout)
    return render(request, "credits/my_credits.html", {"body": cached[1]})
