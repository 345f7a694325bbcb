"""Map the per-item function over a Ray cluster (Ray is imported here only).

Ray is optional (``pip install circuitlab[ray]``). When Ray is not yet
initialised in this process it is started with ``ray.init(address=...)``:
``"auto"`` joins the cluster this machine belongs to, anything else is a
cluster address. A Ray runtime already initialised (tests start a local one
with ``ray.init(num_cpus=2)``) is used as it is.
"""

from __future__ import annotations

from circuitlab.errors import CircuitlabError

__all__ = ["connect", "ray_results"]


def _ray():
    try:
        import ray
    except ImportError:
        raise CircuitlabError("--ray needs Ray: pip install 'circuitlab[ray]'") from None
    return ray


def connect(address: str) -> None:
    """Join the Ray cluster at ``address`` unless Ray is initialised already.

    Raises:
        CircuitlabError: Ray is not installed or the cluster cannot be reached.
    """
    ray = _ray()
    if not ray.is_initialized():
        try:
            ray.init(address=address, log_to_driver=False)
        except Exception as exc:  # noqa: BLE001 -- Ray raises several kinds for a bad address
            raise CircuitlabError(f"cannot connect to the Ray cluster {address!r}: "
                                  f"{' '.join(str(exc).split())}") from None


def ray_results(call, func, todo, address: str, payload):
    """Yield ``(item, call(func, payload(item)))`` as Ray tasks finish."""
    connect(address)
    ray = _ray()
    remote = ray.remote(call)
    pending = {remote.remote(func, payload(item)): item for item in todo}
    try:
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                yield pending.pop(ref), ray.get(ref)
    finally:
        for ref in pending:
            ray.cancel(ref, force=True)
