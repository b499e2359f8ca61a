"""The project's own files set up a machine: README commands, CI entry, binder pins."""

import pathlib
import re
import subprocess
import sys

from packaging.requirements import Requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = pathlib.Path(__file__).parent.parent


def test_readme_starts_with_the_two_commands_and_ci_calls_the_test_one():
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```(?:bash|sh)?\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["bash scripts/demo.sh", "bash scripts/test.sh"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "\nbash scripts/test.sh\n" in ci


def test_binder_pins_every_dependency_exactly_within_the_lower_bounds():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = {}
    for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "==", line
            pins[req.name.lower().replace("_", "-")] = spec.version
    for dep in map(Requirement, deps):
        name = dep.name.lower().replace("_", "-")
        assert name in pins, f"binder/requirements.txt does not pin {name}"
        assert dep.specifier.contains(pins[name]), (name, pins[name], str(dep.specifier))


def test_the_installed_dependencies_satisfy_pyproject():
    """What the test run uses is what pyproject.toml asks for (e.g. ml_dtypes < 0.7, whose
    0.7.0 takes 0.75 s to import)."""
    from importlib.metadata import version

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for dep in map(Requirement, deps):
        assert dep.specifier.contains(version(dep.name)), (dep.name, version(dep.name), str(dep))


def test_bundled_weights_ship_with_the_package():
    weights = sorted(p.name for p in (ROOT / "nnwidgets" / "models" / "weights").glob("*.npz"))
    from nnwidgets.models import BUNDLED_MODELS, DATASETS

    assert weights == sorted(f"{name}.npz" for name in BUNDLED_MODELS)
    snapshots = sorted(p.name for p in (ROOT / "nnwidgets" / "models" / "data").glob("*.npz"))
    assert snapshots == sorted(f"{name}.npz" for name in DATASETS)


def test_browser_modules_ship_with_the_package():
    """The views' JavaScript and CSS are files in ``nnwidgets/views/js/`` that the wheel takes.

    hatchling puts every file under ``nnwidgets/`` in the wheel unless git ignores it or the
    wheel target excludes it (only the node tests are).
    """
    js = ROOT / "nnwidgets" / "views" / "js"
    modules = [
        "app_guard",
        "bars",
        "boundary",
        "common",
        "export_page",
        "frame",
        "heat",
        "image",
        "matrix",
        "network",
        "paint",
        "series",
        "table",
        "tokens",
    ]
    assert sorted(p.name for p in js.glob("*.js")) == [f"{m}.js" for m in modules]
    assert sorted(p.name for p in js.glob("*.css")) == ["app_guard.css", "export_page.css"]
    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"]
    wheel = wheel["targets"]["wheel"]
    assert wheel["packages"] == ["nnwidgets"] and "only-include" not in wheel
    assert wheel.get("exclude", []) == ["nnwidgets/views/js/test"]
    files = [str(p.relative_to(ROOT)) for p in [*js.glob("*.js"), *js.glob("*.css")]]
    ignored = subprocess.run(
        ["git", "check-ignore", *files], cwd=ROOT, capture_output=True, text=True
    )
    assert ignored.stdout == ""
