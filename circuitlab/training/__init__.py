"""What every model's training shares; it never imports a model.

One module per job:

- :mod:`~circuitlab.training.device`: the device rule (``"auto"``, ``"cpu"``, ``"cuda:N"``, ...).
- :mod:`~circuitlab.training.seeding`: :func:`seed_everything` and the per-step seeds.
- :mod:`~circuitlab.training.schedule`: linear warm-up, then cosine decay to a floor.
- :mod:`~circuitlab.training.threads`: how many torch threads, as a context manager.
- :mod:`~circuitlab.training.metrics_log`: the metrics CSV of a run and its plot.
- :mod:`~circuitlab.training.checkpoint`: one checkpoint format (format tag, kind,
  config, state), atomic save, typed loading, the resume check.
- :mod:`~circuitlab.training.loop`: the loop's skeleton (steps, schedule, per-step
  seeds, log and checkpoint every N steps, progress bar).

Nothing is re-exported here: :mod:`~circuitlab.training.threads` is imported by
the command line before torch is, and importing this package must stay cheap.
"""
