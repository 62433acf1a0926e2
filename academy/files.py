"""Handing a private file (a certificate PDF) to someone a view has already allowed to have it."""

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header


def private_file_response(field_file: FieldFile, *, filename: str, content_type: str) -> HttpResponse:
    """The file as a download, by PRIVATE_FILE_DELIVERY: streamed through this process ("django"), or a redirect to
    a signed URL of the object store that expires after PRIVATE_FILE_URL_SECONDS ("signed-url"), which carries the
    download name and type so the browser saves it exactly as a streamed one. Call it only after the permission
    check: whoever gets the response gets the file."""
    if settings.PRIVATE_FILE_DELIVERY == "signed-url":
        url = field_file.storage.url(
            field_file.name,
            parameters={
                "ResponseContentDisposition": content_disposition_header(as_attachment=True, filename=filename),
                "ResponseContentType": content_type,
                "ResponseCacheControl": "private, no-store",
            },
            expire=settings.PRIVATE_FILE_URL_SECONDS,
        )
        response = HttpResponseRedirect(url)
    else:
        response = FileResponse(field_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
