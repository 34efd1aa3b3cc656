"""The Chat Completions wire format, as test-endpoint speaks and checks it.

Pure: request bodies for the sample calls, reading a completion or a stream of
chunks into one `Reply`, and the small JSON-schema check the tools and structured
checks need. A reply that breaks the format raises `WireError`.
"""

from __future__ import annotations

import json
from typing import Any

from msgspec import Struct, field

DEFAULT_PROMPT = "Say hello in one short sentence."
MAX_TOKENS = 200  # enough for the samples; keeps a test call cheap

SAMPLE_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "The city, e.g. Paris"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city"],
            "additionalProperties": False,
        },
    },
}
TOOL_PROMPT = "What is the weather in Paris right now? Use the get_weather tool."

SAMPLE_SCHEMA = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "country": {"type": "string"},
        "population": {"type": "integer"},
    },
    "required": ["city", "country", "population"],
    "additionalProperties": False,
}
STRUCTURED_PROMPT = "Give the city, country and approximate population of Paris as JSON."


class WireError(Exception):
    """The server's answer breaks the Chat Completions format."""


class ServerSaid(Exception):
    """An `{"error": …}` object where a completion or chunk should be."""


class Reply(Struct):
    """What a call returned, streamed or not."""

    content: str = ""
    tool_calls: list[dict] = field(default_factory=list)  # {id, name, arguments (text)}
    usage: dict | None = None
    finish_reason: str | None = None
    done_seen: bool = False  # streams: `data: [DONE]` arrived
    chunks: int = 0  # streams: data events read


def body(check: str, model: str, prompt: str, stream: bool, context: tuple = (), extra_tools: tuple = ()) -> dict:
    """The request for one check: chat and stream send the prompt (after the
    context messages: a system prompt, earlier turns); tools offers the sample
    function (and extra_tools, e.g. the platform's; tool_choice auto, as an agent
    platform sends it); structured asks for the sample JSON schema."""
    request: dict[str, Any] = {"model": model, "max_tokens": MAX_TOKENS, "temperature": 0}
    if check == "tools":
        request["messages"] = [{"role": "user", "content": TOOL_PROMPT}]
        request["tools"] = [SAMPLE_TOOL, *extra_tools]
        request["tool_choice"] = "auto"
    elif check == "structured":
        request["messages"] = [{"role": "user", "content": STRUCTURED_PROMPT}]
        request["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": "city_facts", "schema": SAMPLE_SCHEMA, "strict": True},
        }
    else:
        request["messages"] = [*context, {"role": "user", "content": prompt}]
    if stream:
        request["stream"] = True
        request["stream_options"] = {"include_usage": True}
    return request


