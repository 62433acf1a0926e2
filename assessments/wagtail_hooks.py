"""Register the question bank's admin screens."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .viewsets import QuestionBankGroup

register_snippet(QuestionBankGroup)


@hooks.register("register_log_actions")
def register_assessments_log_actions(actions):
    actions.register_action("assessments.question_import", _("Import questions"), _("Questions imported"))
