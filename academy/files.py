"""Handing a private file (a certificate PDF) to someone a view has already allowed to have it, and naming downloads."""

import unicodedata

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

# Characters a file name must not carry: path separators and what Windows refuses. Control and format characters
# (Unicode categories Cc, Cf: the bidirectional overrides and isolates U+202A–U+202E and U+2066–U+2069, U+200E/F,
# zero-width characters, CR/LF, NUL) and line/paragraph separators go too: a name holding U+202E would make
# "张晓明\u202efdp.exe" display as "张晓明exe.pdf" in the browser's download bar and the file manager.
_RESERVED_IN_FILENAMES = set('/\\:*?"<>|')
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def safe_filename(name: str) -> str:
    """``name`` fit for a download's file name: no control, bidi or reserved characters, no leading dots."""
    kept = "".join(
        char
        for char in name
        if char not in _RESERVED_IN_FILENAMES and unicodedata.category(char) not in _UNSAFE_CATEGORIES
    )
    return kept.strip().lstrip(".") or "download"


def attachment_header(filename: str) -> str:
    """A Content-Disposition value for a download named ``filename`` (made safe, then encoded per RFC 6266)."""
    return content_disposition_header(as_attachment=True, filename=safe_filename(filename))


def private_file_response(field_file: FieldFile, *, filename: str, content_type: str) -> HttpResponse:
    """The file as a download, by PRIVATE_FILE_DELIVERY: streamed through this process ("django"), or a redirect to
    a signed URL of the object store that expires after PRIVATE_FILE_URL_SECONDS ("signed-url"), which carries the
    download name and type so the browser saves it exactly as a streamed one. Call it only after the permission
    check: whoever gets the response gets the file. ``filename`` is made safe here (``safe_filename``)."""
    filename = safe_filename(filename)
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
