import pickle
import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from saatkit.protocol import evaluate_loso

RNG = np.random.RandomState(0)
X = RNG.normal(size=(30, 4))
Y = np.arange(30) % 3
GROUPS = np.repeat(["s1", "s2", "s3"], 10)


class Payload:
    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def reference():
    return evaluate_loso(LogisticRegression(C=1.0), X, Y, GROUPS).y_pred


def test_deleted_manifest_and_other_config_do_not_reuse_folds(tmp_path):
    evaluate_loso(LogisticRegression(C=1e-6), X, Y, GROUPS, checkpoint=tmp_path)
    (tmp_path / "manifest.json").unlink()
    with pytest.warns(UserWarning, match="different run"):
        result = evaluate_loso(LogisticRegression(C=1.0), X, Y, GROUPS, checkpoint=tmp_path)
    np.testing.assert_array_equal(result.y_pred, reference())


@pytest.mark.parametrize("content", ["garbage", "pickle", "object-array", "empty"])
def test_damaged_or_malicious_fold_is_recomputed(tmp_path, content):
    marker = tmp_path / "pwned"
    evaluate_loso(LogisticRegression(), X, Y, GROUPS, checkpoint=tmp_path / "run")
    path = tmp_path / "run" / "fold-0001.npz"
    if content == "garbage":
        path.write_bytes(b"PK\x03\x04 not really a zip file")
    elif content == "pickle":
        path.write_bytes(pickle.dumps(Payload(marker)))
    elif content == "object-array":
        np.savez(
            path,
            test=np.arange(10),
            y_pred=np.array([Payload(marker)], dtype=object),
            fingerprint=np.array([Payload(marker)], dtype=object),
        )
    else:
        path.write_bytes(b"")
    with pytest.warns(UserWarning, match="fold-0001.npz cannot be read.*fold 1 is recomputed"):
        result = evaluate_loso(LogisticRegression(), X, Y, GROUPS, checkpoint=tmp_path / "run")
    assert not marker.exists()
    np.testing.assert_array_equal(result.y_pred, reference())
    # The recomputed fold was written again and is reused quietly.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        evaluate_loso(LogisticRegression(), X, Y, GROUPS, checkpoint=tmp_path / "run")


def test_damaged_manifest_is_rewritten_with_a_warning(tmp_path):
    evaluate_loso(LogisticRegression(), X, Y, GROUPS, checkpoint=tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.warns(UserWarning, match="different run"):
        result = evaluate_loso(LogisticRegression(), X, Y, GROUPS, checkpoint=tmp_path)
    np.testing.assert_array_equal(result.y_pred, reference())
