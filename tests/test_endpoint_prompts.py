"""The load run's requests: sized system prompts, call references, history, tools."""

from __future__ import annotations

import pytest

from token_env import small_encoding
from llmplan.catalog.files import load_catalog
from llmplan.catalog.document import check_document
from llmplan.endpoint import prompts
from llmplan.errors import CatalogError

ENCODING = small_encoding()


def count(text: str) -> int:
    return len(ENCODING.encode_ordinary(text))


@pytest.mark.parametrize("tokens", [40, 333, 2000, 20001])
def test_a_sized_system_prompt_has_the_tokens_asked_for_counted_with_the_encoding(tokens):
    shape = prompts.Shape(model="m", system=prompts.sized_system(tokens, count), user="Hi")
    counts = {count(prompts.system_prompt(shape, index)) for index in (0, 7, 123_456)}
    assert len(counts) == 1  # every request's prompt has the same size
    assert tokens - 1 <= counts.pop() <= tokens


def test_each_request_starts_with_its_own_call_reference_unless_same_prompt():
    varied = prompts.Shape(model="m", system="Be brief.", user="Hi", salt=999_998)
    firsts = [prompts.system_prompt(varied, i).split("\n")[0] for i in range(3)]
    assert firsts == ["Call reference 999998.", "Call reference 999999.", "Call reference 000000."]
    same = prompts.Shape(model="m", system="Be brief.", user="Hi", same_prompt=True, salt=5)
    assert prompts.system_prompt(same, 0) == prompts.system_prompt(same, 9)


def test_a_request_carries_history_tools_and_streams_with_usage():
    tool = {"type": "function", "function": {"name": "end_call", "parameters": {"type": "object"}}}
    shape = prompts.Shape(model="m", system="Be brief.", user="Bye", history_turns=3, tools=(tool,),
                          max_tokens=64)
    body = prompts.request(shape, 0)
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["system"] + ["user", "assistant"] * 3 + ["user"]
    assert body["messages"][-1]["content"] == "Bye"
    assert body["tools"] == [tool] and body["tool_choice"] == "auto"
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["max_tokens"] == 64


def test_input_tokens_add_messages_tools_and_the_template():
    shape = prompts.Shape(model="m", system="Be brief.", user="Hi", history_turns=1)
    messages = prompts.request(shape, 0)["messages"]
    by_hand = sum(count(m["content"]) for m in messages) + 3 * (len(messages) + 1)
    assert prompts.input_tokens(shape, count) == by_hand


def test_the_catalog_holds_the_platform_system_tools_with_their_source():
    catalog = load_catalog([], environ={})
    tools = catalog.platform_tools["tools"]
    names = [t["function"]["name"] for t in tools]
    assert names == ["end_call", "language_detection", "transfer_to_agent", "transfer_to_number", "skip_turn"]
    assert all(t["type"] == "function" and t["function"]["parameters"]["type"] == "object" for t in tools)
    source = catalog.platform_tools["source"]
    assert catalog.sources[source]["url"].startswith("https://")
    assert catalog.platform_tools["as_of"]


def test_a_platform_tool_without_a_function_is_a_catalog_error():
    with pytest.raises(CatalogError, match="type: function"):
        check_document({"platform_tools": {"tools": [{"type": "function"}]}})


def test_the_platform_tools_sent_agree_with_the_catalogs_tool_token_count():
    # Two records of one fact: the definitions test-endpoint sends, and the tokens the
    # cost model adds for them. Counted compact and spaced, they bracket the estimate.
    import json

    from llmplan.tokens.encodings import tokenizer

    catalog = load_catalog([], environ={})
    tools = list(catalog.platform_tools["tools"])
    counter = tokenizer("o200k_base", catalog.platform.chars_per_token)
    if counter.heuristic:
        pytest.skip("o200k_base is not available")
    compact = counter.count(json.dumps(tools, separators=(",", ":")))
    spaced = counter.count(json.dumps(tools))
    assert compact <= catalog.platform.system_tool_tokens <= spaced
