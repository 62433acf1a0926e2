"""StreamField blocks of a scenario: the roles that can play it and its scenes with their choices.

A scene's own shape (two to four choices, or an ending) is checked here, per block, so the editor sees the error on
the scene; the checks that need the whole graph (targets, reachability, loops) run in ``ScenarioPage.clean``."""

from django.core.validators import RegexValidator
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from .choices import Ending, Role, Speaker
from .rules import MAX_CHOICES, MIN_CHOICES

scene_key_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{0,39}$", _("Use lower-case letters, digits and hyphens, e.g. meeting-1.")
)


class ScoreBlock(blocks.StructBlock):
    """Points a choice gives (or takes) on one competency."""

    competency = SnippetChooserBlock("courses.Competency", label=_("competency"))
    points = blocks.IntegerBlock(label=_("points"), min_value=-5, max_value=5, help_text=_("From −5 to +5."))

    class Meta:
        icon = "order"
        label = _("Score")


class ChoiceBlock(blocks.StructBlock):
    """One answer the trainee can give in a scene."""

    text = blocks.CharBlock(label=_("what the trainee says or does"), max_length=200)
    target = blocks.CharBlock(
        label=_("next scene (key)"), max_length=40, validators=[scene_key_validator], help_text=_("The key of a scene.")
    )
    feedback = blocks.TextBlock(
        label=_("feedback"), required=False, help_text=_("Shown at the end: why this choice was good or poor.")
    )
    scores = blocks.ListBlock(ScoreBlock(), label=_("scores"), default=[], min_num=0)

    class Meta:
        icon = "arrow-right"
        label = _("Choice")


class SceneBlock(blocks.StructBlock):
    """A scene: who speaks and what happens, then two to four choices, or an ending."""

    key = blocks.CharBlock(
        label=_("key"),
        max_length=40,
        validators=[scene_key_validator],
        help_text=_("A short name other scenes' choices use to lead here, e.g. meeting-1."),
    )
    roles = blocks.MultipleChoiceBlock(
        label=_("only for these roles"),
        choices=Role.choices,
        required=False,
        help_text=_("Leave empty when every role sees this scene."),
    )
    speaker = blocks.ChoiceBlock(label=_("speaker"), choices=Speaker.choices, default=Speaker.NARRATOR)
    speaker_label = blocks.CharBlock(
        label=_("speaker's name or role"), max_length=60, required=False, help_text=_("For example “一楼住户 张阿姨”.")
    )
    image = ImageChooserBlock(label=_("image"), required=False)
    narration = blocks.RichTextBlock(label=_("narration"), features=["bold", "italic"])
    choices = blocks.ListBlock(ChoiceBlock(), label=_("choices"), default=[], min_num=0, max_num=MAX_CHOICES)
    ending = blocks.ChoiceBlock(
        label=_("ending"),
        choices=Ending.choices,
        required=False,
        help_text=_("Mark the scene as an ending (it then has no choices)."),
    )
    closing = blocks.TextBlock(label=_("closing words"), required=False, help_text=_("Shown with an ending."))

    class Meta:
        icon = "comment"
        label = _("Scene")

    def clean(self, value):
        value = super().clean(value)
        count = len(value["choices"])
        if value["ending"] and count:
            raise StructBlockValidationError(
                block_errors={"ending": ErrorList([_("An ending has no choices: remove the choices or the ending.")])}
            )
        if not value["ending"] and not MIN_CHOICES <= count <= MAX_CHOICES:
            raise StructBlockValidationError(
                block_errors={"choices": ErrorList([_("Give two to four choices, or mark the scene as an ending.")])}
            )
        return value


class RoleBlock(blocks.StructBlock):
    """A part the scenario can be played as, and the scene it starts from."""

    role = blocks.ChoiceBlock(label=_("role"), choices=Role.choices)
    start = blocks.CharBlock(
        label=_("start scene (key)"),
        max_length=40,
        validators=[scene_key_validator],
        help_text=_("The key of a scene."),
    )
    briefing = blocks.TextBlock(label=_("briefing"), required=False, help_text=_("Who you are and what you want."))

    class Meta:
        icon = "user"
        label = _("Role")


class ScenesBlock(blocks.StreamBlock):
    scene = SceneBlock()

    class Meta:
        min_num = 2


class RolesBlock(blocks.StreamBlock):
    role = RoleBlock()

    class Meta:
        min_num = 1
        max_num = len(Role.choices)
