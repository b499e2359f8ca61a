"""``python -m nnwidgets.kernel_launcher -f {connection_file}``: see the package docstring."""

from nnwidgets.kernel_launcher import main

main()
