"""Build conversation records and request-log lines the way the platform and
OpenAI-compatible proxies write them (field names from published records)."""

from __future__ import annotations

import json
from pathlib import Path

# USD per 1M tokens, as the embedded catalog has them (checked in the tests)
SONNET = {"input": 3.0, "cache_read": 0.3, "cache_write": 3.75, "output": 15.0}
MINI = {"input": 0.15, "cache_read": 0.075, "cache_write": 0.15, "output": 0.6}


def usage_block(inp: int, out: int, read: int = 0, write: int = 0, prices: dict = SONNET,
                scale: float = 1.0) -> dict:
    """One model_usage entry; prices × scale (scale ≠ 1: a negotiated or changed rate)."""
    def part(tokens, price):
        return {"tokens": tokens, "price": round(tokens * price * scale / 1e6, 9)}

    return {"input": part(inp, prices["input"]), "input_cache_read": part(read, prices["cache_read"]),
            "input_cache_write": part(write, prices["cache_write"]), "output_total": part(out, prices["output"])}


def block_price(block: dict) -> float:
    return sum(part["price"] for part in block.values())


def conversation(conv_id: str, replies: list[dict], *, model: str = "claude-sonnet-4", duration: float = 120,
                 start: float = 1_750_000_000, status: str = "done", initiated: list[tuple] | None = None,
                 scale: float = 1.0, llm_price: float | None = "auto", text: str = "Sure, let me check that.",
                 prices: dict = SONNET) -> dict:
    """A conversation record. replies: {input, output[, read, write, tools, interrupted, ttfb, sentence, at]}.
    initiated: (input, output, read, write) totals of every generation started (default: the replies')."""
    transcript = []
    used = [0, 0, 0, 0]
    for i, r in enumerate(replies):
        transcript.append({"role": "user", "message": "hello there", "time_in_call_secs": i * 10,
                           "llm_usage": None, "tool_calls": [], "tool_results": []})
        block = usage_block(r["input"], r["output"], r.get("read", 0), r.get("write", 0), prices, scale)
        used = [used[0] + r["input"], used[1] + r["output"], used[2] + r.get("read", 0), used[3] + r.get("write", 0)]
        metrics = {"convai_llm_service_ttfb": {"elapsed_time": r.get("ttfb", 0.5)},
                   "convai_llm_service_ttf_sentence": {"elapsed_time": r.get("sentence", 0.8)}}
        tools = [{"type": "system", "request_id": f"t{i}-{k}", "tool_name": "end_call", "params_as_json": "{}",
                  "tool_has_been_called": True, "tool_details": None} for k in range(r.get("tools", 0))]
        transcript.append({
            "role": "agent", "message": None if tools else text, "time_in_call_secs": r.get("at", i * 10 + 5),
            "interrupted": r.get("interrupted", False),
            "original_message": text + " and more" if r.get("interrupted") else None,
            "tool_calls": tools, "tool_results": [],
            "llm_usage": {"model_usage": {model: block}},
            "conversation_turn_metrics": {"metrics": metrics}, "rag_retrieval_info": None,
        })
    started = initiated or [tuple(used)]
    init_block = {}
    for inp, out, read, write in started:
        init_block = usage_block(inp, out, read, write, prices, scale)
    irreversible = usage_block(used[0], used[1], used[2], used[3], prices, scale)
    charging = {"tier": "pro", "llm_usage": {"initiated_generation": {"model_usage": {model: init_block}},
                                             "irreversible_generation": {"model_usage": {model: irreversible}}}}
    if llm_price == "auto":
        charging["llm_price"] = round(block_price(init_block), 6)
    elif llm_price is not None:
        charging["llm_price"] = llm_price
    return {
        "agent_id": "agent_1", "conversation_id": conv_id, "status": status, "transcript": transcript,
        "metadata": {"start_time_unix_secs": start, "call_duration_secs": duration, "cost": 1000,
                     "termination_reason": "end_call", "charging": charging},
        "analysis": {}, "conversation_initiation_client_data": {"dynamic_variables": {}},
    }


def request_line(call_id: str, prompt: int, completion: int, cached: int = 0, ts: float = 0,
                 model: str = "gpt-4o-mini", cost: float | None = None, id_key: str = "session_id") -> dict:
    line = {"model": model, id_key: call_id, "timestamp": ts, "messages": [{"role": "user", "content": "hi"}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                      "prompt_tokens_details": {"cached_tokens": cached}}}
    if cost is not None:
        line["response_cost"] = cost
    return line


def write_json(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def write_lines(path: Path, records) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
