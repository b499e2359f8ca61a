"""nnwidgets: a live neural-network lab in a Jupyter notebook."""
