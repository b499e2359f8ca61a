"""Re-make the bundled data snapshots and weights: ``python -m nnwidgets.models.train_bundled``."""

from __future__ import annotations

from ._data import DATASETS, write_snapshots
from ._pretrained import TRAINING, WEIGHTS_DIR, save_weights, train
from ._train import accuracy


def main() -> None:
    """Snapshot the data sets from sklearn, train every bundled model, write the weights."""
    write_snapshots()
    WEIGHTS_DIR.mkdir(exist_ok=True)
    for name in DATASETS:
        model, params, ds = train(name, seed=0)
        acc = accuracy(model, params, ds.X_test, ds.y_test)
        save_weights(
            WEIGHTS_DIR / f"{name}.npz",
            model,
            params,
            dataset=name,
            test_accuracy=acc,
            seed=0,
            training=TRAINING[name],
        )
        print(f"{name:14s} held-out accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
