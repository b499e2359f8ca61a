"""An exact-values table built in the page from one float32 buffer (views without a canvas).

The canvases build the table of what they draw from the buffer they draw (``valuesTable`` in
``js/common.js``). The views whose chart is bqplot's (the activation functions) or a ranked
list (the outputs) carry their numbers the same way here, instead of an HTML table made in
Python at every step: one rule for every table, printed as Python's ``%.6g``, at most the 50
largest |value| of more than 400, kept open while the values change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import anywidget
import numpy as np
import traitlets as t

from ._base import Captioned
from ._js import esm

_ESM = esm("table")


class ValuesTable(Captioned, anywidget.AnyWidget):
    """A collapsible "values" table of ``values`` named by ``names`` (else by index).

    ``table_class`` (CSS classes; '' hides the table) and ``table_version`` (the state's
    update count, the element's ``data-version``) come from ``Captioned``.
    """

    _esm = _ESM
    names = t.List(help="A name per value (strings); empty: the values' indices.").tag(sync=True)
    values = t.Bytes(b"", help="float32 values, in order.").tag(sync=True)

    def show(self, values: Any, names: Sequence[Any] | None = None) -> None:
        """Set the values (and their names when given and new) in one update."""
        v = np.ascontiguousarray(np.asarray(values, dtype="<f4").ravel())
        with self.hold_sync():
            if names is not None:
                labels = [str(n) for n in names]
                if len(labels) != v.size:
                    raise ValueError(
                        f"names: expected {v.size} names (one per value), received {len(labels)}"
                    )
                if labels != self.names:
                    self.names = labels
            self.values = v.tobytes()
