"""What Telegram will play or show, read from a file's first bytes: a voice note must be OGG
with Opus inside (anything else arrives as a file to download, not a voice message), and a
picture a JPEG. Pure reading, no external tools: `safar check` runs on an editor's laptop."""

import struct
from dataclasses import dataclass

OPUS_RATE = 48_000
"""Opus counts its granule positions in 48 kHz samples, whatever rate it was recorded at."""
_PAGE_HEADER = struct.Struct("<4sBBqIIIB")


class NotPlayable(ValueError):
    """The file is not what it claims to be, in words an editor can act on."""


@dataclass(frozen=True)
class VoiceFacts:
    seconds: float


def read_voice(data: bytes) -> VoiceFacts:
    """An OGG/Opus file's length; NotPlayable for anything Telegram would not play as a voice note."""
    if not data.startswith(b"OggS"):
        raise NotPlayable("it is not an OGG file (convert it with the ffmpeg command in docs/editing.md)")
    offset, last_granule, pre_skip, first = 0, 0, 0, True
    while offset < len(data):
        if len(data) - offset < _PAGE_HEADER.size or data[offset : offset + 4] != b"OggS":
            raise NotPlayable("the OGG file is cut short or damaged; export it again")
        _, _, _, granule, _, _, _, segments = _PAGE_HEADER.unpack_from(data, offset)
        table_end = offset + _PAGE_HEADER.size + segments
        body_end = table_end + sum(data[offset + _PAGE_HEADER.size : table_end])
        if body_end > len(data):
            raise NotPlayable("the OGG file is cut short or damaged; export it again")
        if first:
            head = data[table_end:body_end]
            if not head.startswith(b"OpusHead"):
                raise NotPlayable(
                    "the OGG file holds no Opus sound (Vorbis?): Telegram plays only Opus as a voice note"
                )
            pre_skip = struct.unpack_from("<H", head, 10)[0] if len(head) >= 12 else 0
            first = False
        if granule > 0:
            last_granule = granule
        offset = body_end
    return VoiceFacts(seconds=max(0, last_granule - pre_skip) / OPUS_RATE)


def check_jpeg(data: bytes) -> None:
    """NotPlayable unless `data` is a whole JPEG picture (Telegram's sendPhoto also takes PNG, but one
    format keeps the editors' instructions short and the files small)."""
    if not data.startswith(b"\xff\xd8\xff"):
        raise NotPlayable("it is not a JPEG picture (save or export it as .jpg)")
    if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise NotPlayable("the JPEG picture is cut short or damaged; export it again")
