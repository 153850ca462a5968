"""Each finished LOSO fold's predictions on disk, bound to what produced them."""

import json
import warnings
from pathlib import Path

import numpy as np

from ..clips import atomic_write


class Checkpoint:
    """One file per finished fold, written atomically, so a killed run resumes.

    Every fold file holds the run's fingerprint (a digest of the estimator, its
    parameters and the data), so a fold is reused only by the same run, even when the
    folder's ``manifest.json`` was deleted or edited. Files are read with
    ``allow_pickle=False``: they cannot run code. A fold file that is stale, damaged or
    not saatkit's is recomputed, with a warning naming it.
    """

    def __init__(self, folder, fingerprint):
        self.folder = Path(folder)
        self.fingerprint = str(fingerprint)
        self.folder.mkdir(parents=True, exist_ok=True)
        manifest = self.folder / "manifest.json"
        recorded, self._told_stale = None, False
        if manifest.exists():
            try:
                recorded = json.loads(manifest.read_text()).get("fingerprint")
            except (ValueError, AttributeError, OSError, UnicodeDecodeError):
                recorded = "unreadable"
            if recorded != self.fingerprint:
                self._stale()
        if recorded != self.fingerprint:
            atomic_write(
                manifest,
                lambda tmp: Path(tmp).write_text(json.dumps({"fingerprint": self.fingerprint})),
            )

    def _stale(self):
        # Once per folder: a changed configuration makes every fold stale.
        if not self._told_stale:
            warnings.warn(
                f"Checkpoint folder {self.folder} holds folds of a different run (another "
                "estimator, its parameters, or other data); they are recomputed.",
                stacklevel=4,
            )
            self._told_stale = True

    def _path(self, k):
        return self.folder / f"fold-{k:04d}.npz"

    def load(self, k, test, dtype):
        """The saved predictions of fold ``k``, or None when it must be computed."""
        path = self._path(k)
        if not path.exists():
            return None
        try:
            with np.load(path, allow_pickle=False) as saved:
                fingerprint = str(saved["fingerprint"])
                same_test = np.array_equal(saved["test"], test)
                y_pred = saved["y_pred"].astype(dtype, casting="same_kind")
        except Exception as exc:  # noqa: BLE001 - numpy and zipfile raise many kinds
            warnings.warn(
                f"Checkpoint {path} cannot be read ({type(exc).__name__}: {exc}); "
                f"fold {k} is recomputed.",
                stacklevel=3,
            )
            return None
        if fingerprint != self.fingerprint or not same_test or y_pred.shape != test.shape:
            self._stale()
            return None
        return y_pred

    def save(self, k, test, y_pred):
        def write(tmp):
            with open(tmp, "wb") as f:
                np.savez(f, test=test, y_pred=y_pred, fingerprint=np.str_(self.fingerprint))

        atomic_write(self._path(k), write)
