"""Spot the apex frame of a clip and plot the distance curve d(i).

:class:`saatkit.preprocessing.ApexSpotter` implements Algorithm 1 of SA-AT (the
automatic apex spotting of Liong et al., 2015): dlib's 68 landmarks on the first
frame fix three regions of interest (left eye and brow, right eye and brow, mouth);
each frame's LBP histogram in each region is compared with the first frame's by
Eq. 1,

    d(i) = 1 - <h_1, h_i> / (|h_1| |h_i|),

averaged over the regions, and the apex is the first frame with the largest d(i).

The script crops the faces of a few clips of the synthetic benchmark, spots their
apex, prints the spotted apex next to the ground truth (the synthetic clips know
where their expression peaks), and saves ``apex_curve.png``: d(i) of one clip with
the spotted and the true apex marked.
"""

import os
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from saatkit.datasets import make_synthetic_megc2019
from saatkit.preprocessing import ApexSpotter, FaceCropper, plot_apex_curve

OUTPUT = Path(os.environ.get("SAATKIT_EXAMPLE_OUTPUT", "."))

# At most 30 frames per clip keeps the script fast; the clips keep their duration.
data = make_synthetic_megc2019(scale="demo", max_frames=30, random_state=0)
rows = [i for db in ("smic", "casme2", "samm") for i in np.flatnonzero(data.database == db)[:2]]
clips = FaceCropper(output_size=128).fit_transform([data.X[i] for i in rows])

spotter = ApexSpotter(method="lbp").fit(clips)
# The paper's method against a landmark-free one: the whole face's grey-level change.
difference = ApexSpotter(method="frame_difference").fit(clips)
print("clip              frames  onset  offset  true apex  lbp (Alg. 1)  frame_difference")
curves, errors = [], {"lbp": [], "frame_difference": []}
for clip in clips:
    apex, d = spotter.spot(clip)
    apex_difference, _ = difference.spot(clip)
    curves.append((clip, apex, d))
    errors["lbp"].append(abs(apex - clip.apex))
    errors["frame_difference"].append(abs(apex_difference - clip.apex))
    print(
        f"{clip.database + '/' + clip.name:<16}  {len(clip):>6}  {clip.onset:>5}  "
        f"{clip.offset:>6}  {clip.apex:>9}  {apex:>12}  {apex_difference:>16}"
    )
for method, error in errors.items():
    print(f"mean |spotted - true apex|, {method}: {np.mean(error):.1f} frames")

clip, apex, d = curves[2]
figure = Figure(figsize=(7, 3.2), layout="constrained")
ax = plot_apex_curve(
    d, apex, ax=figure.subplots(), title=f"{clip.database}/{clip.name}: d(i), Eq. 1"
)
ax.axvline(clip.apex, color="tab:green", linestyle=":", label=f"true apex = {clip.apex}")
ax.axvspan(clip.onset, clip.offset, color="tab:green", alpha=0.1, label="onset to offset")
ax.legend(loc="best")
path = OUTPUT / "apex_curve.png"
figure.savefig(path, dpi=80)
print(f"Figure written to {path}")
