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
    my_credits = selectors.my_credits_for(request.user)
    unmet = [item for item in my_credits.programmes if not item.eligibility.met and item.certificate is None]
    candidates = selectors.course_candidates(request.user, completed=my_credits.completed_course_ids) if unmet else []
    # Sessions are read (one query) only when some programme is short of offline hours.
    needs_sessions = selectors.needs_offline_hours(item.eligibility for item in unmet)
    sessions = selectors.session_candidates(request.user) if needs_sessions else []
    recommendations = {
        item.programme.pk: selectors.recommendations_for(
            requirements=item.programme.requirements,
            eligibility=item.eligibility,
            candidates=candidates,
            sessions=sessions,
        )
        for item in unmet
    }
    rows = [(item, recommendations.get(item.programme.pk, ())) for item in my_credits.programmes]
    chart = charts.bar_chart([(c.name, value, c.colour) for c, value in my_credits.competencies])
    return render(
        request, "credits/my_credits.html", {"my_credits": my_credits, "chart": chart, "programme_rows": rows}
    )
