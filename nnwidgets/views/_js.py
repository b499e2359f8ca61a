"""The anywidget views' browser code: ES modules in ``views/js/``, read once and joined.

anywidget loads ``_esm`` into a blob URL, where a relative ``import`` cannot resolve, so a
view's module (``js/<view>.js``, which imports its helpers from ``./common.js`` for node's
tests) is shipped as ``common.js`` followed by the view's file without that import line.
"""

from __future__ import annotations

import functools
import pathlib
import re

JS_DIR = pathlib.Path(__file__).parent / "js"

_IMPORT_COMMON = re.compile(r'^import \{[^}]*\}\s*from "\./common\.js";\n', re.M)
_NUMBERS = re.compile(r"^export const ((?:\w+ = -?[\d.]+(?:, )?)+);", re.M)


@functools.cache
def _read(name: str) -> str:
    return (JS_DIR / name).read_text(encoding="utf-8")


@functools.cache
def esm(view: str) -> str:
    """One ES module for anywidget: ``common.js`` then ``js/<view>.js`` if the view imports it.

    Examples:
        >>> src = esm("network")
        >>> src.startswith(_read("common.js")), 'from "./common.js"' in src
        (True, False)
    """
    own = _read(f"{view}.js")
    joined, n = _IMPORT_COMMON.subn("", own)
    return _read("common.js") + joined if n else own


def css(view: str) -> str:
    """The stylesheet ``js/<view>.css``."""
    return _read(f"{view}.css")


@functools.cache
def constants(view: str) -> dict[str, float]:
    """The numbers ``js/<view>.js`` exports as ``export const NAME = number, ...;`` lines.

    Geometry that Python needs (tests, ``node_positions``) is defined there once and read here.

    Examples:
        >>> constants("network")
        {'MX': 64, 'TOP': 24, 'BOTTOM': 8}
    """
    out: dict[str, float] = {}
    for decl in _NUMBERS.findall(_read(f"{view}.js")):
        for name, value in re.findall(r"(\w+) = (-?[\d.]+)", decl):
            out[name] = float(value) if "." in value else int(value)
    return out
