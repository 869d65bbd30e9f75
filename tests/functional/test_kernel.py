"""A chapter kernel (execution/kernel.py) keeps no input history on disk."""

from __future__ import annotations

from pathlib import Path

from reportkit.execution.kernel import Kernel


def test_the_kernel_writes_no_history(tmp_path: Path) -> None:
    kernel = Kernel(tmp_path)
    try:
        kernel.start()
        assert kernel.notebook is not None
        reply = kernel._request(kernel.notebook.client.kc, {"enabled": "get_ipython().history_manager.enabled"})
        assert reply["user_expressions"]["enabled"]["data"]["text/plain"] == "False"
    finally:
        kernel.close()
