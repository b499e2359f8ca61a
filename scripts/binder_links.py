"""Print the mybinder.org launch links of this repository, built from its git remote.

``python scripts/binder_links.py`` reads the GitHub path of the remote (``origin``, else the
first one): ``https://github.com/OWNER/REPO(.git)``, ``git@github.com:OWNER/REPO(.git)`` or
``ssh://git@github.com/OWNER/REPO``. ``--ref`` picks the branch, tag or commit (default HEAD).
Without a GitHub remote it says so and prints the links with ``OWNER/REPO`` to fill in.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: (what opens, Binder's urlpath)
TARGETS = (
    ("Explorer as a Voila app", "voila/render/notebooks/01_explorer.ipynb"),
    ("Playground as a Voila app", "voila/render/notebooks/03_playground.ipynb"),
    ("JupyterLab on the course", "lab/tree/notebooks/01_explorer.ipynb"),
    ("Notebook 7", "notebooks/notebooks/01_explorer.ipynb"),
)
_GITHUB = re.compile(
    r"^(?:https?://|ssh://git@|git@)github\.com[:/]([\w.-]+)/([\w.-]+?)(?:\.git)?/?$"
)


def github_path(url: str) -> str | None:
    """``"OWNER/REPO"`` of a GitHub remote URL, None for any other URL.

    Examples:
        >>> github_path("git@github.com:ann/nnwidgets.git"), github_path("/srv/nnwidgets")
        ('ann/nnwidgets', None)
    """
    m = _GITHUB.match(url.strip())
    return f"{m.group(1)}/{m.group(2)}" if m else None


def remote_url(repo: Path = ROOT) -> str | None:
    """The URL of ``origin`` (else of the first remote) of the git repository at ``repo``."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    remotes = git("remote").split()
    if not remotes:
        return None
    return git("remote", "get-url", "origin" if "origin" in remotes else remotes[0]) or None


def links(path: str, ref: str = "HEAD") -> list[tuple[str, str]]:
    """``(label, launch URL)`` for each target of ``TARGETS`` on GitHub repository ``path``."""
    base = f"https://mybinder.org/v2/gh/{path}/{ref}"
    return [(label, f"{base}?urlpath={urlpath}") for label, urlpath in TARGETS]


def main(argv: list[str] | None = None, repo: Path = ROOT) -> int:
    """Print the links; 0 with a GitHub remote, 1 without (the template is printed)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", default="HEAD", help="branch, tag or commit (default: HEAD)")
    args = ap.parse_args(argv)
    url = remote_url(repo)
    path = github_path(url) if url else None
    if path is None:
        said = f"remote {url!r} is not on GitHub" if url else "this repository has no remote"
        print(f"{said}: replace OWNER/REPO below with its GitHub path", file=sys.stderr)
    for label, link in links(path or "OWNER/REPO", args.ref):
        print(f"{label}:\n  {link}")
    return 0 if path else 1


if __name__ == "__main__":
    raise SystemExit(main())
