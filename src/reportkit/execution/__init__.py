"""Stage 5, execution: chapters run in Jupyter kernels; the build cache."""
