"""Is grader_config.yaml checked, with errors that name the file and the key?"""

from __future__ import annotations

import pytest

from conftest import COURSE
from dlnlp.config import ConfigError, load_config
from dlnlp.results import add, cents, credit_points, split


def test_shipped_config_loads():
    config = COURSE.config()
    assert config.assignment("attention").max_score == 10
    assert (
        "torch.nn.MultiheadAttention"
        in config.assignment("attention").functions["multi_head_attention"].banned
    )


def _write(tmp_path, text):
    path = tmp_path / "grader_config.yaml"
    path.write_text(text)
    return path


def test_unknown_key_is_named_with_the_file(tmp_path):
    path = _write(tmp_path, "assignments:\n  a:\n    functions:\n      f:\n        pionts: 3\n")
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert str(path) in str(e.value) and "assignments.a.functions.f.pionts: unknown key" in str(
        e.value
    )


def test_wrong_type_is_named(tmp_path):
    path = _write(tmp_path, "limits:\n  call_seconds: soon\nassignments: {}\n")
    with pytest.raises(ConfigError, match=r"limits\.call_seconds: Input should be a valid number"):
        load_config(path)


def test_per_test_points_cannot_exceed_the_function(tmp_path):
    path = _write(
        tmp_path,
        "assignments:\n  a:\n    functions:\n      f:\n        points: 1\n        tests: {test_x: 2}\n",
    )
    with pytest.raises(ConfigError, match="exceed"):
        load_config(path)


def test_invalid_yaml_and_missing_file_are_explained(tmp_path):
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(_write(tmp_path, "assignments: [\n"))
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")


def test_limits_can_be_overridden_per_assignment(tmp_path):
    path = _write(
        tmp_path,
        "limits: {call_seconds: 5}\nassignments:\n  a:\n    limits: {memory_mb: 300}\n    functions:\n      f: {points: 1}\n",
    )
    limits = load_config(path).limits_for("a")
    assert (limits.call_seconds, limits.memory_mb) == (5, 300)


def test_per_test_points_override_the_even_split():
    """Does `tests: {name: points}` weight one test and split the rest of the function's points?"""
    from dlnlp.config import AssignmentConfig
    from dlnlp.grade.assignment import Assignment
    from dlnlp.grade.scoring import points_table

    a = Assignment.load(COURSE, "attention")
    cfg = a.config.model_dump()
    cfg["functions"]["scaled_dot_product_attention"]["tests"] = {"test_output_matches_torch": 2}
    table = points_table(AssignmentConfig.model_validate(cfg), a.tests, "grader_config.yaml")
    sdpa = {k: v for k, v in table.items() if k.startswith("scaled_dot_product_attention::")}
    assert sdpa.pop("scaled_dot_product_attention::test_output_matches_torch") == 2
    # the rest split evenly, in hundredths that add up exactly (Gradescope shows the sum)
    assert add(sdpa.values()) == 2 and max(sdpa.values()) - min(sdpa.values()) <= 0.01


def test_points_split_over_checks_add_up_exactly():
    """Do 2 points over 3 checks become 0.67 + 0.67 + 0.66, and 10 over 7 hundredths that sum to
    10 in floats as well, where 2/3 each summed to 1.9999999999999998?"""
    assert split(2, 3) == [0.67, 0.67, 0.66]
    for total, n in [(10, 7), (4, 3), (1, 6), (3, 9), (2.5, 4)]:
        parts = split(total, n)
        assert add(parts) == total and all(cents(p) / 100 == p for p in parts)
        assert max(parts) - min(parts) <= 0.01 + 1e-12
    assert credit_points(0.67, 0.5) == 0.34 and credit_points(2, 2 / 3) == 1.33


def test_points_in_finer_than_hundredths_are_refused(tmp_path):
    path = tmp_path / "grader_config.yaml"
    path.write_text("assignments:\n  a:\n    functions:\n      f: {points: 1.005}\n")
    with pytest.raises(ConfigError, match="hundredths"):
        load_config(path)


def test_config_naming_an_unknown_test_is_an_error():
    from dlnlp.config import AssignmentConfig
    from dlnlp.grade.assignment import Assignment
    from dlnlp.grade.scoring import points_table

    a = Assignment.load(COURSE, "attention")
    cfg = a.config.model_dump()
    cfg["functions"]["causal_mask"]["tests"] = {"test_typo": 1}
    with pytest.raises(ConfigError, match="functions.causal_mask.tests names unknown tests"):
        points_table(AssignmentConfig.model_validate(cfg), a.tests, "grader_config.yaml")
