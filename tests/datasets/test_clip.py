import pickle

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
