import pickle
import struct
import zlib

import cv2
import numpy as np
import pytest

from saatkit.datasets import Clip, check_clips


def _write(folder, name, value, shape=(12, 16, 3)):
    cv2.imwrite(str(folder / name), np.full(shape, value, dtype=np.uint8))


@pytest.fixture
def folder(tmp_path):
    for number in (9, 10, 100, 11):
        _write(tmp_path, f"img{number}.png", number)
    return tmp_path


def test_folder_frames_follow_numbers_not_string_order(folder):
    clip = Clip.from_folder(folder, database="casme2", subject="casme2/sub01", fps=200)
    assert list(clip.frame_numbers) == [9, 10, 11, 100]
    frames = clip.read()
    assert frames.shape == (4, 12, 16, 3) and frames.dtype == np.uint8
    assert list(frames[:, 0, 0, 0]) == [9, 10, 11, 100]
    assert list(clip.read([3, 0])[:, 0, 0, 0]) == [100, 9]
    assert len(clip) == 4 and clip.name == folder.name


def test_grey_folder_reads_grey(tmp_path):
    for number in (1, 2):
        _write(tmp_path, f"{number:05d}.jpg", 50, shape=(8, 8))
    assert Clip.from_folder(tmp_path).read().shape == (2, 8, 8)


def test_clip_is_picklable_and_key_is_stable(folder):
    clip = Clip.from_folder(folder, subject="s", apex=2)
    again = pickle.loads(pickle.dumps(clip))
    assert again.key == clip.key == Clip.from_folder(folder, subject="s", apex=2).key
    assert clip.replace(apex=1).key != clip.key
    np.testing.assert_array_equal(again.read(), clip.read())


def test_key_changes_when_a_frame_file_changes(folder):
    clip = Clip.from_folder(folder)
    key = clip.key
    _write(folder, "img10.png", 200, shape=(12, 16, 3))
    cv2.imwrite(str(folder / "img10.png"), np.full((12, 17, 3), 3, np.uint8))
    assert Clip.from_folder(folder).key != key


def test_mixed_size_frames_name_the_file(folder):
    _write(folder, "img12.png", 0, shape=(13, 16, 3))
    with pytest.raises(ValueError, match="img12.png"):
        Clip.from_folder(folder).read()


def test_unreadable_and_missing_frames_name_the_file(folder):
    (folder / "img50.jpg").write_bytes(b"not an image")
    clip = Clip.from_folder(folder)
    with pytest.raises(ValueError, match="img50.jpg.*cannot be decoded"):
        clip.read()
    (folder / "img50.jpg").unlink()
    with pytest.raises(ValueError, match="img50.jpg.*missing"):
        clip.read()


def test_folder_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere"):
        Clip.from_folder(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="no image frames"):
        Clip.from_folder(tmp_path)
    _write(tmp_path, "cover.png", 1)
    with pytest.raises(ValueError, match="cover.png"):
        Clip.from_folder(tmp_path)


def test_from_frames_and_indices():
    frames = np.arange(5 * 4 * 4, dtype=np.uint8).reshape(5, 4, 4)
    clip = Clip.from_frames(frames, onset=0, apex=2, offset=4)
    np.testing.assert_array_equal(clip.read([-1]), frames[[4]])
    with pytest.raises(IndexError, match="out of range"):
        clip.read([5])
    with pytest.raises(ValueError, match="apex=7"):
        Clip.from_frames(frames, apex=7)
    with pytest.raises(TypeError, match="uint8"):
        Clip.from_frames(frames.astype(float))


def test_video_round_trip(tmp_path):
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 100, (32, 24))
    for value in (0, 80, 160, 240):
        writer.write(np.full((24, 32, 3), value, np.uint8))
    writer.release()
    clip = Clip.from_video(path)
    assert len(clip) == 4 and clip.fps == 100
    means = clip.read([3, 1]).reshape(2, -1).mean(axis=1)
    np.testing.assert_allclose(means, [240, 80], atol=4)


