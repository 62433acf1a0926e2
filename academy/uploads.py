"""Upload limits Wagtail has no setting for: the documents' size (images have WAGTAILIMAGES_MAX_UPLOAD_SIZE)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm


def validate_document_size(file) -> None:
    """Refuse a newly uploaded document larger than ACADEMY_DOCUMENT_MAX_UPLOAD_SIZE (lesson videos are the big
    ones, hence a limit far above the images')."""
    limit = settings.ACADEMY_DOCUMENT_MAX_UPLOAD_SIZE
    if isinstance(file, UploadedFile) and file.size > limit:
        raise ValidationError(
            _("This file is %(size)s; documents may be at most %(limit)s.")
            % {"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form (single and multiple upload) with the academy's size limit."""

    def clean_file(self):
        file = self.cleaned_data.get("file")
        validate_document_size(file)
        return file
