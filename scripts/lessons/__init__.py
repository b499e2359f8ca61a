"""The course lessons, one module per notebook.

Each module has ``NAME`` (the notebook's file stem, e.g. "08_activation_functions"), ``TITLE``
(e.g. "08 · Activation functions"), ``SUMMARY`` (its line in the course index) and ``make()``
returning the notebook, built with ``lessons._cells`` (``md``, ``code``, ``notebook``).
``scripts/make_notebooks.py`` writes them all. To write one lesson only:

    cd scripts && python -c "import nbformat, lessons.<module> as m; \
        nbformat.write(m.make(), f'../notebooks/{m.NAME}.ipynb')"

Helpers working in parallel in this checkout: do not run make_notebooks.py, do not use git
(add / commit / stash / checkout / reset), edit only your own lesson, checks and tests (plus one
import line in nnwidgets/course/__init__.py). Exercise = question, a code cell pre-filled with
the solution under "# solution (try it yourself first)", then one check call showing a
CheckResult that must start with "right:" when the notebook runs.
"""
