"""Crop faces: one square box per clip, found on one frame, cut from every frame.

:class:`saatkit.preprocessing.FaceCropper` detects the face once per clip, on its
onset frame (YuNet, the libfacedetection CNN the SA-AT paper uses), makes the box
square, grows it by ``margin`` and cuts the *same* box from every frame, so that
pixels stay aligned over time. ``transform`` returns lazy clips: no frame is read
until a later step asks for one.

This script crops one clip of each database of the synthetic benchmark, prints the
boxes and detector scores, and saves ``face_cropping.png``: the onset frame with its
box (top row) and the cropped onset and apex frames (bottom rows).
"""

import os
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from saatkit.datasets import make_synthetic_megc2019
from saatkit.preprocessing import FaceCropper

OUTPUT = Path(os.environ.get("SAATKIT_EXAMPLE_OUTPUT", "."))

data = make_synthetic_megc2019(scale="demo", max_frames=16, random_state=0)
# The first clip of each database.
rows = [int(np.flatnonzero(data.database == db)[0]) for db in ("smic", "casme2", "samm")]
clips = [data.X[i] for i in rows]

cropper = FaceCropper(detector="yunet", margin=0.1, output_size=128)
faces = cropper.fit_transform(clips)
found = cropper.locate(clips)  # the boxes and scores transform used

print("clip                  frame size   box (x0, y0, x1, y1)    score")
for clip, box, score in zip(clips, found.boxes, found.scores):
    height, width = clip.read([0]).shape[1:3]
    print(
        f"{clip.database + '/' + clip.name:<20}  {width:>4} x {height:<4}  "
        f"{str(tuple(int(v) for v in box)):<22}  {score:.2f}"
    )

figure = Figure(figsize=(9, 7.5), layout="constrained")
axes = figure.subplots(3, len(clips))
for j, (clip, face, box) in enumerate(zip(clips, faces, found.boxes)):
    onset = clip.onset or 0
    axes[0, j].imshow(clip.read([onset])[0], cmap="gray")
    x0, y0, x1, y1 = box
    axes[0, j].add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, color="lime", lw=2))
    axes[0, j].set_title(f"{clip.database}: onset frame and box")
    cropped = face.read([onset, clip.apex])
    axes[1, j].imshow(cropped[0], cmap="gray")
    axes[1, j].set_title(f"cropped onset ({cropped.shape[1]}x{cropped.shape[2]})")
    axes[2, j].imshow(cropped[1], cmap="gray")
    axes[2, j].set_title("cropped apex")
for ax in axes.ravel():
    ax.axis("off")
path = OUTPUT / "face_cropping.png"
figure.savefig(path, dpi=80)
print(f"Figure written to {path}")
