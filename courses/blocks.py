"""StreamField blocks for course and lesson bodies, and for quiz questions."""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from .choices import QuestionKind


class ImageBlock(blocks.StructBlock):
    """An image with an optional caption."""

    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    """An uploaded video file played with the browser's own player (no third-party embeds: no internet)."""

    video = DocumentChooserBlock(
        label=_("video file"), help_text=_("Upload an MP4 (H.264) or WebM file as a document.")
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"


class DocumentBlock(blocks.StructBlock):
    """A downloadable document such as a handout or a regulation's text."""

    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(label=_("link text"), required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        label = _("Download")
        template = "courses/blocks/document.html"


class CaseStudyBlock(blocks.StructBlock):
    """A worked example from a real compound."""

    title = blocks.CharBlock(label=_("title"), max_length=200)
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "ol", "ul", "link"])

    class Meta:
        icon = "openquote"
        label = _("Case study")
        template = "courses/blocks/case_study.html"


class CalloutBlock(blocks.StructBlock):
    """A highlighted note: a key point or a warning."""

    kind = blocks.ChoiceBlock(
        label=_("kind"), choices=[("tip", _("Key point")), ("warning", _("Warning"))], default="tip"
    )
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link"])

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "courses/blocks/callout.html"


RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "hr"]


class CourseBodyBlock(blocks.StreamBlock):
    """The introduction on a course page."""

    paragraph = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)
    image = ImageBlock()
    callout = CalloutBlock()


class LessonBodyBlock(blocks.StreamBlock):
    """What a lesson teaches."""

    paragraph = blocks.RichTextBlock(
        label=_("Text"), features=RICH_TEXT_FEATURES, template="courses/blocks/paragraph.html"
    )
    image = ImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    case_study = CaseStudyBlock()
    callout = CalloutBlock()


class OptionBlock(blocks.StructBlock):
    """One answer option; whether it is correct never leaves the server."""

    text = blocks.CharBlock(label=_("option"), max_length=300)
    correct = blocks.BooleanBlock(label=_("correct"), required=False)

    class Meta:
        icon = "radio-full"
        label = _("Option")


class QuestionBlock(blocks.StructBlock):
    """A quiz question with its options; each question and option keeps a stable id for scoring."""

    kind = blocks.ChoiceBlock(label=_("kind"), choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    text = blocks.TextBlock(label=_("question"))
    options = blocks.ListBlock(OptionBlock(), label=_("options"), min_num=2)
    explanation = blocks.TextBlock(
        label=_("explanation"), required=False, help_text=_("Shown after an attempt next to a wrong answer.")
    )

    class Meta:
        icon = "help"
        label = _("Question")

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for option in value["options"] if option["correct"])
        if value["kind"] == QuestionKind.MULTIPLE:
            if correct < 1:
                raise StructBlockValidationError(
                    block_errors={"options": ErrorList([ValidationError(_("Mark at least one option as correct."))])}
                )
        elif correct != 1:
            raise StructBlockValidationError(
                block_errors={"options": ErrorList([ValidationError(_("Mark exactly one option as correct."))])}
            )
        if value["kind"] == QuestionKind.TRUE_FALSE and len(value["options"]) != 2:
            raise StructBlockValidationError(
                block_errors={"options": ErrorList([ValidationError(_("A true-or-false question has two options."))])}
            )
        return value


class QuestionsBlock(blocks.StreamBlock):
    question = QuestionBlock()
