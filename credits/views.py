"""Trainee views: the programme page's personal progress and 我的学分 (the trainee's credits, progress and ledger).

Every view decides here who may see what: a trainee only ever sees their own record.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from academy import charts

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
    """我的学分: the logged-in trainee's own credits, programme progress and ledger."""
    dashboard = selectors.dashboard_for(request.user)
    my_credits = dashboard.my_credits
    chart = charts.bar_chart([(c.name, value, c.colour) for c, value in my_credits.competencies])
    return render(
        request,
        "credits/my_credits.html",
        {"my_credits": my_credits, "chart": chart, "programme_rows": dashboard.programme_rows},
    )
