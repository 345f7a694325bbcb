"""Experiments: a config file, one shared runner, a report computed from the results.

``load_config(path)`` reads an experiment (seeds, disjoint train and test
designs, encoder cells, task params); ``run_experiment(config)`` runs every
(seed, encoder, task) cell and appends one JSON line each; ``write_report``
turns those lines into markdown tables (mean ± 95 % CI over seeds, per test
design too) and plots. The command line is ``circuitlab experiment``.
"""

from circuitlab.protocol.config import EncoderCell, ExperimentConfig, RunOptions, load_config
from circuitlab.protocol.registry import TASKS, register_task, resolve_task
from circuitlab.protocol.report import render, write_report
from circuitlab.protocol.runner import RunSummary, read_lines, run_experiment

__all__ = ["TASKS", "EncoderCell", "ExperimentConfig", "RunOptions", "RunSummary",
           "load_config", "read_lines", "register_task", "render", "resolve_task", "run_experiment",
           "write_report"]
