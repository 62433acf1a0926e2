"""Builders for credits: programmes under an index, posts, certificates."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from wagtail.models import Site

from credits.models import (
    Certificate,
    Post,
    ProgrammeCompetencyMinimum,
    ProgrammeIndexPage,
    ProgrammePage,
    ProgrammeRequiredCourse,
)


def make_programme_index() -> ProgrammeIndexPage:
    existing = ProgrammeIndexPage.objects.first()
    if existing is not None:
        return existing
    root = Site.objects.get(is_default_site=True).root_page
    return root.add_child(instance=ProgrammeIndexPage(title="培训项目", slug="programmes"))


def make_programme(
    *,
    title: str = "小区专员岗前培训",
    slug: str = "community-specialist",
    party: str = "rc",
    total: str = "3.0",
    minimums: dict | None = None,
    required=(),
    offline_hours: str = "0.0",
    window_months: int = 24,
) -> ProgrammePage:
    """A live programme; ``minimums`` maps Competency → credits, ``required`` lists CoursePages."""
    programme = ProgrammePage(
        title=title,
        slug=slug,
        party=party,
        total_credits=Decimal(total),
        min_offline_hours=Decimal(offline_hours),
        window_months=window_months,
    )
    programme.competency_minimums = [
        ProgrammeCompetencyMinimum(competency=competency, credits=Decimal(credits))
        for competency, credits in (minimums or {}).items()
    ]
    programme.required_courses = [ProgrammeRequiredCourse(course=course) for course in required]
    make_programme_index().add_child(instance=programme)
    return ProgrammePage.objects.get(pk=programme.pk)


def make_post(*programmes, name: str = "小区专员", slug: str = "community-specialist", party: str = "rc") -> Post:
    post = Post.objects.create(name=name, slug=slug, party=party)
    post.programmes.set(programmes)
    return post


def make_certificate(holder, programme, *, number: str = "拱三方证〔2026〕第000001号", days_valid: int = 365, **kwargs):
    today = timezone.localdate()
    issued_on = kwargs.pop("issued_on", today - timedelta(days=10))
    return Certificate.objects.create(
        holder=holder,
        programme=programme,
        number=number,
        issued_on=issued_on,
        valid_until=kwargs.pop("valid_until", today + timedelta(days=days_valid)),
        **kwargs,
    )



def give_credits(trainee, competency, amount: str = "3.0", *, earned_on=None):
    """Put credits on a trainee's ledger as an import (no course needed)."""
    from credits.choices import CreditKind
    from credits.models import CreditEntry

    return CreditEntry.objects.create(
        trainee=trainee,
        competency=competency,
        amount=Decimal(amount),
        kind=CreditKind.IMPORT,
        earned_on=earned_on or timezone.localdate(),
        note="导入",
    )
