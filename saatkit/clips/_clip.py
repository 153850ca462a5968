"""One micro-expression sample: a lazy clip of frames with its metadata."""

from ..utils import Substitution
from ._crop import CropSource
from ._sources import (
    _COLOR,
    _READ,
    ArraySource,
    FolderSource,
    FrameSource,
    VideoSource,
    _digest,
)

_METADATA = ("database", "subject", "name", "fps", "onset", "apex", "offset")
_METADATA_PARAM = """**metadata
            ``database``, ``subject``, ``name``, ``fps``, ``onset``, ``apex``,
            ``offset`` (see :class:`Clip`)."""
_CLIP_RETURN = """clip : Clip
            The new clip; its frames are read only when asked for."""
# The sources' colour parameter, indented for a method's docstring.
_COLOR_PARAM = _COLOR.replace("\n", "\n    ")
_FROM = {
    "metadata": _METADATA_PARAM,
    "clip": _CLIP_RETURN,
    "color_metadata_clip": f"""{_COLOR_PARAM}
        {_METADATA_PARAM}

        Returns
        -------
        {_CLIP_RETURN}""",
}


class Clip:
    """A micro-expression clip whose frames are read only when asked for.

    A clip is what saatkit passes between steps as one sample of ``X``: a frame source
    (a folder of numbered images, a video file, an in-memory array, or a crop of one of
    these) and the clip's metadata. It holds no decoded frames, so a list of clips is
    cheap to pickle and to ship to joblib or dask workers.

    Parameters
    ----------
    source : FrameSource
        Where the frames come from. Use the constructors :meth:`from_folder`,
        :meth:`from_video` and :meth:`from_frames` rather than building one by hand;
        subclass :class:`FrameSource` to read frames from elsewhere.
    database : str, default=None
        Database the clip belongs to, for example ``"casme2"``, ``"samm"``, ``"smic"``.
    subject : str, default=None
        Subject identifier, unique across databases (``"casme2/sub01"``); it is the
        group of leave-one-subject-out cross-validation.
    name : str, default=None
        Clip name as in the database (``"EP02_01f"``).
    fps : float, default=None
        Frame rate of the recording.
    onset, apex, offset : int, default=None
        Annotated onset, apex and offset as **0-based positions** in the clip's frames,
        or None where the annotation has none. ``frame_numbers[apex]`` is the apex as the
        database numbers it.

    Attributes
    ----------
    frame_numbers : ndarray of shape (n_frames,)
        Frame numbers as the source numbers them (the number in each file name for a
        folder clip; ``0 .. n_frames - 1`` otherwise).
    key : str
        A stable hex digest of the frames' origin and the metadata; it changes when a
        frame file changes, and keys per-clip caches.

    Examples
    --------
    >>> import numpy as np
    >>> from saatkit.clips import Clip
    >>> frames = np.zeros((5, 32, 32), dtype=np.uint8)
    >>> clip = Clip.from_frames(frames, subject="demo/s1", name="c1", fps=200, apex=2)
    >>> len(clip), clip.read([0, 4]).shape
    (5, (2, 32, 32))
    """

    def __init__(
        self,
        source,
        *,
        database=None,
        subject=None,
        name=None,
        fps=None,
        onset=None,
        apex=None,
        offset=None,
    ):
        if not isinstance(source, FrameSource):
            raise TypeError(f"source must be a FrameSource, got {type(source).__name__}.")
        self.source = source
        self.database = database
        self.subject = subject
        self.name = name
        self.fps = None if fps is None else float(fps)
        n = len(source)
        for field, value in (("onset", onset), ("apex", apex), ("offset", offset)):
            if value is not None:
                value = int(value)
                if not 0 <= value < n:
                    raise ValueError(
                        f"{field}={value} is not a frame position of clip {name!r}, "
                        f"which has {n} frames (positions are 0-based)."
                    )
            setattr(self, field, value)

    @classmethod
    @Substitution(**_FROM)
    def from_folder(cls, path, *, color="auto", **metadata):
        """Make a clip from a folder of numbered image files.

        Parameters
        ----------
        path : str or Path
            Folder holding the frames (``img46.jpg``, ``reg_img46.jpg``,
            ``006_05562.jpg``, ``image559740.bmp``, ...). Frames are ordered by the number
            in the file name.
        %(color_metadata_clip)s
        """
        metadata.setdefault("name", str(path).rstrip("/\\").replace("\\", "/").split("/")[-1])
        return cls(FolderSource(path, color=color), **metadata)

    @classmethod
    @Substitution(**_FROM)
    def from_video(cls, path, *, color="auto", **metadata):
        """Make a clip from a video file that OpenCV can decode.

        The video's frame rate is the clip's ``fps`` unless given. Frames are decoded
        when read, by seeking from the first.

        Parameters
        ----------
        path : str or Path
            The video file.
        %(color_metadata_clip)s
        """
        source = VideoSource(path, color=color)
        if metadata.get("fps") is None and source.fps:
            metadata["fps"] = source.fps
        return cls(source, **metadata)

    @classmethod
    @Substitution(**_FROM)
    def from_frames(cls, frames, **metadata):
        """Make a clip from frames held in memory.

        Parameters
        ----------
        frames : ndarray of shape (T, H, W) or (T, H, W, C)
            uint8 frames, C in (1, 3).
        %(metadata)s

        Returns
        -------
        %(clip)s
        """
        return cls(ArraySource(frames), **metadata)

    def __len__(self):
        return len(self.source)

    @property
    def frame_numbers(self):
        return self.source.frame_numbers

    @property
    def metadata(self):
        """The clip's metadata as a dict."""
        return {field: getattr(self, field) for field in _METADATA}

    @property
    def key(self):
        return _digest("clip", self.source.key, sorted(self.metadata.items()))

    @Substitution(read=_READ)
    def read(self, indices=None):
        """Read frames as uint8, ``(n, H, W, 3)`` RGB or ``(n, H, W)`` grey.

        %(read)s
        """
        try:
            return self.source.read(indices)
        except IndexError as exc:
            raise IndexError(f"Clip {self.name!r}: {exc}") from None

    def crop(self, box, output_size, color="keep"):
        """A clip whose frames are ``box`` cut from these frames, resized.

        Parameters
        ----------
        box : tuple of 4 numbers
            ``(x0, y0, x1, y1)`` in pixels of the original frames; the same box is cut
            from every frame so that pixels stay aligned over time.
        output_size : int or (height, width)
            Size of the returned frames.
        color : {"keep", "rgb", "grey"}, default="keep"
            Layout of the returned frames: as read, 3-channel RGB, or grey.

        Returns
        -------
        clip : Clip
            The cropped clip, with this clip's metadata.
        """
        return Clip(CropSource(self.source, box, output_size, color), **self.metadata)

    @Substitution(metadata=_METADATA_PARAM)
    def replace(self, **metadata):
        """Copy the clip with some metadata replaced.

        Parameters
        ----------
        %(metadata)s

        Returns
        -------
        clip : Clip
            A clip of the same frames.
        """
        unknown = set(metadata) - set(_METADATA)
        if unknown:
            raise TypeError(f"Unknown clip metadata: {sorted(unknown)}.")
        return Clip(self.source, **{**self.metadata, **metadata})

    def __eq__(self, other):
        return isinstance(other, Clip) and self.key == other.key

    def __hash__(self):
        return hash(self.key)

    def __repr__(self):
        where = f"{self.database}/" if self.database else ""
        return (
            f"<Clip {where}{self.name} subject={self.subject} frames={len(self)} {self.source!r}>"
        )