def parse_json(text: str | bytes, what: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise WireError(f"{what} is not valid JSON ({error})") from None


def _choice(obj: Any, what: str) -> dict | None:
    """The first choice, or None for a stream's usage-only chunk."""
    if not isinstance(obj, dict):
        raise WireError(f"{what} is not a JSON object")
    if "error" in obj and "choices" not in obj:
        raise ServerSaid(error_message(obj))
    choices = obj.get("choices")
    if not isinstance(choices, list):
        raise WireError(f"{what} has no 'choices' list")
    if not choices:
        return None
    if not isinstance(choices[0], dict):
        raise WireError(f"{what}: choices[0] is not an object")
    return choices[0]


def _usage(obj: dict) -> dict | None:
    usage = obj.get("usage")
    return usage if isinstance(usage, dict) else None


def _text_or_none(value: Any, what: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise WireError(f"{what} is {type(value).__name__}, not a string")


def read_completion(raw: bytes) -> Reply:
    """A non-streamed response body."""
    obj = parse_json(raw, "the response body")
    choice = _choice(obj, "the response")
    if choice is None:
        raise WireError("the response has an empty 'choices' list")
    message = choice.get("message")
    if not isinstance(message, dict):
        raise WireError("choices[0] has no 'message' object")
    calls = []
    tool_calls = message.get("tool_calls") or []
    if not isinstance(tool_calls, list):
        raise WireError("choices[0].message.tool_calls is not a list")
    for call in tool_calls:
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict):
            raise WireError("a tool_calls entry has no 'function' object")
        calls.append({"id": _text_or_none(call.get("id"), "a tool call's id"),
                      "name": _text_or_none(function.get("name"), "a tool call's function.name"),
                      "arguments": _text_or_none(function.get("arguments"), "a tool call's function.arguments") or ""})
    content = message.get("content")
    return Reply(content=content if isinstance(content, str) else "", tool_calls=calls,
                 usage=_usage(obj), finish_reason=choice.get("finish_reason"))


class StreamAssembler:
    """Collect a stream's chunks into one Reply; streamed tool-call fragments are
    joined by their `index`."""

    def __init__(self) -> None:
        self.reply = Reply()
        self._calls: dict[int, dict] = {}
        self.saw_choices = False

    def add(self, data: str) -> bool:
        """Take one event's data; True when it delivered content or a tool call."""
        reply = self.reply
        if reply.done_seen:
            raise WireError("data after [DONE]")
        if data.strip() == "[DONE]":
            reply.done_seen = True
            return False
        reply.chunks += 1
        obj = parse_json(data, f"stream chunk {reply.chunks}")
        choice = _choice(obj, f"stream chunk {reply.chunks}")
        reply.usage = _usage(obj) or reply.usage
        if choice is None:
            return False
        self.saw_choices = True
        reply.finish_reason = choice.get("finish_reason") or reply.finish_reason
        delta = choice.get("delta") or {}
        if not isinstance(delta, dict):
            raise WireError(f"stream chunk {reply.chunks}: 'delta' is not an object")
        delivered = False
        if isinstance(delta.get("content"), str) and delta["content"]:
            reply.content += delta["content"]
            delivered = True
        fragments = delta.get("tool_calls") or []
        if not isinstance(fragments, list):
            raise WireError(f"stream chunk {reply.chunks}: 'tool_calls' is not a list")
        for fragment in fragments:
            self._add_call(fragment)
            delivered = True
        return delivered

    def _add_call(self, fragment: Any) -> None:
        if not isinstance(fragment, dict):
            raise WireError(f"stream chunk {self.reply.chunks}: a tool_calls fragment is not an object")
        index = fragment.get("index", len(self._calls))
        if isinstance(index, bool) or not isinstance(index, (int, str)):
            raise WireError(f"stream chunk {self.reply.chunks}: a tool_calls fragment's index is not a number")
        function = fragment.get("function") or {}
        if not isinstance(function, dict):
            raise WireError(f"stream chunk {self.reply.chunks}: a tool_calls fragment's 'function' is not an object")
        call = self._calls.setdefault(index, {"id": None, "name": None, "arguments": ""})
        call["id"] = _text_or_none(fragment.get("id"), "a tool call's id") or call["id"]
        call["name"] = _text_or_none(function.get("name"), "a tool call's function.name") or call["name"]
        call["arguments"] += _text_or_none(function.get("arguments"), "a tool call's function.arguments") or ""

    def finish(self) -> Reply:
        self.reply.tool_calls = [self._calls[i] for i in sorted(self._calls, key=str)]
        return self.reply


def error_message(obj: Any) -> str:
    """The server's own error text from the shapes servers use:
    {"error": {"message"}}, {"error": "text"}, {"message"}, {"detail": …}."""
    if isinstance(obj, dict):
        error = obj.get("error", obj)
        if isinstance(error, str):
            return error
        if isinstance(error, dict):
            for key in ("message", "detail", "msg"):
                if key in error:
                    value = error[key]
                    return value if isinstance(value, str) else json.dumps(value)
    return json.dumps(obj)


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """Every secret in text replaced; do this before any cut, or a cut key leaves its prefix."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return text


def cut(text: str, most: int) -> str:
    return text[:most] + ("…" if len(text) > most else "")


def error_text(raw: bytes, secrets: tuple[str, ...] = ()) -> str:
    """An error body as one line of text, whatever its shape: redacted, then cut."""
    try:
        text = error_message(json.loads(raw))
    except (ValueError, RecursionError):
        text = raw.decode("utf-8", errors="replace")
    return cut(redact(" ".join(text.split()), secrets), 500)


def schema_problems(value: Any, schema: dict, where: str = "") -> list[str]:
    """What keeps value from matching schema (the subset the samples use: type,
    properties, required, additionalProperties, enum, items)."""
    label = where or "the value"
    kind = schema.get("type")
    checks = {"object": dict, "array": list, "string": str, "boolean": bool}
    if kind in checks and not isinstance(value, checks[kind]):
        return [f"{label} must be {kind}, got {type(value).__name__}"]
    if kind == "integer" and (isinstance(value, bool) or not isinstance(value, int)):
        if not (isinstance(value, float) and value.is_integer()):
            return [f"{label} must be integer, got {json.dumps(value)}"]
    if kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return [f"{label} must be number, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{label} must be one of {schema['enum']}, got {json.dumps(value)}"]
    problems = []
    if kind == "object":
        properties = schema.get("properties", {})
        problems += [f"{where + '.' if where else ''}{name} is missing"
                     for name in schema.get("required", []) if name not in value]
        for name, item in value.items():
            path = f"{where + '.' if where else ''}{name}"
            if name in properties:
                problems += schema_problems(item, properties[name], path)
            elif schema.get("additionalProperties") is False:
                problems.append(f"{path} is not allowed")
    if kind == "array" and "items" in schema:
        for i, item in enumerate(value):
            problems += schema_problems(item, schema["items"], f"{where}[{i}]")
    return problems
