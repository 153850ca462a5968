"""load_expression_images on small image sets in both layouts."""

import cv2
import numpy as np
import pytest

from saatkit.datasets import load_expression_images

RED_BGR = np.zeros((20, 30, 3), dtype=np.uint8)
RED_BGR[..., 2] = 255


def _image(path, grey=False, size=(20, 30)):
    path.parent.mkdir(parents=True, exist_ok=True)
    image = np.full(size, 128, np.uint8) if grey else cv2.resize(RED_BGR, size[::-1])
    assert cv2.imwrite(str(path), image)


@pytest.fixture
def folder_set(tmp_path):
    root = tmp_path / "faces"
    _image(root / "Angry" / "a1.png")
    _image(root / "happy" / "h1.jpg", size=(90, 70))
    _image(root / "happy" / "h2.png", grey=True)
    _image(root / "neutral" / "n1.png")
    _image(root / "sad" / "s1.bmp")
    _image(root / "surprise" / "u1.png")
    _image(root / "calm" / "c1.png")
    (root / "happy" / "notes.txt").write_text("not an image")
    return root


def test_folder_per_class_layout(folder_set):
    with pytest.warns(UserWarning, match=r"calm \(1\)"):
        data = load_expression_images(folder_set, output_size=(16, 24))
    assert data.X.shape == (5, 16, 24, 3) and data.X.dtype == np.uint8
    assert data.frame["emotion"].tolist() == ["Angry", "happy", "happy", "sad", "surprise"]
    assert data.y.tolist() == [0, 1, 1, 0, 2]
    assert data.target_names == ["negative", "positive", "surprise"]
    # RGB order: the red test image has its red channel first.
    assert data.X[0, ..., 0].min() == 255 and data.X[0, ..., 2].max() == 0
    # A grey image comes back with three equal channels.
    grey = data.X[2]
    assert (grey[..., 0] == grey[..., 1]).all() and abs(int(grey[0, 0, 0]) - 128) <= 1


def test_csv_layout_with_and_without_header(folder_set, tmp_path):
    listed = tmp_path / "list.csv"
    listed.write_text(
        "path,label\n"
        "faces/happy/h1.jpg,HAPPINESS\n"
        f"{folder_set / 'sad' / 's1.bmp'},sadness\n"
        "faces/neutral/n1.png,neutral\n"
        "faces/surprise/u1.png,surprise\n"
    )
    data = load_expression_images(listed, output_size=12)
    assert data.X.shape == (3, 12, 12, 3)
    assert data.y.tolist() == [1, 0, 2]
    assert data.frame["path"].iloc[0] == str(tmp_path / "faces" / "happy" / "h1.jpg")
    bare = tmp_path / "bare.csv"
    bare.write_text("faces/happy/h1.jpg,3\nfaces/sad/s1.bmp,4\nfaces/calm/c1.png,0\n")
    data = load_expression_images(bare, class_map={3: "positive", "4": 0, 0: None})
    assert data.y.tolist() == [1, 0] and data.X.shape == (2, 64, 64, 3)


def test_class_map_replaces_the_default(folder_set):
    data = load_expression_images(
        folder_set,
        class_map={
            "HAPPY": 1,
            "neutral": "surprise",
            "angry": None,
            "sad": None,
            "surprise": None,
            "calm": None,
        },
    )
    assert data.frame["emotion"].tolist() == ["happy", "happy", "neutral"]
    assert data.y.tolist() == [1, 1, 2]


@pytest.mark.filterwarnings("ignore:Dropped images of classes")
def test_expression_image_errors(folder_set, tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere"):
        load_expression_images(tmp_path / "nowhere")
    with pytest.raises(ValueError, match=r"class_map\['happy'\]"):
        load_expression_images(folder_set, class_map={"happy": "joy"})
    with pytest.raises(ValueError, match="output_size"):
        load_expression_images(folder_set, output_size=(0, 10))
    with pytest.raises(ValueError, match="holds no class folders"):
        load_expression_images(folder_set / "happy")
    with pytest.raises(ValueError, match="classes found: .*calm"):
        load_expression_images(folder_set, class_map={"calm": None})
    (folder_set / "sad" / "broken.jpg").write_bytes(b"not a jpeg")
    with pytest.raises(ValueError, match="broken.jpg cannot be decoded"):
        load_expression_images(folder_set, class_map={"sad": "negative"})
    listed = tmp_path / "list.csv"
    listed.write_text("path,label\nfaces/happy/gone.jpg,happy\n")
    with pytest.raises(ValueError, match="gone.jpg does not exist"):
        load_expression_images(listed)


def _grey_image(path, level):
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), np.full((24, 24), level, np.uint8))


