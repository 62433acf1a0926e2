"""StreamField blocks for the content site. Every image block requires alt text."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class AccessibleImageBlock(blocks.StructBlock):
    """An image with the alt text a screen reader speaks, and an optional caption."""

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alt text"),
        max_length=200,
        help_text=_("Describe what the image shows for people who cannot see it. Required."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "home/blocks/image_block.html"


class QuoteBlock(blocks.StructBlock):
    """A quotation with who said it."""

    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=100)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "home/blocks/quote_block.html"


class BodyBlock(blocks.StreamBlock):
    """The body of standard pages, news and events."""

    heading = blocks.CharBlock(label=_("Heading"), form_classname="title", template="home/blocks/heading_block.html")
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), features=["bold", "italic", "link", "ol", "ul", "document-link"]
    )
    image = AccessibleImageBlock()
    quote = QuoteBlock()

    class Meta:
        label = _("Body")


class NavigationLinkBlock(blocks.StructBlock):
    """A link in the site's main navigation: a page of this site, or an address."""

    title = blocks.CharBlock(label=_("Title"), max_length=30)
    title_en = blocks.CharBlock(
        label=_("English title"),
        required=False,
        max_length=30,
        help_text=_("Shown instead of the title to visitors who read the site in English; empty: the title."),
    )
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.CharBlock(
        label=_("Address"),
        required=False,
        max_length=200,
        help_text=_("Used only when no page is chosen, e.g. /search/."),
    )

    class Meta:
        icon = "link"
        label = _("Link")

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={"page": ValidationError(_("Choose a page or enter an address."))}
            )
        return value
