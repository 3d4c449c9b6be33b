"""Running a loaded PyTorch judge through ONNX Runtime: the same graph and weights, a faster CPU engine.

The judges' convolution stacks (FID-Inception, LPIPS-AlexNet, SyncNet) are exported in memory with the
TorchScript ONNX exporter and run by ``onnxruntime`` on CPU, which on 2 cores is several times faster than
eager PyTorch. Only the float32 summation order changes: outputs agree with the PyTorch module to ~1e-6
relative, inside every equivalence tolerance of tests/metrics. Nothing is written to disk.

Example:
    >>> import torch
    >>> f = OrtFunction(torch.nn.Linear(3, 2).eval(), (torch.zeros(1, 3),), {"x": {0: "n"}})
    >>> f(torch.ones(4, 3)).shape
    torch.Size([4, 2])
"""

from __future__ import annotations

import io
import warnings
from typing import Any

import torch
from torch import nn


def session_options() -> Any:
    """The ONNX Runtime settings of every judge: torch's thread count, no busy-waiting, no memory arena.

    Without spinning, idle threads sleep between operators instead of burning CPU time that other processes
    (or other workers) could use; without the CPU arena, memory is returned after each run, so peak memory is
    that of the largest batch (FID-Inception at batch 50: +0.7 GiB instead of +1.5 GiB). Neither changes a
    number: the same kernels run in the same order.
    """
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.enable_cpu_mem_arena = False
    return options


class OrtFunction:
    """``module.forward`` exported to ONNX and run by ONNX Runtime; called with and returning torch tensors.

    Args:
        module: the module in eval mode (its ``forward`` is what runs).
        example: one example input per ``forward`` argument (shapes only matter for the fixed axes).
        dynamic_axes: per input name (``x``, or ``x0``, ``x1``... with several inputs) the axes that vary.
    """

    def __init__(self, module: nn.Module, example: tuple[torch.Tensor, ...], dynamic_axes: dict[str, dict]) -> None:
        import onnxruntime

        self.input_names = ["x"] if len(example) == 1 else [f"x{i}" for i in range(len(example))]
        buf = io.BytesIO()
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer notices
            torch.onnx.export(
                module.eval(),
                example,
                buf,
                input_names=self.input_names,
                output_names=["y"],
                dynamic_axes=dynamic_axes,
                dynamo=False,
            )
        self.session = onnxruntime.InferenceSession(
            buf.getvalue(), session_options(), providers=["CPUExecutionProvider"]
        )

    def __call__(self, *inputs: torch.Tensor) -> torch.Tensor:
        feed = {
            n: x.detach().to(torch.float32).contiguous().numpy() for n, x in zip(self.input_names, inputs, strict=True)
        }
        return torch.from_numpy(self.session.run(None, feed)[0])


class _Method(nn.Module):
    """A module whose ``forward`` is another method of ``net`` (for exporting, e.g., ``forward_aud``)."""

    def __init__(self, net: nn.Module, method: str) -> None:
        super().__init__()
        self.net, self.method = net, method

    def forward(self, *x: torch.Tensor) -> torch.Tensor:
        return getattr(self.net, self.method)(*x)


def ort_method(net: nn.Module, method: str, example: tuple[torch.Tensor, ...], dynamic_axes: dict) -> OrtFunction:
    """:class:`OrtFunction` of ``net.<method>`` instead of ``net.forward``."""
    return OrtFunction(_Method(net, method).eval(), example, dynamic_axes)
