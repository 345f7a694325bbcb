import pytest
from experiment_fixtures import CONFIG, FakeParams, write_config

from circuitlab.cli import main
from circuitlab.errors import CircuitlabError
from circuitlab.protocol import load_config


def test_a_config_resolves_designs_cells_and_task_params(tmp_path):
    config = load_config(write_config(tmp_path))
    assert config.seeds == (0, 1, 2)
    assert [s.name for s in config.train] == ["maj5", "mux8"]
    assert [s.name for s in config.test] == ["dec3to8", "parity16"]
    assert [(c.name, c.kind) for c in config.encoders] == [("random", "random"),
                                                            ("mgm", "pretrain")]
    assert config.encoders[0].config.encoder.hidden == 8
    assert config.encoders[1].config.steps == 3
    assert config.encoders[1].config.method == "mgm"
    assert config.tasks == (("fake", FakeParams(scale=2.0)),)
    assert config.results == tmp_path / "exp.jsonl"
    assert config.to_dict()["tasks"] == {"fake": {"scale": 2.0, "fail_seed": -1}}


def test_quick_applies_its_section_and_writes_elsewhere(tmp_path):
    full = load_config(write_config(tmp_path))
    quick = load_config(tmp_path / "exp.toml", quick=True)
    assert [c.name for c in quick.encoders] == ["random"]
    assert quick.tasks == (("fake", FakeParams(scale=3.0)),)
    assert quick.results == tmp_path / "exp-quick.jsonl"
    assert quick.config_hash() != full.config_hash()


def test_the_hash_ignores_seeds_and_paths_but_not_params(tmp_path):
    base = load_config(write_config(tmp_path)).config_hash()
    more_seeds = CONFIG.replace("seeds = [0, 1, 2]", "seeds = [0, 1, 2, 3]")
    assert load_config(write_config(tmp_path, more_seeds), cache=tmp_path / "c",
                       results=tmp_path / "r.jsonl").config_hash() == base
    other = CONFIG.replace("scale = 2.0", "scale = 2.5")
    assert load_config(write_config(tmp_path, other)).config_hash() != base


MISTAKES = [
    (("seeds = [0, 1, 2]", "seeds = [0, 1, 2]\ncolour = 1"),
     "unknown key 'colour' (known: seeds, data_root, cache, results, designs, encoders, "
     "tasks, quick)"),
    (("overrides = { steps = 3 }", "overrides = { steps = 3 }\nstepz = 3"),
     "unknown key 'encoders[1].stepz' (known: name, kind, pretrain, overrides, stream)"),
    (("overrides = { steps = 3 }", 'overrides = { steps = 3 }\nstream = "nowhere"'),
     "encoders[1].stream: "),
    (('kind = "random"', 'kind = "random"\nstream = "."'),
     "encoders[0].stream: only a pretrain cell pre-trains on a corpus"),
    (("overrides = { steps = 3 }", 'overrides = { steps = 3, method = "func" }\nstream = "."'),
     "encoders[1].stream: a streamed corpus has no stored targets or text; the contrast "
     "objective needs them"),
    (("scale = 2.0", "scal = 2.0"), "unknown key 'tasks.fake.scal' (known: scale, fail_seed)"),
    (("[quick]", "[quick]\nsteps = 3"), "unknown key 'quick.steps'"),
    (("test = [", "test = ['maj5', "), "designs listed both for training and test: maj5"),
    (("test = [", "test = ['designs/mux8', "),
     "designs listed both for training and test: mux8"),
    (("test = [", "test = ['nosuch', "), "design 'nosuch': no file "),
    (("test = [", "test = ['iscas85/c9', "), "design 'iscas85/c9': no file "),
    (("test = [", "test = ['acme/c9', "), "design 'acme/c9': write NAME or SOURCE/NAME"),
    (("seeds = [0, 1, 2]", "seeds = [0, 1]"), "seeds needs at least 3 seeds"),
    (("seeds = [0, 1, 2]", "seeds = [0, 1, 1]"), "seeds lists a seed twice: [0, 1, 1]"),
    (("seeds = [0, 1, 2]", "seeds = [0, 1, -2]"), "seeds must be a list of integers >= 0"),
    (("steps = 3", "steps = 'x'"), "encoders[1].overrides.steps must be int, got 'x'"),
    (("steps = 3", "stepz = 3"), "encoders[1].overrides.stepz is not a key of the "
                                 "pre-training config"),
    (('kind = "pretrain"', 'kind = "pretrained"'), "encoders[1].kind must be one of random, "
                                                   "shipped, pretrain, got 'pretrained'"),
    (('kind = "random"', 'kind = "shipped"'), "encoders[0].overrides: the shipped encoder "
                                              "takes no overrides"),
    (("[tasks.fake]", "[tasks.nosuch]"), "unknown task 'nosuch'"),
    (("scale = 2.0", "scale = -1.0"), "tasks.fake.scale must be > 0, got -1.0"),
    (("scale = 3.0", "scale = -3.0"), "quick.tasks.fake.scale must be > 0, got -3.0"),
    (("seeds = [0, 1, 2]", "seeds = [0, 1, 2"), "exp.toml: "),
]


@pytest.mark.parametrize("edit, message", MISTAKES)
def test_a_mistake_is_one_line_naming_the_file_and_exit_2(tmp_path, capsys, edit, message):
    old, new = edit
    assert old in CONFIG
    path = write_config(tmp_path, CONFIG.replace(old, new, 1))
    status = main(["experiment", "run", str(path), "--data-root", str(tmp_path),
                   "--cache", str(tmp_path / "cache")])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith(f"circuitlab experiment: error: {path}: ")
    assert message in err
    assert err.count("\n") == 1
    assert not (tmp_path / "exp.jsonl").exists() and not (tmp_path / "cache").exists()


def test_missing_reference_data_names_the_design_and_the_root(tmp_path):
    path = write_config(tmp_path, CONFIG.replace("test = [", "test = ['epfl/adder', "))
    with pytest.raises(CircuitlabError, match=r"design 'epfl/adder': no file .*/nowhere/"
                                              r"epfl-arithmetic/adder.aig \(data_root .*"
                                              r"`circuitlab data fetch epfl-arithmetic`"):
        load_config(path, data_root=tmp_path / "nowhere")


def test_a_relative_data_root_is_relative_to_the_config(tmp_path):
    (tmp_path / "data" / "iscas85").mkdir(parents=True)
    (tmp_path / "data" / "iscas85" / "c17.aig").write_bytes(b"aig 0 0 0 0 0\n")
    text = CONFIG.replace("seeds", 'data_root = "data"\nseeds', 1).replace(
        "test = [", "test = ['iscas85/c17', ")
    config = load_config(write_config(tmp_path, text))
    assert config.test[0].files == (tmp_path / "data" / "iscas85" / "c17.aig",)
