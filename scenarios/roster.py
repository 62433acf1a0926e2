"""The roster column of an AB剧场 session that names a scenario to play beforehand (registered with courses/roster.py)."""

from django.utils.translation import gettext as _


class PreparationColumn:
    """Whether each registrant has played the session's scenario, and their best ending."""

    def heading(self, session) -> str | None:
        from .selectors import preparation_for

        preparation = preparation_for(session)
        if preparation is None:
            return None
        return _("Played beforehand: 《%(title)s》") % {"title": preparation.scenario.title}

    def cells(self, session, user_ids: list[int]) -> dict[int, str]:
        from .selectors import preparation_cells, preparation_for

        preparation = preparation_for(session)
        if preparation is None:
            return {}
        return preparation_cells(scenario=preparation.scenario, user_ids=user_ids)