@pytest.fixture
def bu3dfe(tmp_path):
    """BU-3DFE as distributed: subject folders, the class in the file name. Each image's
    grey level says whose it is (neutral: 10 * subject, expressions above it)."""
    root = tmp_path / "BU3DFE"
    for s, (subject, race) in enumerate((("F0001", "WH"), ("M0002", "AE")), start=1):
        _grey_image(root / subject / f"{subject}_NE00{race}_F2D.bmp", 10 * s)
        for level in (1, 4):
            _grey_image(root / subject / f"{subject}_AN0{level}{race}_F2D.bmp", 10 * s + level)
        _grey_image(root / subject / f"{subject}_HA02{race}_F2D.bmp", 10 * s + 2)
        _grey_image(root / subject / f"{subject}_HA02{race}_F3D.bmp", 200)  # not a 2D face
    return root


def test_bu3dfe_layout_with_neutral_partners(bu3dfe):
    data = load_expression_images(bu3dfe, output_size=8, return_neutral=True)
    assert data.frame["emotion"].tolist() == ["AN", "AN", "HA"] * 2
    assert data.y.tolist() == [0, 0, 1] * 2
    assert data.neutral.shape == data.X.shape == (6, 8, 8, 3)
    # Each expression is paired with its own subject's neutral face.
    assert data.X[:, 0, 0, 0].tolist() == [11, 14, 12, 21, 24, 22]
    assert data.neutral[:, 0, 0, 0].tolist() == [10, 10, 10, 20, 20, 20]
    assert data.frame["neutral_path"].str.endswith("_NE00WH_F2D.bmp").sum() == 3
    plain = load_expression_images(bu3dfe, output_size=8)
    assert "neutral" not in plain and "neutral_path" not in plain.frame
    np.testing.assert_array_equal(plain.X, data.X)


def test_neutral_partners_from_a_csv_column(bu3dfe, tmp_path):
    # CK+-like: each sequence's peak frame listed with its first (neutral) frame.
    _grey_image(tmp_path / "ck" / "S005_001_00000001.png", 30)
    _grey_image(tmp_path / "ck" / "S005_001_00000011.png", 90)
    listed = tmp_path / "pairs.csv"
    listed.write_text(
        "label,path,neutral\n"
        "surprise,ck/S005_001_00000011.png,ck/S005_001_00000001.png\n"
        "anger,BU3DFE/M0002/M0002_AN04AE_F2D.bmp,\n"
    )
    data = load_expression_images(listed, output_size=8, return_neutral=True)
    assert data.y.tolist() == [2, 0]
    assert data.X[:, 0, 0, 0].tolist() == [90, 24]
    # An empty cell falls back to the BU-3DFE name's neutral, found in the image's folder.
    assert data.neutral[:, 0, 0, 0].tolist() == [30, 20]


@pytest.mark.filterwarnings("ignore:Dropped images of classes")
def test_missing_neutral_partners_are_named(bu3dfe, folder_set, tmp_path):
    with pytest.raises(ValueError, match="a1.png .* has no neutral partner"):
        load_expression_images(folder_set, class_map={"angry": 0}, return_neutral=True)
    (bu3dfe / "M0002" / "M0002_NE00AE_F2D.bmp").unlink()
    with pytest.raises(ValueError, match="no neutral image of M0002.*M0002_AN01AE_F2D"):
        load_expression_images(bu3dfe, return_neutral=True)
    (bu3dfe / "F0001" / "F0001_NE00WH_F2D.bmp").unlink()
    with pytest.raises(ValueError, match="has no neutral image at all"):
        load_expression_images(bu3dfe, return_neutral=True)
    with pytest.raises(TypeError, match="return_neutral"):
        load_expression_images(bu3dfe, return_neutral=1)
