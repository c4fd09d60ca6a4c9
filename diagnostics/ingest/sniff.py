"""Identify a media file by its magic bytes (never by its name).

Customers' phones and messaging apps rename files freely: an iPhone HEIC photo often
arrives as ``IMG_1234.jpg``, a WhatsApp voice note as ``PTT-...opus`` or with no
extension at all.  :func:`sniff` looks only at the first bytes of the content.

Signatures used (sources: the format specifications, summarised in the
``file(1)``/libmagic database and the WHATWG MIME Sniffing Standard, section 6):

======================  =====================================================
JPEG                    ``FF D8 FF``  (ITU-T T.81 SOI marker + next marker)
PNG                     ``89 50 4E 47 0D 0A 1A 0A``  (RFC 2083 / PNG spec 5.2)
GIF                     ``GIF87a`` / ``GIF89a``
WebP / WAV / AVI        ``RIFF <size> WEBP`` / ``WAVE`` / ``AVI ``  (RIFF container)
BMP                     ``BM`` + a known DIB header size at offset 14
TIFF                    ``II*\\0`` / ``MM\\0*`` (TIFF 6.0), BigTIFF ``II+\\0`` / ``MM\\0+``
ISO BMFF                ``<size> ftyp <major brand> <minor> <compatible brands>``
                        (ISO/IEC 14496-12): HEIF/HEIC/AVIF images (ISO/IEC 23008-12),
                        MP4/MOV/3GP video, M4A audio
QuickTime (old)         first atom ``moov``/``mdat``/``wide``/``free``/``skip`` at offset 4
Matroska / WebM         EBML magic ``1A 45 DF A3``; DocType ``webm`` or ``matroska``
Ogg                     ``OggS`` (RFC 3533); Theora in the first page means video
AMR                     ``#!AMR\\n`` / ``#!AMR-WB\\n`` (RFC 4867 section 5)
MP3                     ``ID3`` tag or an MPEG audio frame sync with valid header fields
AAC (ADTS)              frame sync ``FFF`` with layer ``00``
FLAC / AIFF             ``fLaC`` / ``FORM <size> AIFF``
======================  =====================================================

A few non-media types (PDF, ZIP, plain text, SVG) are named so that the error shown
to the agent can say what the file actually is; their ``kind`` stays ``"unknown"``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

__all__ = ["MediaType", "sniff", "UNKNOWN"]


@dataclass(frozen=True)
class MediaType:
    """What a file is, judged from its content.

    Attributes:
        kind: ``"image"``, ``"video"``, ``"audio"`` or ``"unknown"``.
        format: short upper-case format name: images ``"JPEG"``, ``"PNG"``, ``"WEBP"``,
            ``"GIF"``, ``"BMP"``, ``"TIFF"``, ``"HEIF"``, ``"AVIF"``; video ``"MP4"``,
            ``"MOV"``, ``"3GP"``, ``"WEBM"``, ``"MKV"``, ``"AVI"``, ``"OGV"``; audio
            ``"M4A"``, ``"OGG"``, ``"AMR"``, ``"MP3"``, ``"AAC"``, ``"WAV"``, ``"FLAC"``,
            ``"AIFF"``; for unknown kinds ``"PDF"``, ``"ZIP"``, ``"TEXT"``, ``"SVG"``
            or ``""``.
        mime: the usual MIME type (``"image/jpeg"``), ``"application/octet-stream"``
            when unknown.
    """

    kind: str
    format: str
    mime: str

    @property
    def is_image(self) -> bool:
        return self.kind == "image"


UNKNOWN = MediaType("unknown", "", "application/octet-stream")

# ISO BMFF brands (ISO/IEC 23008-12 Annex B for HEIF, AV1 Image File Format 1.1 for
# AVIF, the MP4 registration authority list for the rest).
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1",
                b"mif2", b"heif"}
_AVIF_BRANDS = {b"avif", b"avis"}
_HEVC_ONLY_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "}
_QT_BRANDS = {b"qt  "}
_3GP_PREFIXES = (b"3gp", b"3g2", b"3ge", b"3gg", b"3gs")
_VIDEO_BRANDS = {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso8", b"mp41",
                 b"mp42", b"mp71", b"avc1", b"M4V ", b"M4VH", b"M4VP", b"dash", b"MSNV",
                 b"f4v ", b"mmp4", b"NDAS", b"XAVC", b"crx ", b"CAEP"}
_QT_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def sniff(data: bytes) -> MediaType:
    """Identify ``data`` (the whole file, or at least its first ~512 bytes) by magic bytes.

    Args:
        data: raw file bytes.

    Returns:
        A :class:`MediaType`; ``kind == "unknown"`` for anything not recognised
        (including empty input).  Never raises.
    """
    head = bytes(data[:4096])
    if len(head) < 2:
        return UNKNOWN

    if head[:3] == b"\xff\xd8\xff":
        return MediaType("image", "JPEG", "image/jpeg")
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return MediaType("image", "PNG", "image/png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return MediaType("image", "GIF", "image/gif")
    if head[:4] == b"RIFF" and len(head) >= 12:
        sub = head[8:12]
        if sub == b"WEBP":
            return MediaType("image", "WEBP", "image/webp")
        if sub == b"WAVE":
            return MediaType("audio", "WAV", "audio/wav")
        if sub == b"AVI ":
            return MediaType("video", "AVI", "video/x-msvideo")
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return MediaType("image", "TIFF", "image/tiff")
    if _is_bmp(head):
        return MediaType("image", "BMP", "image/bmp")

    if len(head) >= 12 and head[4:8] == b"ftyp":
        return _sniff_ftyp(head)
    if len(head) >= 8 and head[4:8] in _QT_ATOMS and _atom_size_ok(head):
        return MediaType("video", "MOV", "video/quicktime")

    if head[:4] == b"\x1a\x45\xdf\xa3":
        if b"webm" in head[:64]:
            return MediaType("video", "WEBM", "video/webm")
        return MediaType("video", "MKV", "video/x-matroska")
    if head[:4] == b"OggS":
        if b"\x80theora" in head[:128]:
            return MediaType("video", "OGV", "video/ogg")
        return MediaType("audio", "OGG", "audio/ogg")
    if head[:6] == b"#!AMR\n" or head[:9] == b"#!AMR-WB\n" or head[:8] == b"#!AMR_MC":
        return MediaType("audio", "AMR", "audio/amr")
    if head[:4] == b"fLaC":
        return MediaType("audio", "FLAC", "audio/flac")
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return MediaType("audio", "AIFF", "audio/aiff")
    if head[:3] == b"ID3":
        return MediaType("audio", "MP3", "audio/mpeg")
    frame = _mpeg_audio_frame(head)
    if frame:
        return frame

    return _sniff_non_media(head)


def _is_bmp(head: bytes) -> bool:
    """``BM`` alone is too weak (it starts plenty of text); also require a known
    DIB header size (BITMAPCOREHEADER 12, OS/2 16/64, INFO 40, V2 52, V3 56, V4 108,
    V5 124) and zero reserved fields."""
    if head[:2] != b"BM" or len(head) < 18:
        return False
    dib = struct.unpack("<I", head[14:18])[0]
    return dib in (12, 16, 40, 52, 56, 64, 108, 124)


def _atom_size_ok(head: bytes) -> bool:
    """A QuickTime atom size is 0 (to end of file), 1 (64-bit size follows) or >= 8."""
    size = struct.unpack(">I", head[:4])[0]
    return size in (0, 1) or size >= 8


def _sniff_ftyp(head: bytes) -> MediaType:
    size = struct.unpack(">I", head[:4])[0]
    end = min(len(head), size if size >= 16 else 16)
    major = head[8:12]
    brands = [major] + [head[i:i + 4] for i in range(16, end - 3, 4)]
    brand_set = set(brands)

    if major in _AUDIO_BRANDS:
        return MediaType("audio", "M4A", "audio/mp4")
    # Images: an image brand as major brand, or among the compatible brands of a
    # file whose major brand is not a video/audio one.
    image_major = major in _HEIF_BRANDS or major in _AVIF_BRANDS
    if image_major or not (major in _VIDEO_BRANDS or major in _QT_BRANDS or major.startswith(_3GP_PREFIXES)):
        if brand_set & _AVIF_BRANDS and not brand_set & _HEVC_ONLY_BRANDS:
            return MediaType("image", "AVIF", "image/avif")
        if brand_set & _HEIF_BRANDS:
            return MediaType("image", "HEIF", "image/heic" if brand_set & _HEVC_ONLY_BRANDS else "image/heif")
    if major in _QT_BRANDS:
        return MediaType("video", "MOV", "video/quicktime")
    if major.startswith(_3GP_PREFIXES):
        return MediaType("video", "3GP", "video/3gpp2" if major.startswith(b"3g2") else "video/3gpp")
    if brand_set & _AUDIO_BRANDS and not brand_set & {b"M4V ", b"avc1"}:
        return MediaType("audio", "M4A", "audio/mp4")
    # Any other ISO BMFF file is most likely a video (unknown camera brand).
    return MediaType("video", "MP4", "video/mp4")


# MPEG audio header tables (ISO/IEC 11172-3 / 13818-3): bitrate index 15 and sample
# rate index 3 are invalid; version bits 01 are reserved; layer bits 00 = AAC ADTS.
def _mpeg_audio_frame(head: bytes) -> MediaType | None:
    if len(head) < 4 or head[0] != 0xFF or (head[1] & 0xE0) != 0xE0:
        return None
    version = (head[1] >> 3) & 0x3
    layer = (head[1] >> 1) & 0x3
    if layer == 0:
        # ADTS: 12-bit sync, ID, layer 00, then profile, sampling index (0..12 valid).
        if (head[1] & 0xF6) == 0xF0 and ((head[2] >> 2) & 0xF) <= 12:
            return MediaType("audio", "AAC", "audio/aac")
        return None
    if version == 1:
        return None
    bitrate = (head[2] >> 4) & 0xF
    rate = (head[2] >> 2) & 0x3
    if bitrate in (0, 15) or rate == 3:
        return None
    return MediaType("audio", "MP3", "audio/mpeg")


def _sniff_non_media(head: bytes) -> MediaType:
    if head[:5] == b"%PDF-":
        return MediaType("unknown", "PDF", "application/pdf")
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return MediaType("unknown", "ZIP", "application/zip")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    low = text[:512].lower()
    if low.startswith(b"<svg") or (low.startswith(b"<?xml") and b"<svg" in head.lower()):
        return MediaType("unknown", "SVG", "image/svg+xml")
    if _looks_like_text(head):
        return MediaType("unknown", "TEXT", "text/plain")
    return UNKNOWN


def _looks_like_text(head: bytes) -> bool:
    sample = head[:1024]
    if not sample or b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as e:
        # A multi-byte character may be cut at the end of the sample.
        if e.start < len(sample) - 4:
            return False
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls <= len(sample) // 100
