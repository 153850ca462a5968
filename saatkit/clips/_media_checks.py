"""Checks on every decoded frame file and video: damage is an error naming the file.

Decoders are lenient: libjpeg fills the missing part of a truncated JPEG with grey and
only prints a warning, and OpenCV reads a video cut short as a shorter clip. Here the
file itself is checked, so a damaged frame never reaches apex spotting quietly:

- a JPEG must end its last scan with the end-of-image marker (``FFD9`` after the last
  start-of-scan ``FFDA``; bytes after it, which some cameras append, are allowed);
- a PNG must hold its closing ``IEND`` chunk;
- a 16-bit image is scaled to 8 bits by its real bit depth: the PNG ``sBIT`` chunk
  when present (a 12-bit image stored in 16 bits has ``sBIT`` 12 and is scaled by
  255 / 4095), else all 16 bits, as the PNG standard says; a 16-bit frame without
  ``sBIT`` whose values all fit in 12 bits is scaled as 16-bit with a warning;
- a video must decode as many frames as its container says it holds.
"""

import struct
import warnings

import cv2
import numpy as np

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_TWELVE_BITS = 4095


def _jpeg_damage(data):
    if data.rfind(b"\xff\xd9") < data.rfind(b"\xff\xda"):
        return "is truncated: its JPEG data ends without the end-of-image marker"
    return None


def _png_chunks(data):
    """(type, data) of each PNG chunk, in order, up to the first image data."""
    position = len(_PNG_SIGNATURE)
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        yield kind, data[position + 8 : position + 8 + length]
        if kind == b"IDAT":
            return
        position += 12 + length


def _png_damage(data):
    if b"IEND" not in data[-64:]:
        return "is truncated: its PNG data ends without the IEND chunk"
    return None


def significant_bits(data):
    """Bits per sample a 16-bit image really uses: the PNG sBIT chunk, else 16."""
    if data.startswith(_PNG_SIGNATURE):
        for kind, content in _png_chunks(data):
            if kind == b"sBIT" and content:
                # Grey, RGB, grey+alpha or RGBA: the colour channels' largest depth.
                colour = content[:3] if len(content) in (3, 4) else content[:1]
                return int(max(colour))
    return 16


def to_8_bits(frame, data, file):
    """A 16-bit frame as uint8, scaled by the bit depth the file declares."""
    bits = significant_bits(data)
    if bits == 16 and frame.size and int(frame.max()) <= _TWELVE_BITS:
        warnings.warn(
            f"Frame {file} is a 16-bit image whose values all fit in 12 bits, with no sBIT "
            "chunk saying so; it is scaled as 16-bit and comes out dark. If it is a 12-bit "
            "image, write its sBIT chunk (significant bits = 12).",
            stacklevel=4,
        )
    top = (1 << bits) - 1
    scaled = np.rint(frame.astype(np.float64) * (255.0 / top))
    return np.clip(scaled, 0, 255).astype(np.uint8)


def decode_image_file(file):
    """The frame stored in ``file``, as OpenCV decodes it, 16-bit brought to uint8.

    Raises
    ------
    ValueError
        When the file is missing, damaged (see the module's rules) or not an image.
    """
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise ValueError(f"Frame {file} is missing.") from None
    damage = None
    if data.startswith(b"\xff\xd8"):
        damage = _jpeg_damage(data)
    elif data.startswith(_PNG_SIGNATURE):
        damage = _png_damage(data)
    if damage:
        raise ValueError(f"Frame {file} {damage}.")
    frame = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if frame is None:
        raise ValueError(f"Frame {file} cannot be decoded as an image.")
    if frame.dtype == np.uint16:
        frame = to_8_bits(frame, data, file)
    return frame


def check_video_length(path, n_decoded, capture):
    """Refuse a video that decodes fewer frames than its container declares."""
    declared = int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
    if declared > n_decoded:
        raise ValueError(
            f"Video file {path} decodes {n_decoded} frames, but its container says it holds "
            f"{declared}: the file is truncated or damaged."
        )
