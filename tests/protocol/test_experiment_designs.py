import pytest

from circuitlab.errors import CircuitlabError
from circuitlab.protocol import designs as designs_module
from circuitlab.protocol.designs import load_design, locate, openabc_source
from circuitlab.pipeline import DEFAULT_DESIGNS

MK = """export DESIGN_NAME = top
export VERILOG_FILES = $(DESIGN_DIR)/src/b.v \\
    $(DESIGN_DIR)/src/a.v
export VERILOG_INCLUDE_DIRS = $(DESIGN_DIR)/inc
"""


def test_a_plain_name_is_a_project_design(tmp_path):
    source = locate("maj5", tmp_path)
    assert (source.name, source.files, source.top) == ("maj5", (DEFAULT_DESIGNS / "maj5.v",),
                                                       None)
    assert locate("designs/maj5", tmp_path) == locate("maj5", tmp_path).__class__(
        "designs/maj5", "maj5", (DEFAULT_DESIGNS / "maj5.v",))


def test_openabc_keeps_the_listed_order_top_and_includes(tmp_path):
    ip = tmp_path / "openabc-rtl" / "ip"
    ip.mkdir(parents=True)
    for name in ("a.v", "b.v"):
        (ip / name).write_text("module m; endmodule\n")
    (ip / "config.mk").write_text(MK)
    source = locate("openabc/ip", tmp_path)
    assert source.files == (ip / "b.v", ip / "a.v")
    assert (source.name, source.top, source.include_dirs) == ("ip", "top", (ip / "inc",))
    (ip / "config.mk").write_text(MK.replace("$(DESIGN_DIR)/src/b.v \\\n    $(DESIGN_DIR)/src/a.v",
                                             "$(sort $(wildcard $(DESIGN_DIR)/*.v))"))
    assert openabc_source("x", ip).files == (ip / "a.v", ip / "b.v")
    (ip / "config.mk").write_text(MK.replace("src/a.v", "src/c.v"))
    with pytest.raises(CircuitlabError, match=r"design 'x': .*config.mk lists .*/c.v"):
        openabc_source("x", ip)


def test_a_verilog_design_is_synthesised_once(tmp_path, monkeypatch):
    source = locate("maj5", tmp_path)
    first = load_design(source, tmp_path / "cache")
    assert first.text == (DEFAULT_DESIGNS / "maj5.v").read_text()
    assert len(list((tmp_path / "cache" / "aigs").glob("maj5-*.aig"))) == 1

    def no_yosys(*args, **kwargs):
        raise AssertionError("synthesised again")

    monkeypatch.setattr("circuitlab.synth.synthesize", no_yosys)
    again = load_design(source, tmp_path / "cache")
    assert again.aig.structurally_equal(first.aig)
    assert again.text == first.text and again.name == "maj5"


def test_designs_load_in_parallel_into_the_cache_load_design_reads(tmp_path, monkeypatch):
    from circuitlab.protocol.designs import load_designs
    from circuitlab.parallel import BuildOptions
    sources = [locate(n, tmp_path) for n in ("maj5", "mux8", "cmp8u")]
    found = load_designs(sources, tmp_path / "cache", BuildOptions(jobs=2, progress=False))
    assert [d.name for d in found] == ["maj5", "mux8", "cmp8u"]
    assert len(list((tmp_path / "cache" / "aigs").glob("*.aig"))) == 3

    def no_yosys(*args, **kwargs):
        raise AssertionError("synthesised again")

    monkeypatch.setattr("circuitlab.synth.synthesize", no_yosys)
    for source, design in zip(sources, found):
        alone = load_design(source, tmp_path / "cache")
        assert alone.aig.structurally_equal(design.aig) and alone.text == design.text
    monkeypatch.undo()
    uncached = load_designs(sources[:2], None, BuildOptions(jobs=2, progress=False))
    assert uncached[1].aig.structurally_equal(found[1].aig)
    assert uncached[0].aig.structurally_equal(found[0].aig)


def test_a_design_that_does_not_parse_names_the_design(tmp_path):
    (tmp_path / "iscas85").mkdir(parents=True)
    (tmp_path / "iscas85" / "bad.aig").write_bytes(b"not aiger")
    with pytest.raises(CircuitlabError, match=r"^design 'iscas85/bad': .*bad.aig"):
        load_design(locate("iscas85/bad", tmp_path), None)


@pytest.mark.needs_data("aig", "iscas85")
def test_the_reference_aigs_load_as_they_are(tmp_path):
    from shared_data import fetch_from_mirror
    design = load_design(locate("iscas85/c432", fetch_from_mirror(tmp_path, "iscas85")), None)
    assert (design.name, design.aig.num_inputs, design.aig.num_ands) == ("c432", 36, 208)
    assert design.text is None
    assert designs_module.SOURCES == ("designs", "iscas85", "epfl", "iwls05", "openabc")
