"""benchmarks/soak.py with tiny counts: every close() gives back every widget it opened."""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "benchmarks"))
import soak

from nnwidgets import Playground


def after_close(result):
    """The figures taken after a close(): the Explorers', each rebuild's, the Playground's."""
    parts = [*result["explorer"], *result["rebuilds"], result["playground"]]
    return [
        p for r in parts for p in r["points"] if p["phase"] == "closed" or "rebuilds" in p["phase"]
    ]


def test_soak_returns_to_the_baseline_widget_count():
    result = soak.run(
        updates=50,
        rebuilds=3,
        playground_updates=20,
        playground_rebuilds=2,
        models=("iris",),
        method_every=5,
        tab_every=3,
    )
    base = result["baseline"]
    explorer = result["explorer"][0]
    assert explorer["published"] >= 50 and not explorer["errors"]
    assert "kernel_shap" in explorer["methods"] and "grad_cam" not in explorer["methods"]
    points = after_close(result)
    assert [p["phase"] for p in result["rebuilds"][0]["points"]][-1] == "3 rebuilds"
    for p in points:
        assert (p["phase"], p["widgets"], p["comms"]) == (
            p["phase"],
            base["widgets"],
            base["comms"],
        )
        assert p.get("alive", 0) == 0, p  # the closed apps' states were garbage-collected
    assert result["final"]["widgets"] == base["widgets"]
    table = soak.format_table(result)
    assert "Explorer iris rebuild" in table and "Playground" in table


def test_a_playground_whose_layers_changed_closes_every_widget():
    with soak.sink_comms():
        before = soak.probe("before")["widgets"]
        pg = Playground(dataset="spiral", hidden=[4])
        pg.state.hidden = [3, 3]
        pg.close()
        del pg
        assert soak.probe("after")["widgets"] == before
