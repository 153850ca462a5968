"""Where a clip's frames come from: folders of images, video files, arrays, crops.

A source knows how many frames it has, reads any subset of them as uint8, and has a
stable ``key`` that changes when its content may have changed. Sources hold no frames
(except the in-memory one), so clips stay cheap to pickle and ship to workers.
"""

import hashlib
import os
import re
from pathlib import Path

import cv2
import numpy as np

from ..utils import Substitution
from ._grey import to_grey
from ._media_checks import check_video_length, decode_image_file

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".pgm", ".ppm")

_NUMBER = re.compile(r"(\d+)(?!.*\d)")


def _digest(*parts):
    h = hashlib.sha1()
    for part in parts:
        h.update(repr(part).encode() if not isinstance(part, bytes) else part)
        h.update(b"\x00")
    return h.hexdigest()


def _to_layout(frame, grey, path):
    """Bring a decoded OpenCV frame to RGB (H, W, 3) or grey (H, W) uint8."""
    if frame.dtype != np.uint8:
        # 16-bit files are brought to 8 bits by their real bit depth when decoded.
        raise ValueError(f"Frame {path} has unsupported pixel type {frame.dtype}.")
    if frame.ndim == 3 and frame.shape[2] == 4:
        frame = frame[:, :, :3]
    if frame.ndim == 3 and frame.shape[2] == 1:
        frame = frame[:, :, 0]
    if grey:
        # OpenCV decodes to BGR: reversed to RGB for the one grey conversion.
        return frame if frame.ndim == 2 else to_grey(frame[:, :, ::-1])
    if frame.ndim == 2:
        return cv2.cvtColor(frame, cv2.COLOR_GRAY2RGB)
    return cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)


def _stack(frames, paths):
    """Stack frames, naming the first frame whose size differs from the first."""
    first = frames[0].shape
    for frame, path in zip(frames, paths):
        if frame.shape != first:
            raise ValueError(
                f"Frame {path} has shape {frame.shape}, but the clip's first frame "
                f"{paths[0]} has shape {first}: all frames of a clip must have one size."
            )
    return np.stack(frames)


def _check_color(color, choices):
    if color not in choices:
        names = ", ".join(repr(c) for c in choices[:-1]) + f" or {choices[-1]!r}"
        raise ValueError(f"color must be {names}, got {color!r}.")


def _media_path(path, color, what, exists):
    """``path`` as a Path, once ``exists(path)`` (``Path.is_dir`` or ``Path.is_file``)
    holds and ``color`` is a layout the file sources read; ``what`` names it in errors."""
    path = Path(path)
    if not exists(path):
        raise FileNotFoundError(f"{what} {path} does not exist.")
    _check_color(color, ("auto", "rgb", "grey"))
    return path


def _check_indices(indices, n, owner):
    if indices is None:
        return np.arange(n)
    indices = np.asarray(indices)
    if indices.ndim == 0:
        indices = indices[None]
    if indices.ndim != 1 or (indices.size and not np.issubdtype(indices.dtype, np.integer)):
        raise TypeError(f"Frame indices for {owner} must be a 1-D sequence of integers.")
    bad = (indices < -n) | (indices >= n)
    if bad.any():
        raise IndexError(
            f"Frame index {int(indices[bad][0])} is out of range for {owner}, "
            f"which has {n} frames."
        )
    return indices % n if n else indices


_INDICES = """indices : int or sequence of int, default=None
            0-based frame positions (negative ones count from the end); all frames
            when None."""
_READ = f"""Parameters
        ----------
        {_INDICES}

        Returns
        -------
        frames : ndarray of shape (n, H, W) or (n, H, W, 3)
            The frames, grey or RGB, in the order of ``indices``."""
_COLOR = """color : {"auto", "rgb", "grey"}, default="auto"
        Frame layout: "auto" takes it from the first frame (grey files give grey
        frames, colour files RGB)."""


class FrameSource:
    """Base class of frame sources; subclass it to feed clips from elsewhere.

    A subclass sets ``frame_numbers`` (one int per frame) and implements
    ``_read(indices)``, which returns uint8 frames for validated, non-negative indices,
    and ``key``, a hex string that identifies the frames' content (:meth:`digest`
    makes one).
    """

    frame_numbers = np.zeros(0, dtype=np.int64)

    def __len__(self):
        return len(self.frame_numbers)

    @Substitution(read=_READ)
    def read(self, indices=None):
        """Read frames as uint8, ``(n, H, W, 3)`` RGB or ``(n, H, W)`` grey.

        %(read)s
        """
        return self._read(self.positions(indices))

    @Substitution(indices=_INDICES)
    def positions(self, indices=None):
        """Validate frame indices and make them non-negative.

        Parameters
        ----------
        %(indices)s

        Returns
        -------
        positions : ndarray of shape (n,)
            0-based positions in ``0 .. len(self) - 1``; an index out of range is an
            IndexError naming the source.
        """
        return _check_indices(indices, len(self), self)

    @staticmethod
    def digest(*parts):
        """Hex digest of ``parts`` (their ``repr``), to build a subclass's ``key`` from.

        Parameters
        ----------
        *parts : object
            What identifies the frames' content.

        Returns
        -------
        digest : str
            A SHA-1 hex digest.
        """
        return _digest(*parts)

    def _read(self, indices):
        raise NotImplementedError

    @property
    def key(self):
        raise NotImplementedError


