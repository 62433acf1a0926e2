"""The length of an uploaded video, read on the server from its MP4 header so that a browser cannot claim a
shorter video than it is. WebM and other containers are not parsed: their length is then pinned to the first
report received for each trainee (see services.lesson_video_report). The length is read once per uploaded file, by
a background task (tasks.video_length_task), and stored (models.VideoLength)."""

import struct

_CONTAINERS = {b"moov"}


def _boxes(handle, end: int):
    """Yield (type, payload offset, payload size) for the ISO-BMFF boxes between the current offset and ``end``."""
    while handle.tell() + 8 <= end:
        start = handle.tell()
        header = handle.read(8)
        if len(header) < 8:
            return
        size, kind = struct.unpack(">I4s", header)
        header_size = 8
        if size == 1:
            size = struct.unpack(">Q", handle.read(8))[0]
            header_size = 16
        elif size == 0:
            size = end - start
        if size < header_size:
            return
        yield kind, start + header_size, size - header_size
        handle.seek(start + size)


def mp4_duration_seconds(handle) -> float | None:
    """Duration from the movie header (moov/mvhd) of an MP4 file object, or None when it has none."""
    handle.seek(0, 2)
    file_end = handle.tell()
    handle.seek(0)
    for kind, offset, size in _boxes(handle, file_end):
        if kind in _CONTAINERS:
            handle.seek(offset)
            for inner, inner_offset, _inner_size in _boxes(handle, offset + size):
                if inner == b"mvhd":
                    handle.seek(inner_offset)
                    version = handle.read(4)[0]
                    if version == 1:
                        handle.seek(16, 1)
                        timescale, duration = struct.unpack(">IQ", handle.read(12))
                    else:
                        handle.seek(8, 1)
                        timescale, duration = struct.unpack(">II", handle.read(8))
                    return duration / timescale if timescale else None
            return None
    return None


def video_file_duration_seconds(document) -> float | None:
    """The video document's length in seconds read from its file, or None when it cannot be read. This reads the
    file (on S3, a download): only the background task calls it (services.video_length_record)."""
    try:
        with document.file.open("rb") as handle:
            return mp4_duration_seconds(handle)
    except (OSError, ValueError, struct.error, IndexError):
        return None
