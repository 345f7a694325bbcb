import pytest

from circuitlab.training.metrics_log import MetricsLog


def test_rows_are_written_whole_and_read_back_as_numbers(tmp_path):
    log = MetricsLog(tmp_path / "m.csv", ["step", "loss", "type_acc", "lr"])
    for step in (1, 2, 3):
        log.append({"step": step, "loss": 1.0 / step, "type_acc": 0.1 * step, "other": 9})
    log.flush()
    assert (tmp_path / "m.csv").read_text().splitlines()[0] == "step,loss,type_acc,lr"
    again = MetricsLog(tmp_path / "m.csv", log.columns)
    again.resume(2)
    assert again.rows == [{"step": 1, "loss": 1.0, "type_acc": 0.1, "lr": ""},
                          {"step": 2, "loss": 0.5, "type_acc": 0.2, "lr": ""}]
    again.flush()
    lines = (tmp_path / "m.csv").read_text().splitlines()
    assert lines[1:] == ["1,1.0,0.1,", "2,0.5,0.2,"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.csv"]


def test_resume_without_a_file_starts_empty(tmp_path):
    log = MetricsLog(tmp_path / "none.csv", ["step", "loss"])
    log.resume(10)
    assert log.rows == []


def test_the_plot_is_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    log = MetricsLog(tmp_path / "m.csv", ["step", "loss", "val_loss", "acc"], accuracy="acc")
    for step in (1, 2):
        log.append({"step": step, "loss": 2.0 / step, "val_loss": float("nan"), "acc": 0.5})
    assert log.plot(tmp_path / "m.png")
    assert (tmp_path / "m.png").read_bytes()[:4] == b"\x89PNG"
