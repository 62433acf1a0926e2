"""Reads for posts and appointments: a trainee's standing for a post, and the appointments and people a member
of staff may see and appoint."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext

from academy.models import User
from academy.selectors import users_visible_to

from .. import rules
from ..models import Appointment, Certificate, Post
from ..selectors import programme_requirements, programmes_live, today, trainee_facts, valid_certificate_for
from . import rules as post_rules


def post_by_slug(slug: str) -> Post | None:
    return Post.objects.filter(slug=slug).first()


@dataclass
class PostStanding:
    """Where a trainee stands for a post (a ``rules.Standing`` value), on what certificate, or what they still
    lack."""

    standing: str
    certificate: Certificate | None
    shortfalls: list[str]

    @property
    def qualified(self) -> bool:
        """Holding a valid certificate of a qualifying programme: the only meaning of "qualified"."""
        return self.standing == rules.Standing.QUALIFIED


def post_standing(*, trainee: User, post: Post, on: date | None = None) -> PostStanding:
    """A trainee's standing for a post, decided by ``posts.rules.post_standing`` as the street report decides it: a
    valid certificate of a qualifying programme, or else the shortfalls of the qualifying programme they are
    nearest to graduating from ("requirements met, certificate pending" when one is met)."""
    on = on or today()
    programmes = list(programmes_live().filter(posts=post))
    certificate = valid_certificate_for(trainee, programmes, on=on) if programmes else None
    if certificate is None and not programmes:
        return PostStanding(rules.Standing.NOT_STARTED, None, [gettext("No programme qualifies for this post yet.")])
    results = []
    if certificate is None:
        for programme in programmes:
            requirements = programme_requirements(programme)
            facts = trainee_facts(trainee=trainee, requirements=requirements, as_of=on)
            results.append(
                (programme, rules.evaluate(requirements, facts), rules.programme_standing(requirements, facts))
            )
    standing = post_rules.post_standing(
        certified=certificate is not None, programme_standings=[standing for *_, standing in results]
    )
    if standing == rules.Standing.QUALIFIED:
        return PostStanding(standing, certificate, [])
    if standing == rules.Standing.REQUIREMENTS_MET:
        met = next(programme for programme, eligibility, _ in results if eligibility.met)
        return PostStanding(
            standing,
            None,
            [
                gettext("《%(programme)s》 is complete but no certificate has been issued yet.")
                % {"programme": met.title}
            ],
        )
    programme, eligibility, _ = min(results, key=lambda result: len(result[1].shortfalls))
    return PostStanding(standing, None, [f"《{programme.title}》：{message}" for message in eligibility.messages])


def appointments_visible_to(viewer: User) -> QuerySet[Appointment]:
    """Appointments a member of staff may see (registrars all, street administrators their street), each marked
    ``qualified_now`` when the holder still has a valid certificate of a programme that qualifies for the post."""
    appointments = Appointment.objects.select_related("trainee", "post", "street", "community", "certificate")
    if not viewer.is_authenticated or not viewer.is_active:
        return appointments.none()
    if not viewer.is_registrar:
        if not viewer.is_street_administrator:
            return appointments.none()
        appointments = appointments.filter(street_id=viewer.managed_street_id)
    qualifying = Certificate.objects.valid_on(today()).filter(
        holder=OuterRef("trainee"), programme__posts=OuterRef("post")
    )
    return appointments.annotate(qualified_now=Exists(qualifying))


def trainees_appointable_by(viewer: User) -> QuerySet[User]:
    """The people a member of staff may appoint: the people they may see."""
    return users_visible_to(viewer).filter(is_active=True)