def test_crop_applies_one_box_to_every_frame():
    frames = np.zeros((3, 40, 60, 3), np.uint8)
    frames[:, 10:20, 30:40] = 255
    cropped = Clip.from_frames(frames).crop((30, 10, 40, 20), 5)
    out = cropped.read()
    assert out.shape == (3, 5, 5, 3) and (out == 255).all()
    # A box over the edge repeats border pixels instead of failing.
    assert Clip.from_frames(frames).crop((-10, -10, 10, 10), 8).read().shape == (3, 8, 8, 3)


def test_check_clips_names_the_bad_item():
    clip = Clip.from_frames(np.zeros((2, 4, 4), np.uint8))
    assert check_clips([clip]) == [clip]
    with pytest.raises(TypeError, match=r"X\[1\]"):
        check_clips([clip, np.zeros(3)])
    with pytest.raises(TypeError):
        check_clips(clip)


# -- media integrity ------------------------------------------------------------------


def _noise_frames(n, size=16):
    rng = np.random.default_rng(1)
    return rng.integers(0, 256, (n, size, size, 3), dtype=np.uint8)


def _folder(tmp_path, ext=".jpg"):
    folder = tmp_path / "clip"
    folder.mkdir()
    for i, frame in enumerate(_noise_frames(5)):
        cv2.imwrite(str(folder / f"img{i + 1}{ext}"), frame)
    return folder


@pytest.mark.parametrize("ext, marker", [(".jpg", "end-of-image marker"), (".png", "IEND")])
def test_a_truncated_frame_is_an_error_naming_the_file(tmp_path, ext, marker):
    folder = _folder(tmp_path, ext)
    damaged = folder / f"img3{ext}"
    data = damaged.read_bytes()
    damaged.write_bytes(data[: len(data) * 2 // 3])
    clip = Clip.from_folder(folder)
    assert clip.read([0, 1, 3]).shape == (3, 16, 16, 3)
    with pytest.raises(ValueError, match=rf"img3{ext} is truncated.*{marker}"):
        clip.read()


def test_bytes_after_the_jpeg_end_marker_are_allowed(tmp_path):
    folder = _folder(tmp_path)
    with open(folder / "img2.jpg", "ab") as f:
        f.write(b"camera trailer")
    assert Clip.from_folder(folder).read().shape == (5, 16, 16, 3)


def _png_with_sbit(path, image, bits):
    """A 16-bit PNG with an sBIT chunk after IHDR, as libpng writes it."""
    data = cv2.imencode(".png", image)[1].tobytes()
    content = bytes([bits])
    chunk = (
        struct.pack(">I", 1) + b"sBIT" + content + struct.pack(">I", zlib.crc32(b"sBIT" + content))
    )
    ihdr_end = 8 + 8 + 13 + 4
    path.write_bytes(data[:ihdr_end] + chunk + data[ihdr_end:])


def test_a_12_bit_png_is_scaled_by_its_sbit_depth(tmp_path):
    folder = tmp_path / "clip"
    folder.mkdir()
    image = np.array([[0, 2048], [4095, 1000]], dtype=np.uint16)
    _png_with_sbit(folder / "img1.png", image, 12)
    frame = Clip.from_folder(folder).read()[0]
    np.testing.assert_array_equal(frame, np.rint(image / 4095 * 255).astype(np.uint8))


def test_a_16_bit_png_without_sbit_uses_16_bits_and_warns_when_dark(tmp_path):
    folder = tmp_path / "clip"
    folder.mkdir()
    image = np.array([[0, 2048], [4095, 1000]], dtype=np.uint16)
    cv2.imwrite(str(folder / "img1.png"), image)
    with pytest.warns(UserWarning, match=r"img1.png is a 16-bit image .* fit in 12 bits"):
        frame = Clip.from_folder(folder).read()[0]
    np.testing.assert_array_equal(frame, np.rint(image / 65535 * 255).astype(np.uint8))
    cv2.imwrite(str(folder / "img1.png"), image * 16)
    assert Clip.from_folder(folder).read()[0][1, 0] == 255


def test_a_video_cut_short_is_an_error(tmp_path):
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25, (16, 16))
    for frame in _noise_frames(20):
        writer.write(frame)
    writer.release()
    assert len(Clip.from_video(path)) == 20
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(
        ValueError,
        match=r"clip.avi decodes \d+ frames, but its container "
        "says it holds 20",
    ):
        Clip.from_video(path)
