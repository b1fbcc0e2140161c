"""Scenario files: the contract's example, base inheritance, cycles, errors, shipped scenarios."""

import re
import textwrap

import pytest

from aicapex.dataset import shipped_files
from aicapex.errors import ScenarioError
from aicapex.model import load_scenario, shipped_scenarios
from aicapex.uncertainty import distributions as d

CONTRACT = """
name: my-view
description: why this view
assumptions:
  server_life_years: {p5: 3, p95: 6}        # a model parameter, by the name its CLI flag uses
  ocf_growth: 0.19                          # constants stay constants
  meta.capex.FY2026: {uniform: {low: 115, high: 135}}
  testco.capex.FY2026: {normal: {mean: 120, sd: 10}}
  capex_growth: {normal: {mean: 0.1, sd: 0.05}, min: -0.2, rationale: why, source: 000_0bf8f8a29dd3db6b.txt}
correlations:
  - [server_life_years, capex_growth, 0.5]
"""


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_contract_example(tmp_path):
    s = load_scenario(write(tmp_path, "mine.yaml", CONTRACT))
    assert s.name == "my-view" and s.description == "why this view"
    life = s.parameters["server_life_years"]
    assert isinstance(life, d.LogNormal)
    assert life.quantile(0.05) == pytest.approx(3) and life.quantile(0.95) == pytest.approx(6)
    assert s.parameters["ocf_growth"] == d.Constant(0.19)
    assert s.fact_overrides[("meta", "capex", "FY2026")] == d.uniform(115, 135)
    assert s.fact_overrides[("testco", "capex", "FY2026")] == d.normal(120, 10)
    growth = s.parameters["capex_growth"]
    assert isinstance(growth, d.Truncated) and growth.min == -0.2
    assert s.assumptions["capex_growth"].rationale == "why"
    assert s.correlations == (("server_life_years", "capex_growth", 0.5),)
    s.input_set()  # valid


def test_every_distribution_key(tmp_path):
    text = """
    assumptions:
      a: {normal: {mean: 1, sd: 2}}
      b: {lognormal: {p5: 1, p95: 4}}
      c: {lognormal: {mu: 0, sigma: 1}}
      e: {triangular: {low: 0, mode: 1, high: 3}}
      f: {pert: {low: 0, mode: 1, high: 3}}
      g: {beta: {a: 2, b: 3}}
      h: {discrete: {values: [1, 2], weights: [0.3, 0.7]}}
      i: {mixture: {components: [{p5: 1, p95: 2}, {value: 5}], weights: [0.9, 0.1]}}
      j: {p5: -1, p95: 1, max: 0.5}
      k: {value: 3}
      l: {uniform: [1, 2]}
    """
    s = load_scenario(write(tmp_path, "all.yaml", text))
    assert s.name == "all"
    kinds = {k: v.kind for k, v in s.parameters.items()}
    assert kinds == {
        "a": "normal",
        "b": "lognormal",
        "c": "lognormal",
        "e": "triangular",
        "f": "pert",
        "g": "beta",
        "h": "discrete",
        "i": "mixture",
        "j": "truncated",
        "k": "constant",
        "l": "uniform",
    }


def test_base_inheritance_overrides_and_keeps(tmp_path):
    write(
        tmp_path,
        "parent.yaml",
        """
    name: parent
    description: parent view
    assumptions: {x: 1, y: {p5: 1, p95: 2}, z: {p5: 1, p95: 3}}
    correlations: [[y, z, 0.3]]
    """,
    )
    child = load_scenario(
        write(
            tmp_path,
            "child.yaml",
            """
    name: child
    base: parent.yaml
    assumptions: {x: 2}
    correlations: [[z, y, 0.6]]
    """,
        )
    )
    assert child.parameters["x"] == d.Constant(2.0)
    assert "y" in child.parameters and child.description == "parent view"
    assert child.correlations == (("z", "y", 0.6),)


def test_shipped_base_by_name(tmp_path):
    s = load_scenario(
        write(tmp_path, "mine.yaml", "name: mine\nbase: burry\nassumptions: {rate: 0.2}\n")
    )
    assert s.parameters["rate"] == d.Constant(0.2)
    inherited = load_scenario("burry").parameters["alt_server_life_years"]
    assert s.parameters["alt_server_life_years"] == inherited


