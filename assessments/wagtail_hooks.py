"""Register the question bank's admin screens."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from . import services
from .models import BankQuestion
from .viewsets import QuestionBankGroup

register_snippet(QuestionBankGroup)


@hooks.register("register_log_actions")
def register_assessments_log_actions(actions):
    actions.register_action("assessments.question_import", _("Import questions"), _("Questions imported"))
    actions.register_action(
        "assessments.legal_version_record", _("Record a new version of a law"), _("New version of a law recorded")
    )
    actions.register_action("assessments.question_review_clear", _("Review a flagged question"), _("Review done"))


@hooks.register("after_edit_snippet")
def clear_review_of_an_edited_question(request, instance):
    """An editor who edits a question flagged by a new version of a law has reviewed it (the issue's "confirms or
    edits it")."""
    if isinstance(instance, BankQuestion) and instance.needs_review:
        services.question_review_clear(actor=request.user, question=instance, edited=True)
