"""Human output at 80 and 120 columns: tables fit the width, secondary columns
drop first, and no model id or money cell is ever cut (a long id folds)."""

import json

import pytest

from llmplan.render.formats import money


def table(text: str, first_header: str):
    """(headers, rows) of the Rich table whose first header is this; a folded
    cell's continuation lines (second cell empty) join the row above."""
    headers, rows, inside = None, [], False
    for line in text.splitlines():
        if line.startswith("┃") and line.strip("┃ ").startswith(first_header):
            headers, inside = [c.strip() for c in line.strip("┃").split("┃")], True
        elif inside and line.startswith("│"):
            cells = [c.strip() for c in line[1:-1].split("│")]
            if rows and not cells[1]:
                rows[-1] = [a + b for a, b in zip(rows[-1], cells)]
            else:
                rows.append(cells)
        elif inside and line.startswith("└"):
            break
    assert headers is not None, f"no table headed {first_header!r} in:\n{text}"
    return headers, rows


def run(cli, width, *args):
    result = cli(*args, env={"COLUMNS": str(width)})
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


def data(cli, *args):
    return json.loads(cli(*args, "--json").stdout)


@pytest.mark.parametrize("width", [80, 120])
def test_models_table_fits_and_keeps_every_id_and_price(cli, width):
    text = run(cli, width, "models", "--hipaa")
    assert all(len(line) <= width for line in text.splitlines() if line[:1] in "┏┃┡│└")
    headers, rows = table(text, "model")
    # A HIPAA listing keeps the condition and the status beside the prices at any width (the long id folds).
    assert {"in $/1M", "out $/1M", "HIPAA", "status"} <= set(headers)
    expected = data(cli, "models", "--hipaa")
    assert [r[0] for r in rows] == [m["id"] for m in expected]
    prices = {m["id"]: m["input_price"] for m in expected}
    column = headers.index("in $/1M")
    assert all(r[column] == ("n/a" if prices[r[0]] is None else f"{prices[r[0]]:g}") for r in rows)


def test_wide_keeps_every_column(cli):
    text = run(cli, 80, "models", "--hipaa", "--wide")
    headers, _ = table(text, "model")
    assert {"provider", "context", "cache rd", "HIPAA", "status"} <= set(headers)
    assert "hidden" not in text


def test_narrow_table_says_which_columns_it_hid(cli):
    text = run(cli, 80, "models", "--hipaa")
    assert "column(s) hidden at this width: provider" in " ".join(text.split())
    assert "--wide" in text


@pytest.mark.parametrize("width", [80, 120])
def test_estimate_cost_table_keeps_ids_and_dollars_whole(cli, width):
    text = run(cli, width, "estimate", "--kb-tokens", "150k")
    headers, rows = table(text, "model")
    assert {"$/min", "$/month", "fits"} <= set(headers)
    models = data(cli, "estimate", "--kb-tokens", "150k")["models"]
    fitting = [m for m in models if m["usable"]]
    assert [r[0] for r in rows] == [m["id"] for m in fitting]  # the ones that do not fit: one line, not rows
    month = headers.index("$/month")
    assert [r[month] for r in rows] == [money(m["monthly_usd"]) for m in fitting]
    assert all(len(line) <= width for line in text.splitlines() if line[:1] in "┏┃┡│└")


def test_a_long_id_folds_onto_a_second_line_instead_of_being_cut(cli):
    text = run(cli, 80, "estimate")
    assert "…" not in text
    _, rows = table(text, "model")
    fitting = [m["id"] for m in data(cli, "estimate")["models"] if m["usable"]]
    assert [r[0] for r in rows] == fitting
    assert any(len(i) > 45 for i in fitting)  # one of them did not fit on one line


def test_estimate_answers_first(cli):
    text = run(cli, 80, "estimate", "--kb-tokens", "150k")
    models = data(cli, "estimate", "--kb-tokens", "150k")["models"]
    cheapest = next(m for m in models if m["usable"])
    first = text.splitlines()[0]
    assert first == f"Cheapest that fits: {cheapest['id']} — {money(cheapest['monthly_usd'])}/month " \
                    f"({money(cheapest['per_minute_usd'])}/min)."
    unfit = [m["id"] for m in models if not m["usable"]]
    assert f"{len(unfit)} model(s) do not fit this plan" in " ".join(text.split())


def test_all_lists_the_models_that_do_not_fit(cli):
    text = run(cli, 200, "estimate", "--kb-tokens", "150k", "--all")
    _, rows = table(text, "model")
    assert len(rows) == len(data(cli, "estimate", "--kb-tokens", "150k")["models"])


def test_top_lists_only_the_cheapest(cli):
    _, rows = table(run(cli, 120, "estimate", "--top", "3"), "model")
    assert [r[0] for r in rows] == [m["id"] for m in data(cli, "estimate")["models"][:3]]


def test_budget_line_says_within_when_the_gate_passes(cli):
    text = run(cli, 80, "estimate", "-m", "gpt-4o-mini", "--budget", "1000")
    assert "Budget $1,000.00 a month: within — gpt-4o-mini costs $" in text