@Substitution(color=_COLOR)
class FolderSource(FrameSource):
    """Frames stored as numbered image files in one folder.

    The frame order is the number in each file name (the last run of digits), never the
    string order: ``img9.jpg`` comes before ``img10.jpg``.

    Parameters
    ----------
    path : str or Path
        The folder.
    %(color)s
    """

    def __init__(self, path, color="auto"):
        path = _media_path(path, color, "Clip folder", Path.is_dir)
        numbered = {}
        for entry in os.scandir(path):
            if not entry.is_file() or not entry.name.lower().endswith(IMAGE_EXTENSIONS):
                continue
            match = _NUMBER.search(Path(entry.name).stem)
            if match is None:
                raise ValueError(
                    f"Image {Path(entry.path)} has no frame number in its name; "
                    "frame files must be numbered (e.g. img46.jpg)."
                )
            number = int(match.group(1))
            if number in numbered:
                raise ValueError(
                    f"Images {numbered[number]} and {Path(entry.path)} share frame number "
                    f"{number}."
                )
            numbered[number] = Path(entry.path)
        if not numbered:
            raise ValueError(f"Clip folder {path} holds no image frames {IMAGE_EXTENSIONS}.")
        order = sorted(numbered)
        self.path = path
        self.color = color
        self.frame_numbers = np.array(order, dtype=np.int64)
        self.files = [numbered[n].name for n in order]
        self._grey = None if color == "auto" else color == "grey"

    def _decode(self, name):
        file = self.path / name
        return decode_image_file(file), file

    def _read(self, indices):
        frames, paths = [], []
        grey = self._grey
        if grey is None:
            # The first frame fixes the layout, so any subset reads with the same shape.
            first, _ = self._decode(self.files[0])
            grey = first.ndim == 2 or first.shape[2] == 1
        for i in indices:
            frame, file = self._decode(self.files[i])
            frames.append(_to_layout(frame, grey, file))
            paths.append(file)
        if not frames:
            return np.zeros((0, 0, 0), dtype=np.uint8)
        return _stack(frames, paths)

    @property
    def key(self):
        stats = []
        for name in self.files:
            try:
                st = os.stat(self.path / name)
                stats.append((name, st.st_size, st.st_mtime_ns))
            except OSError:
                stats.append((name, None, None))
        return _digest("folder", str(self.path.resolve()), self.color, stats)

    def __repr__(self):
        return f"FolderSource({str(self.path)!r})"


@Substitution(color=_COLOR)
class VideoSource(FrameSource):
    """Frames of a video file, decoded with OpenCV on demand.

    Parameters
    ----------
    path : str or Path
        The video file.
    %(color)s
    """

    def __init__(self, path, color="auto"):
        path = _media_path(path, color, "Video file", Path.is_file)
        capture = cv2.VideoCapture(str(path))
        try:
            if not capture.isOpened():
                raise ValueError(f"Video file {path} cannot be opened by OpenCV.")
            n = 0
            while capture.grab():
                n += 1
            check_video_length(path, n, capture)
            self.fps = capture.get(cv2.CAP_PROP_FPS) or None
        finally:
            capture.release()
        if n == 0:
            raise ValueError(f"Video file {path} holds no frames.")
        self.path = path
        self.color = color
        self.frame_numbers = np.arange(n, dtype=np.int64)

    def _read(self, indices):
        wanted = set(int(i) for i in indices)
        decoded = {}
        capture = cv2.VideoCapture(str(self.path))
        try:
            for i in range(max(wanted, default=-1) + 1):
                if i in wanted:
                    ok, frame = capture.read()
                    if not ok:
                        raise ValueError(f"Frame {i} of video {self.path} cannot be decoded.")
                    decoded[i] = frame
                elif not capture.grab():
                    raise ValueError(f"Frame {i} of video {self.path} cannot be decoded.")
        finally:
            capture.release()
        grey = self.color == "grey"
        frames = [_to_layout(decoded[int(i)], grey, f"{self.path}#{int(i)}") for i in indices]
        if not frames:
            return np.zeros((0, 0, 0), dtype=np.uint8)
        return np.stack(frames)

    @property
    def key(self):
        st = os.stat(self.path)
        return _digest("video", str(self.path.resolve()), self.color, st.st_size, st.st_mtime_ns)

    def __repr__(self):
        return f"VideoSource({str(self.path)!r})"


class ArraySource(FrameSource):
    """Frames held in memory as a ``(T, H, W[, C])`` uint8 array.

    Parameters
    ----------
    frames : ndarray of shape (T, H, W) or (T, H, W, C)
        uint8 frames, C in (1, 3); one channel is kept as grey.
    """

    def __init__(self, frames):
        frames = np.asarray(frames)
        if frames.ndim not in (3, 4) or (frames.ndim == 4 and frames.shape[3] not in (1, 3)):
            raise ValueError(
                "frames must have shape (T, H, W) or (T, H, W, C) with C in (1, 3), "
                f"got {frames.shape}."
            )
        if frames.shape[0] == 0:
            raise ValueError("frames must hold at least one frame.")
        if frames.dtype != np.uint8:
            raise TypeError(f"frames must be uint8, got {frames.dtype}.")
        if frames.ndim == 4 and frames.shape[3] == 1:
            frames = frames[..., 0]
        self.frames = np.ascontiguousarray(frames)
        self.frame_numbers = np.arange(len(frames), dtype=np.int64)

    def _read(self, indices):
        return self.frames[indices]

    @property
    def key(self):
        return _digest("array", self.frames.shape, self.frames.tobytes())

    def __repr__(self):
        return f"ArraySource(shape={self.frames.shape})"
