import cv2
import numpy as np
import pytest
import torch
from joblib import parallel_config
from threadpoolctl import threadpool_info

from saatkit.clips import map_clips
from saatkit.datasets import Clip
from saatkit.protocol import evaluate_loso
from saatkit.utils import thread_limit, worker_threads


def _thread_counts(clip=None):
    """Threads of torch, OpenCV and every BLAS / OpenMP pool where this runs."""
    pools = sorted({pool["num_threads"] for pool in threadpool_info()})
    return torch.get_num_threads(), cv2.getNumThreads(), pools


@pytest.fixture
def two_threads():
    """torch and OpenCV at two threads in this process, restored afterwards."""
    before = torch.get_num_threads(), cv2.getNumThreads()
    torch.set_num_threads(2)
    cv2.setNumThreads(2)
    yield
    torch.set_num_threads(before[0])
    cv2.setNumThreads(before[1])


def _clips(n):
    return [Clip.from_frames(np.full((1, 4, 4), i, np.uint8), name=f"c{i}") for i in range(n)]


def test_thread_limit_sets_every_pool_and_restores_it(two_threads):
    with thread_limit(1):
        assert _thread_counts() == (1, 1, [1])
    assert _thread_counts()[:2] == (2, 2)
    with thread_limit(None):
        assert _thread_counts()[:2] == (2, 2)


def test_parallel_clip_tasks_use_one_thread_each():
    # loky alone would give each of the two workers two threads here.
    with parallel_config(backend="loky", inner_max_num_threads=2):
        counts = map_clips(_thread_counts, _clips(4), n_jobs=2)
    assert counts == [(1, 1, [1])] * 4


def test_clip_tasks_in_the_calling_process_keep_its_threads(two_threads):
    assert [c[:2] for c in map_clips(_thread_counts, _clips(2), n_jobs=1)] == [(2, 2)] * 2


class _ThreadRecorder:
    """A classifier whose predictions are the torch threads it was fitted with."""

    def get_params(self, deep=True):
        return {}

    def fit(self, X, y):
        self.threads_ = _thread_counts()
        return self

    def predict(self, X):
        return np.full(len(X), 100 * self.threads_[0] + self.threads_[1])


def test_loso_folds_run_with_n_threads(two_threads):
    X, y, groups = np.zeros((4, 1)), np.array([0, 1, 0, 1]), ["a", "a", "b", "b"]
    with parallel_config(backend="loky", inner_max_num_threads=2):
        result = evaluate_loso(_ThreadRecorder(), X, y, groups, n_jobs=2)
    assert set(result.y_pred) == {101}


def test_worker_threads():
    assert worker_threads(1) is None and worker_threads(None) is None
    assert worker_threads(2) == 1
    with parallel_config(n_jobs=2):
        assert worker_threads(None) == 1


@pytest.mark.parametrize("n_threads", [0, -1, 1.5, True, "2"])
def test_bad_n_threads(n_threads):
    with pytest.raises(ValueError, match="n_threads"), thread_limit(n_threads):
        pass
