"""Config files hold default overlays and plan values: flag > scenario > project
config (./llmplan.yaml) > user config ($XDG_CONFIG_HOME/llmplan/config.yaml) > catalog."""

import json

OVERLAY = """models:
  - id: team-llm
    provider: groq
    name: Team LLM
    input_price: 0.1
    output_price: 0.2
    cache_read_price: null
    cache_write_price: null
    hipaa: false
    max_context_tokens: 128000
    max_output_tokens: 4096
    source: our contract
    as_of: 2026-01-01
"""


def setup(tmp_path, user: str | None = None, project: str | None = None):
    home, work = tmp_path / "config", tmp_path / "work"
    (home / "llmplan").mkdir(parents=True)
    work.mkdir()
    if user is not None:
        (home / "llmplan" / "config.yaml").write_text(user, encoding="utf-8")
    if project is not None:
        (work / "llmplan.yaml").write_text(project, encoding="utf-8")
    return {"XDG_CONFIG_HOME": str(home)}, work


def assumptions(cli, env, work, *args):
    result = cli("estimate", "-m", "gpt-4o-mini", *args, "--json", env=env, cwd=work)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["assumptions"]


def test_plan_values_come_from_the_user_then_the_project_config(cli, tmp_path):
    env, work = setup(tmp_path, user="plan:\n  minutes: 20k\n  silence: 30%\n", project="plan:\n  minutes: 5000\n")
    data = assumptions(cli, env, work)
    assert data["minutes"] == {"value": 5000, "from": f"config {work / 'llmplan.yaml'}"}
    assert data["silence"]["value"] == 0.3 and data["silence"]["from"].endswith("config.yaml")


def test_a_scenario_and_a_flag_override_the_configs(cli, tmp_path):
    env, work = setup(tmp_path, user="plan:\n  minutes: 20k\n  call_minutes: 2\n")
    (work / "plan.yaml").write_text("minutes: 7000\n", encoding="utf-8")
    data = assumptions(cli, env, work, "--scenario", str(work / "plan.yaml"), "--call-minutes", "3")
    assert data["minutes"]["value"] == 7000 and data["minutes"]["from"].startswith("scenario")
    assert data["call_minutes"] == {"value": 3, "from": "flag --call-minutes"}


def test_a_config_overlay_adds_models_relative_to_the_config(cli, tmp_path):
    env, work = setup(tmp_path, project="catalog: [team.yaml]\n")
    (work / "team.yaml").write_text(OVERLAY, encoding="utf-8")
    result = cli("models", "--json", env=env, cwd=work)
    assert "team-llm" in {m["id"] for m in json.loads(result.stdout)}
    paths = json.loads(cli("catalog", "path", "--json", env=env, cwd=work).stdout)["overlays"]
    assert paths == [str(work / "team.yaml")]


def test_a_mistake_in_a_config_is_one_line_naming_the_file(cli, tmp_path):
    env, work = setup(tmp_path, project="plan:\n  minutes: lots\n")
    result = cli("estimate", env=env, cwd=work)
    assert result.returncode == 4
    assert result.stderr == f"llmplan: error: {work / 'llmplan.yaml'}: minutes must be a number ≥ 0 like 10000, " \
                            "10k or 10,000, got 'lots'\n"
    env, work = setup(tmp_path / "b", user="catalgo: x\n")
    result = cli("models", env=env, cwd=work)
    assert result.returncode == 4 and "unknown key(s) catalgo (known: catalog, plan)" in result.stderr
