"""Frames per second of face cropping and apex spotting, on one core.

A real face (scikit-image's astronaut) is pasted into 640x480 frames whose mouth
smiles over the clip, with sensor noise; the clip is held in memory or written as a
folder of JPEG frames (what the databases ship). With ``--samm`` the same is done on
2040x1088 grey frames, the size of SAMM's.

- crop: ``FaceCropper`` detection on the reference frame plus reading and cropping
  every frame (``transform(...)[0].read()``).
- apex: ``ApexSpotter.spot`` on the cropped clip (it reads and crops every frame
  again, then spots); the step column shows the apex found vs the frame where the
  smile peaks.

Run ``python benchmarks/bench_face_preprocessing.py [--quick] [--samm]``.
"""

import argparse
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from skimage import data

from saatkit.datasets import Clip
from saatkit.preprocessing import ApexSpotter, FaceCropper, landmarks_68


def make_frames(n_frames, size=(480, 640), grey=False, seed=0):
    """``n_frames`` frames of a face that smiles and relaxes, peaking at 60% of the clip."""
    h, w = size
    face_side = int(0.75 * h)
    face = cv2.resize(data.astronaut(), (face_side, face_side), interpolation=cv2.INTER_AREA)
    canvas = np.full((h, w, 3), 110, dtype=np.uint8)
    top, left = (h - face_side) // 2, (w - face_side) // 2
    canvas[top : top + face_side, left : left + face_side] = face
    if grey:
        canvas = cv2.cvtColor(canvas, cv2.COLOR_RGB2GRAY)
    # Mouth of the astronaut at (140..260, 130..185) in its 512x512 image.
    scale = face_side / 512
    cx, cy = left + 200 * scale, top + 158 * scale
    sx, sy = 60 * scale, 28 * scale
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    bump = np.exp(-(((xx - cx) / sx) ** 2 + ((yy - cy) / sy) ** 2)) * np.abs(xx - cx) / sx
    peak = int(0.6 * n_frames)
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(n_frames):
        amplitude = 3 * scale * max(0.0, 1 - abs(i - peak) / (0.25 * n_frames))
        frame = cv2.remap(canvas, xx, yy + (amplitude * bump).astype(np.float32), cv2.INTER_LINEAR)
        noise = rng.normal(0, 1.5, frame.shape)
        frames.append(np.clip(frame + noise, 0, 255).astype(np.uint8))
    return np.stack(frames)


def as_folder(frames, folder):
    folder.mkdir(parents=True, exist_ok=True)
    for i, frame in enumerate(frames):
        image = frame if frame.ndim == 2 else frame[:, :, ::-1]
        cv2.imwrite(str(folder / f"img{i + 1}.jpg"), image, [cv2.IMWRITE_JPEG_QUALITY, 95])
    return Clip.from_folder(folder, name=folder.name)


def best_of(repeat, func):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def bench(label, clip, detectors, apex_methods, repeat):
    n = len(clip)
    rows = []
    for detector in detectors:
        cropper = FaceCropper(detector).fit([clip])
        t = best_of(repeat, lambda cropper=cropper: cropper.transform([clip])[0].read())
        rows.append((label, f"crop ({detector})", n, t))
    faces = FaceCropper().fit_transform([clip])[0]
    for method in apex_methods:
        spotter = ApexSpotter(method).fit([faces])
        apex = spotter.spot(faces)[0]
        t = best_of(repeat, lambda spotter=spotter: spotter.spot(faces))
        rows.append((label, f"apex ({method}) {apex} vs {int(0.6 * n)}", n, t))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer frames and repeats")
    parser.add_argument("--samm", action="store_true", help="also 2040x1088 grey JPEG frames")
    parser.add_argument("--frames", type=int, default=60)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    n_frames = 20 if args.quick else args.frames
    repeat = 1 if args.quick else 3

    start = time.perf_counter()
    # The first call in a process loads the model.
    landmarks_68(np.zeros((8, 8), np.uint8), (0, 0, 8, 8))
    load = time.perf_counter() - start
    print(f"one-time load of dlib's 68-point model: {load:.2f} s per process")

    rows = []
    frames = make_frames(n_frames)
    memory_clip = Clip.from_frames(frames, name="memory")
    rows += bench(
        "640x480 RGB array",
        memory_clip,
        ["yunet", "haar", "dlib"],
        ["lbp", "frame_difference"],
        repeat,
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder_clip = as_folder(frames, Path(tmp) / "rgb640")
        rows += bench("640x480 RGB JPEG", folder_clip, ["yunet"], ["lbp"], repeat)
        if args.samm:
            samm = make_frames(n_frames, size=(1088, 2040), grey=True)
            samm_clip = as_folder(samm, Path(tmp) / "samm")
            rows += bench("2040x1088 grey JPEG", samm_clip, ["yunet"], ["lbp"], repeat)

    print(f"\n{'frames':<22}{'step':<36}{'n':>4}{'seconds':>10}{'frames/s':>10}")
    for label, step, n, t in rows:
        print(f"{label:<22}{step:<36}{n:>4}{t:>10.3f}{n / t:>10.0f}")


if __name__ == "__main__":
    main()
