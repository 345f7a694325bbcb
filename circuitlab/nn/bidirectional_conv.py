"""Message passing both ways along the edges: :class:`BidirectionalConv`."""

from __future__ import annotations

from torch import Tensor, nn


class BidirectionalConv(nn.Module):
    r"""The sum of a convolution along the edges and one against them.

    :math:`\mathrm{out} = \mathrm{forward}(x, E) + \mathrm{backward}(x,
    E^\top)`, where :math:`E^\top` is ``edge_index`` with its rows swapped
    (fan-out -> fan-in); edge features, if any, go with their edges. Used by
    :class:`~circuitlab.nn.Encoder` when ``config.bidirectional``, so that a
    node also hears its transitive fan-out (MGVGA, Wu et al., ICLR 2025,
    https://arxiv.org/abs/2502.12732, passes messages fan-in -> fan-out
    only; this is an option for downstream tasks).

    Args:
        forward_conv: convolution along ``edge_index``.
        backward_conv: convolution along the reversed edges, same signature.

    Shapes:
        - **input:** node features ``[N, F]``, edge indices ``[2, E]``, any
          further per-edge arguments (``edge_attr`` ``[E, D]``).
        - **output:** ``[N, F_out]``.
    """

    def __init__(self, forward_conv: nn.Module, backward_conv: nn.Module):
        super().__init__()
        self.forward_conv = forward_conv
        self.backward_conv = backward_conv

    def forward(self, x: Tensor, edge_index: Tensor, *edge_args: Tensor) -> Tensor:
        return (self.forward_conv(x, edge_index, *edge_args)
                + self.backward_conv(x, edge_index.flip(0), *edge_args))
