"""Reading Chat Completions replies and the schema check of the samples."""

import json

import pytest

from llmplan.endpoint.wire import SAMPLE_SCHEMA, SAMPLE_TOOL, ServerSaid, StreamAssembler, WireError, body, error_text, read_completion, schema_problems


def chunk(delta, finish=None, usage=None):
    data = {"choices": [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish}]}
    if usage:
        data["usage"] = usage
    return json.dumps(data)


def test_streamed_tool_call_fragments_are_joined_by_index():
    stream = StreamAssembler()
    stream.add(chunk({"tool_calls": [{"index": 0, "id": "a", "function": {"name": "get_weather", "arguments": ""}}]}))
    stream.add(chunk({"tool_calls": [{"index": 1, "id": "b", "function": {"name": "other", "arguments": "{}"}}]}))
    stream.add(chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"ci'}}]}))
    stream.add(chunk({"tool_calls": [{"index": 0, "function": {"arguments": 'ty": "Paris"}'}}]}))
    stream.add("[DONE]")
    reply = stream.finish()
    assert reply.tool_calls[0] == {"id": "a", "name": "get_weather", "arguments": '{"city": "Paris"}'}
    assert reply.tool_calls[1]["name"] == "other"
    assert reply.done_seen


def test_the_usage_chunk_with_empty_choices_is_read():
    stream = StreamAssembler()
    assert stream.add(chunk({"content": "Hi"})) is True
    assert stream.add(chunk(None, usage={"completion_tokens": 3})) is False
    assert stream.finish().usage == {"completion_tokens": 3}


def test_data_after_done_breaks_the_protocol():
    stream = StreamAssembler()
    stream.add("[DONE]")
    with pytest.raises(WireError, match="after"):
        stream.add(chunk({"content": "late"}))


def test_an_error_object_in_a_stream_is_the_servers_error():
    with pytest.raises(ServerSaid, match="overloaded"):
        StreamAssembler().add(json.dumps({"error": {"message": "overloaded"}}))


def test_a_completion_without_choices_is_a_protocol_error():
    with pytest.raises(WireError, match="empty 'choices'"):
        read_completion(b'{"choices": []}')
    with pytest.raises(WireError, match="no 'choices'"):
        read_completion(b'{"id": "x"}')


def test_a_completion_reads_content_tool_calls_and_usage():
    raw = json.dumps({"choices": [{"message": {"content": None, "tool_calls": [
        {"id": "c", "function": {"name": "f", "arguments": "{}"}}]}, "finish_reason": "tool_calls"}],
        "usage": {"prompt_tokens": 1}}).encode()
    reply = read_completion(raw)
    assert (reply.content, reply.tool_calls[0]["name"], reply.usage, reply.finish_reason) == \
        ("", "f", {"prompt_tokens": 1}, "tool_calls")


@pytest.mark.parametrize("raw, text", [
    (b'{"error": {"message": "bad key", "type": "x"}}', "bad key"),
    (b'{"error": "plain string"}', "plain string"),
    (b'{"detail": "not found"}', "not found"),
    (b"<html>\n  Bad   Gateway</html>", "<html> Bad Gateway</html>"),
])
def test_error_text_takes_the_servers_message_from_any_shape(raw, text):
    assert error_text(raw) == text


def test_schema_problems_name_missing_extra_and_mistyped_fields():
    problems = schema_problems({"city": "Paris", "population": "many", "mayor": "x"}, SAMPLE_SCHEMA)
    assert problems == ["country is missing", "population must be integer, got \"many\"", "mayor is not allowed"]


def test_schema_accepts_the_sample_arguments_and_checks_the_enum():
    parameters = SAMPLE_TOOL["function"]["parameters"]
    assert schema_problems({"city": "Paris", "unit": "celsius"}, parameters) == []
    assert schema_problems({"city": "Paris", "unit": "kelvin"}, parameters) == [
        "unit must be one of ['celsius', 'fahrenheit'], got \"kelvin\""]
    assert schema_problems(["Paris"], parameters) == ["the value must be object, got list"]


def test_a_stream_request_asks_for_the_usage_chunk():
    request = body("stream", "m", "hi", stream=True)
    assert request["stream"] is True and request["stream_options"] == {"include_usage": True}
    assert request["messages"][0]["content"] == "hi"


def test_the_tools_and_structured_requests_offer_the_samples():
    assert body("tools", "m", "hi", True)["tools"] == [SAMPLE_TOOL]
    schema = body("structured", "m", "hi", False)["response_format"]["json_schema"]
    assert schema["schema"] == SAMPLE_SCHEMA and "stream" not in body("structured", "m", "hi", False)
