"""What chapters import inside their kernels: `stat()`, the appendix tables, charts. Keep it light:
`tests/unit/test_imports.py` fails when a kernel import loads the build."""
