"""Pure rule for a post: "qualified" means holding a valid certificate of a qualifying programme, nothing less.
No ORM, no I/O: the street report and the appointment check both decide with it."""

from collections.abc import Iterable

from ..rules import Standing


def post_standing(*, certified: bool, programme_standings: Iterable[str]) -> str:
    """A trainee's standing for a post: qualified only with a valid certificate of a qualifying programme;
    otherwise the best of their standings for the qualifying programmes (requirements met, certificate pending;
    in progress; not started)."""
    if certified:
        return Standing.QUALIFIED
    best = Standing.NOT_STARTED
    for standing in programme_standings:
        # Only a certificate qualifies: a programme standing can at best be "requirements met".
        standing = Standing.REQUIREMENTS_MET if standing == Standing.QUALIFIED else standing
        if Standing.ORDER.index(standing) < Standing.ORDER.index(best):
            best = standing
    return best
