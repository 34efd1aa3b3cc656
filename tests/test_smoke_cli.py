"""The CLI runs end to end in a subprocess on the embedded catalog."""

import json


def test_models_hipaa_json_lists_only_eligible_models(cli):
    result = cli("models", "--hipaa", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and all(row["hipaa"] is True for row in rows)
    assert "gpt-4o" not in {row["id"] for row in rows}