def test_plan_line_shows_only_what_was_set(cli):
    text = run(cli, 200, "estimate", "-m", "gpt-4o-mini", "--minutes", "3000")
    assert "Plan: minutes 3,000 (flag --minutes)." in text
    assert "turns_per_minute" not in text
    assert "turns_per_minute" in run(cli, 200, "estimate", "-m", "gpt-4o-mini", "--verbose")


@pytest.mark.parametrize("width", [80, 120])
def test_fallback_tables_fit_and_answer_first(cli, width):
    text = run(cli, width, "fallback", "--preferred", "gpt-4o", "--fail", "gpt-4o")
    assert text.splitlines()[0].startswith("Served by gemini-2.5-flash at attempt 2.")
    headers, rows = table(text, "#")
    assert {"model", "outcome"} <= set(headers)
    assert [r[headers.index("model")] for r in rows] == ["gpt-4o", "gemini-2.5-flash", "gemini-2.0-flash"]
    assert all(len(line) <= width for line in text.splitlines() if line[:1] in "┏┃┡│└")


@pytest.mark.parametrize("width", [80, 120])
def test_recommend_table_keeps_ids_and_dollars(cli, width):
    text = run(cli, width, "recommend", "--hipaa")
    headers, rows = table(text, "model")
    eligible = data(cli, "recommend", "--hipaa")["eligible"]
    assert [r[0] for r in rows] == [m["id"] for m in eligible]
    assert [r[headers.index("$/month")] for r in rows] == [money(m["monthly_usd"]) for m in eligible]
    assert text.splitlines()[0].startswith(f"Cheapest that meets the constraints: {eligible[0]['id']} — ")


@pytest.mark.parametrize("width", [80, 120])
def test_excluded_ids_break_only_after_a_separator_and_the_reason_gives_room(cli, width):
    text = run(cli, width, "recommend", "--min-context", "2M")
    assert all(len(line) <= width for line in text.splitlines() if line[:1] in "┏┃┡│└")
    section = text.split("excluded model(s)", 1)[1]
    excluded = data(cli, "recommend", "--min-context", "2M")["excluded"]
    pieces = [line[1:].split("│")[0].strip() for line in section.splitlines() if line.startswith("│")]
    pieces = [p for p in pieces if p]
    broken = 0
    for model in (x["id"] for x in excluded):  # each id, in order, whole from its lines
        text = pieces.pop(0)
        while text != model:
            assert model.startswith(text) and text[-1] in "/-.", (model, text)  # breaks only after a separator
            text += pieces.pop(0)
            broken += 1
    assert not pieces
    if width == 120:
        assert broken == 0  # room to spare: no id breaks at all


@pytest.mark.parametrize("args", [["models", "--hipaa"], ["estimate"], ["recommend", "--min-context", "2M"]])
def test_piped_tables_fit_200_columns_and_text_lines_stay_whole(args):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES") and not k.startswith("LLMPLAN_")}
    out = subprocess.run([sys.executable, "-m", "llmplan", *args], capture_output=True, text=True, env=env,
                         timeout=60).stdout
    assert max(len(line) for line in out.splitlines() if line[:1] in "┏┃┡│└") <= 200
    assert not any(line.startswith("│") and "…" in line for line in out.splitlines())


@pytest.mark.parametrize("width", [80, 120])
def test_hidden_columns_note_wraps_between_names_only(cli, width):
    text = run(cli, width, "models")
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "column(s) hidden at this width:" in line)
    note = lines[start:start + next(j for j, line in enumerate(lines[start:]) if "(--wide shows them)" in line) + 1]
    assert all(len(line) <= width for line in note)
    names = " ".join(note).split(": ", 1)[1].removesuffix(" (--wide shows them)").split(", ")
    headers, _ = table(run(cli, width, "models", "--wide"), "model")
    assert set(names) <= set(headers) and names  # every name whole: none split across two lines
    assert all(any(name in line for line in note) for name in names)


@pytest.mark.parametrize("width", [80, 120])
def test_the_savings_table_keeps_its_dollar_figures_on_one_line(cli, tmp_path, width):
    # A knowledge base makes every what-if apply, and its notes long: the prose
    # column wraps, the money columns never break (a 'costs $4.75 more' included).
    (tmp_path / "kb.md").write_text("The caller asks about opening hours and refunds. " * 400)
    args = ("estimate", "-m", "gpt-4o", "--minutes", "10k", "--kb", str(tmp_path))
    text = run(cli, width, *args)
    items = data(cli, *args)["savings"]["items"]
    lines = text.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("┃") and line.strip("┃ ").startswith("change"))
    headers = [c.strip() for c in lines[top].strip("┃").split("┃")]
    assert headers[1:4] == ["$/month after", "saves $/month", "share"]
    bottom = next(i for i in range(top, len(lines)) if lines[i].startswith("└"))
    cells = [[c.strip() for c in line[1:-1].split("│")] for line in lines[top + 2:bottom]]
    after = {c[1] for c in cells if c[1]} - {"-"}
    saves = {c[2] for c in cells if c[2]} - {"-"}
    usable = [s for s in items if s["applicable"] and s["monthly_usd"] is not None]
    assert after == {money(s["monthly_usd"], 2) for s in usable}
    assert saves == {money(s["saves_monthly_usd"], 2) if s["saves_monthly_usd"] >= 0
                     else f"costs {money(-s['saves_monthly_usd'], 2)} more" for s in usable}
