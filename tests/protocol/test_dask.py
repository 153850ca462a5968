import numpy as np
import pytest

distributed = pytest.importorskip("dask.distributed")

from saatkit.cli import _parallel_backend  # noqa: E402
from saatkit.datasets import make_synthetic_megc2019  # noqa: E402
from saatkit.pipelines import make_lbptop_pipeline  # noqa: E402
from saatkit.protocol import evaluate_loso  # noqa: E402


def test_dask_cluster_gives_the_local_predictions():
    data = make_synthetic_megc2019(max_frames=10, random_state=0)
    keep = np.isin(data.groups, ["smic/s01", "casme2/sub01", "casme2/sub02", "samm/006"])
    X = [c for c, k in zip(data.X, keep) if k]
    y, groups = data.y[keep], data.groups[keep]
    pipe = make_lbptop_pipeline(output_size=48)
    local = evaluate_loso(pipe, X, y, groups)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        with _parallel_backend("dask", cluster.scheduler_address):
            remote = evaluate_loso(pipe, X, y, groups, n_jobs=2)
    np.testing.assert_array_equal(remote.y_pred, local.y_pred)
    assert remote.n_folds == 4
