"""``python -m nnwidgets.kernel -f {connection_file}``: see ``nnwidgets.kernel``."""

from nnwidgets.kernel import main

main()
