"""Checking a file a trainee hands in by what it contains, not by its name, and making it safe to keep.

A photo is opened with Pillow, turned upright and saved again without its metadata: phones write the place a photo
was taken (EXIF GPS), the phone's make and serial into each photo, and the academy has no need of them (PIPL:
collect no more than the purpose needs). A PDF must start with its header; a Word document must be a zip holding
``[Content_Types].xml`` and ``word/document.xml``. Anything else is refused with a message naming the file."""

import io
import warnings
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from PIL import Image, ImageOps, UnidentifiedImageError

from .choices import FileKind

CONTENT_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.JPEG: "image/jpeg",
    FileKind.PNG: "image/png",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
EXTENSIONS = {FileKind.PDF: ".pdf", FileKind.JPEG: ".jpg", FileKind.PNG: ".png", FileKind.DOCX: ".docx"}
# What the file input offers on a phone: the types and the extensions (WeChat's picker reads the extensions).
ACCEPT = {
    FileKind.PDF: "application/pdf,.pdf",
    FileKind.JPEG: "image/jpeg,.jpg,.jpeg",
    FileKind.PNG: "image/png,.png",
    FileKind.DOCX: f"{CONTENT_TYPES[FileKind.DOCX]},.docx",
}
# A photo larger than this many pixels is refused (a decompression bomb, or nothing a phone takes: 108 MP is ~1.1e8).
MAX_PIXELS = 120_000_000
# A .docx whose members unpack to more than this is refused (a zip bomb): real documents with photos stay far below.
MAX_DOCX_UNPACKED = 200 * 1024 * 1024


class FileRefused(ValueError):
    """The file cannot be accepted; ``message`` is translated and names the file."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content: bytes
    name: str  # the trainee's name for it, with the extension its content calls for

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def sniff(head: bytes) -> str | None:
    """The kind a file's first bytes announce, or None."""
    if head.startswith(b"%PDF-"):
        return FileKind.PDF
    if head.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PNG
    if head.startswith(b"PK\x03\x04"):
        return FileKind.DOCX  # only a candidate: _check_docx looks inside
    return None


def accept_attribute(kinds) -> str:
    return ",".join(ACCEPT[kind] for kind in kinds if kind in ACCEPT)


def kinds_label(kinds) -> str:
    return pgettext("list separator", ", ").join(str(FileKind(kind).label) for kind in kinds) if kinds else ""


def _renamed(name: str, kind: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return (stem.strip() or "file")[:150] + EXTENSIONS[kind]


def _clean_image(data: bytes, *, kind: str, name: str) -> bytes:
    """The picture again, upright, without EXIF, GPS, XMP or text chunks. Refuses what Pillow cannot decode."""
    refused = FileRefused(_("“%(name)s” is not a readable image.") % {"name": name})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > MAX_PIXELS:
                    raise FileRefused(_("“%(name)s” has too many pixels.") % {"name": name})
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
    except FileRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError, Warning):
        raise refused from None
    out = io.BytesIO()
    if kind == FileKind.JPEG:
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=88, optimize=True)
    else:
        upright.save(out, "PNG", optimize=True)
    return out.getvalue()


def _check_docx(data: bytes, *, name: str) -> None:
    refused = FileRefused(_("“%(name)s” is not a Word document (.docx).") % {"name": name})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise refused from None
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise refused
    if unpacked > MAX_DOCX_UNPACKED:
        raise FileRefused(_("“%(name)s” unpacks to more than a document can hold.") % {"name": name})


def check_file(*, data: bytes, name: str, allowed: list[str], max_bytes: int) -> CheckedFile:
    """Recognise ``data`` by its content, refuse it unless it is one of ``allowed`` and at most ``max_bytes``, and
    return what to store (a photo re-saved without metadata; other kinds as they came)."""
    if len(data) > max_bytes:
        raise FileRefused(_("“%(name)s” is larger than %(mb)s MB.") % {"name": name, "mb": max_bytes // (1024 * 1024)})
    if not data:
        raise FileRefused(_("“%(name)s” is empty.") % {"name": name})
    kind = sniff(data[:16])
    if kind is None or kind not in allowed:
        raise FileRefused(
            _("“%(name)s” is not one of the accepted kinds of file (%(kinds)s).")
            % {"name": name, "kinds": kinds_label(allowed)}
        )
    if kind in (FileKind.JPEG, FileKind.PNG):
        content = _clean_image(data, kind=kind, name=name)
    elif kind == FileKind.DOCX:
        _check_docx(data, name=name)
        content = data
    else:
        if b"%%EOF" not in data[-2048:]:
            raise FileRefused(_("“%(name)s” is not a complete PDF.") % {"name": name})
        content = data
    return CheckedFile(kind=kind, content=content, name=_renamed(name, kind))
