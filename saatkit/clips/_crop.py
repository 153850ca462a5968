"""Crops: a fixed box cut from every frame of another source, resized to one size."""

import cv2
import numpy as np

from ._grey import to_grey
from ._sources import FrameSource, _check_color, _digest


def cut_box(image, box):
    """Cut a box from an image; outside the image, the border pixels repeat.

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C)
        The image.
    box : tuple of 4 int
        ``(x0, y0, x1, y1)`` in pixels.

    Returns
    -------
    patch : ndarray of shape (y1 - y0, x1 - x0) or (y1 - y0, x1 - x0, C)
        The box's pixels.
    """
    x0, y0, x1, y1 = box
    h, w = image.shape[:2]
    pad = max(0, -x0, -y0, x1 - w, y1 - h)
    if pad:
        image = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    return image[y0 + pad : y1 + pad, x0 + pad : x1 + pad]


class CropSource(FrameSource):
    """A fixed box cut from every frame of another source, resized to one size.

    Parts of the box outside the frame repeat the border pixels, so a face near the edge
    still gives a square crop. ``color`` ("keep", "rgb" or "grey") sets the layout of the
    cropped frames, so that clips of grey and colour databases can share one batch.

    Parameters
    ----------
    parent : FrameSource
        The source cut from.
    box : tuple of 4 numbers
        ``(x0, y0, x1, y1)`` in pixels of the parent's frames, rounded to integers.
    output_size : int or (height, width)
        Size of the cropped frames.
    color : {"keep", "rgb", "grey"}, default="keep"
        Layout of the cropped frames: as read, 3-channel RGB, or grey.
    """

    def __init__(self, parent, box, output_size, color="keep"):
        _check_color(color, ("keep", "rgb", "grey"))
        x0, y0, x1, y1 = (int(round(v)) for v in box)
        if x1 <= x0 or y1 <= y0:
            raise ValueError(f"Crop box {tuple(box)} is empty: need x0 < x1 and y0 < y1.")
        if np.isscalar(output_size):
            output_size = (int(output_size), int(output_size))
        height, width = (int(v) for v in output_size)
        if height < 1 or width < 1:
            raise ValueError(f"output_size must be positive, got {output_size}.")
        self.parent = parent
        self.box = (x0, y0, x1, y1)
        self.output_size = (height, width)
        self.color = color
        self.frame_numbers = parent.frame_numbers

    def _read(self, indices):
        frames = self.parent.read(indices)
        x0, y0, x1, y1 = self.box
        out_h, out_w = self.output_size
        shrink = (x1 - x0) > out_w or (y1 - y0) > out_h
        interpolation = cv2.INTER_AREA if shrink else cv2.INTER_LINEAR
        cropped = []
        for frame in frames:
            patch = cv2.resize(
                cut_box(frame, self.box), (out_w, out_h), interpolation=interpolation
            )
            if self.color == "rgb" and patch.ndim == 2:
                patch = cv2.cvtColor(patch, cv2.COLOR_GRAY2RGB)
            elif self.color == "grey" and patch.ndim == 3:
                patch = to_grey(patch)
            cropped.append(patch)
        if not cropped:
            shape = (0, out_h, out_w) + ((3,) if self.color == "rgb" else ())
            return np.zeros(shape, dtype=np.uint8)
        return np.stack(cropped)

    @property
    def key(self):
        return _digest("crop", self.parent.key, self.box, self.output_size, self.color)

    def __repr__(self):
        return (
            f"CropSource({self.parent!r}, box={self.box}, output_size={self.output_size}, "
            f"color={self.color!r})"
        )
