"""bot.features: the reader of bot/data YAML files."""
import pytest

from bot.features import read_yaml


def test_read_yaml_refuses_a_key_given_twice(tmp_path):
    good = tmp_path / "good.yml"
    good.write_text("rules:\n  - category: A\n    terminated_by: [X, Y]\n")
    assert read_yaml(good) == {"rules": [{"category": "A", "terminated_by": ["X", "Y"]}]}
    twice = tmp_path / "twice.yml"
    twice.write_text("rules:\n  - category: A\n    terminated_by: [X]\n    max_scope: 8\n    terminated_by: [Y]\n")
    with pytest.raises(ValueError, match="line 5: the key 'terminated_by' is given twice"):
        read_yaml(twice)