def test_cyclic_base_chain_is_a_cyclic_override(tmp_path):
    write(tmp_path, "a.yaml", "base: b.yaml\n")
    write(tmp_path, "b.yaml", "base: a.yaml\n")
    with pytest.raises(ScenarioError, match="a -> b -> a is a cyclic override"):
        load_scenario(tmp_path / "a.yaml")
    write(tmp_path, "self.yaml", "base: self.yaml\n")
    with pytest.raises(ScenarioError, match="cyclic override"):
        load_scenario(tmp_path / "self.yaml")


@pytest.mark.parametrize(
    "text, match",
    [
        ("assumptions: {x: {normal: {mean: 1}}}", r"assumptions\.x: normal: parameters \['mean'\]"),
        (
            "assumptions: {x: {normal: {mean: 1, sd: -2}}}",
            r"assumptions\.x: normal: field 'sd' = -2",
        ),
        ("assumptions: {x: {gamma: {k: 1}}}", r"assumptions\.x: cannot read"),
        ("assumptions: {x: 'high'}", r"assumptions\.x: 'high' is neither"),
        ("assumptions: {x: {p5: 1, p95: 2, max: 'a'}}", r"field 'max' = 'a'"),
        ("assumptions: {meta.capex: 3}", r"ENTITY\.METRIC\.PERIOD"),
        ("assumptions: {meta.capex.2026: 3}", r"ENTITY\.METRIC\.PERIOD"),
        ("assumptions: {Bad-Name: 3}", "snake_case"),
        ("assumptions: {x: 1}\nfoo: 2", r"unknown key\(s\) \['foo'\]"),
        ("correlations: [[a, b]]", r"correlations\[0\]"),
        ("assumptions: [1, 2]", "must be a mapping"),
        ("assumptions: {x: {p5: 1, p95: 2}}\ncorrelations: [[x, y, 0.5]]", None),
        (": : :", "invalid YAML"),
    ],
)
def test_errors_name_file_field_and_value(tmp_path, text, match):
    p = write(tmp_path, "bad.yaml", text)
    if match is None:  # correlations are checked when the inputs are assembled
        with pytest.raises(ScenarioError, match="'y' is not an assumption"):
            load_scenario(p).input_set()
        return
    with pytest.raises(ScenarioError, match=match) as exc:
        load_scenario(p)
    assert "bad.yaml" in str(exc.value)


def test_unknown_scenario_lists_the_shipped_ones():
    with pytest.raises(ScenarioError, match="base, burry, credit_crunch, huang"):
        load_scenario("nosuch")
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario("nosuch.yaml")


def test_shipped_scenarios_are_valid_and_documented():
    assert set(shipped_scenarios()) >= {"base", "burry", "huang", "credit_crunch"}
    sources = {p.stem for p in shipped_files()} | {"useful-lives-disclosures"}
    for name in shipped_scenarios():
        s = load_scenario(name)
        assert s.description
        s.input_set()
        for a in s.assumptions.values():
            assert a.rationale, (name, a.name)
            for cited in re.findall(r"([0-9a-z_-]+)\.(?:txt|md)", a.source):
                assert cited in sources, (name, a.name, cited)


def test_burry_and_huang_state_their_views():
    burry, huang = load_scenario("burry"), load_scenario("huang")
    # Burry: 2-3 year product cycle (004_0425c454f102c0cf.txt); Huang: replace after 5-7 years.
    # Both are views of the economic life; the books keep each company's disclosed life.
    for scen in (burry, huang):
        assert "server_life_years" not in scen.parameters
    life = burry.parameters["alt_server_life_years"]
    assert 2 <= life.quantile(0.0) and life.median() == pytest.approx(3) and life.quantile(1) <= 4
    life = huang.parameters["alt_server_life_years"]
    assert 5 <= life.quantile(0.0) and life.quantile(1.0) <= 7
    # OCF growth: 19 % expected (base) vs ~30 % needed (huang)
    assert load_scenario("base").parameters["ocf_growth"].median() == pytest.approx(0.19)
    assert huang.parameters["ocf_growth"].median() == pytest.approx(0.30)
