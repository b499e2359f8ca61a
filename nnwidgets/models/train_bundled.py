"""Re-make the bundled data snapshots and weights: ``python -m nnwidgets.models.train_bundled``.

With model names (``python -m nnwidgets.models.train_bundled digits_cnn``) only those weight
files are re-made and the data snapshots are left alone.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

from ._data import write_snapshots
from ._pretrained import BUNDLED_MODELS, MODEL_DATASET, TRAINING, WEIGHTS_DIR, save_weights, train
from ._train import accuracy


def main(argv: Sequence[str] | None = None) -> None:
    """Train the named bundled models (all, plus the data snapshots, when none is named).

    Args:
        argv: model names out of ``BUNDLED_MODELS``; defaults to ``sys.argv[1:]``.

    Raises:
        SystemExit: for an unknown model name.
    """
    names = list(sys.argv[1:] if argv is None else argv)
    unknown = [n for n in names if n not in BUNDLED_MODELS]
    if unknown:
        raise SystemExit(f"model names: expected some of {list(BUNDLED_MODELS)}, got {unknown}")
    if not names:
        write_snapshots()
        names = list(BUNDLED_MODELS)
    WEIGHTS_DIR.mkdir(exist_ok=True)
    for name in names:
        start = time.perf_counter()
        model, params, ds = train(name, seed=0)
        acc = accuracy(model, params, ds.X_test, ds.y_test)
        seconds = time.perf_counter() - start
        save_weights(
            WEIGHTS_DIR / f"{name}.npz",
            model,
            params,
            dataset=MODEL_DATASET[name],
            test_accuracy=acc,
            seed=0,
            training=TRAINING[name],
        )
        print(f"{name:14s} held-out accuracy {acc:.4f} ({seconds:.1f} s)")


if __name__ == "__main__":
    main()
