"""Small price maps in each source's own format, written for the tests.

Each one holds the cases import must handle: per-token vs per-1M units, numbers as
strings, missing fields, entries that are not chat models, tiered prices and ids
that map onto the catalog's.
"""

from __future__ import annotations

import json
from pathlib import Path


def litellm() -> dict:
    return {
        "sample_spec": {"max_tokens": "LEGACY parameter", "mode": "one of: chat, embedding, ..."},
        "gpt-4o": {
            "max_tokens": 16384, "max_input_tokens": 128000, "max_output_tokens": 16384,
            "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05,
            "cache_read_input_token_cost": 1.25e-06, "litellm_provider": "openai", "mode": "chat",
            "supports_function_calling": True, "supports_response_schema": True,
        },
        "claude-3-5-sonnet-20241022": {
            "max_input_tokens": 200000, "max_output_tokens": 8192,
            "input_cost_per_token": "0.000003", "output_cost_per_token": 1.5e-05,
            "cache_creation_input_token_cost": 3.75e-06, "cache_read_input_token_cost": 3e-07,
            "litellm_provider": "anthropic", "mode": "chat",
        },
        "gemini/gemini-2.0-flash": {
            "max_input_tokens": 1048576, "max_output_tokens": 8192, "input_cost_per_token": 1e-07,
            "output_cost_per_token": 4e-07, "litellm_provider": "gemini", "mode": "chat",
        },
        "gemini/gemini-2.5-pro": {
            "max_input_tokens": 1048576, "max_output_tokens": 65535,
            "input_cost_per_token": 1.25e-06, "input_cost_per_token_above_200k_tokens": 2.5e-06,
            "output_cost_per_token": 1e-05, "output_cost_per_token_above_200k_tokens": 1.5e-05,
            "litellm_provider": "gemini", "mode": "chat",
        },
        "text-embedding-3-small": {
            "max_input_tokens": 8191, "input_cost_per_token": 2e-08, "output_cost_per_token": 0,
            "litellm_provider": "openai", "mode": "embedding",
        },
        "bedrock/mystery-model": {"litellm_provider": "bedrock", "mode": "chat", "input_cost_per_token": "abc"},
        "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo": {
            "max_input_tokens": 131072, "input_cost_per_token": 1.04e-06, "output_cost_per_token": 1.04e-06,
            "litellm_provider": "together_ai", "mode": "chat", "supports_function_calling": True,
        },
        "mistral/mistral-large-latest": {
            "max_input_tokens": 128000, "max_output_tokens": 128000, "input_cost_per_token": 2e-06,
            "output_cost_per_token": 6e-06, "litellm_provider": "mistral", "mode": "chat",
        },
    }


def models_dev() -> dict:
    return {
        "anthropic": {"id": "anthropic", "name": "Anthropic", "models": {
            "claude-3-5-sonnet-20241022": {
                "id": "claude-3-5-sonnet-20241022", "name": "Claude Sonnet 3.5 v2", "tool_call": True,
                "modalities": {"input": ["text", "image"], "output": ["text"]},
                "cost": {"input": 3, "output": 15, "cache_read": 0.3, "cache_write": 3.75},
                "limit": {"context": 200000, "output": 8192},
            },
        }},
        "google": {"id": "google", "name": "Google", "models": {
            "gemini-2.5-flash": {
                "id": "gemini-2.5-flash", "name": "Gemini 2.5 Flash", "tool_call": True, "structured_output": True,
                "modalities": {"input": ["text"], "output": ["text"]},
                "cost": {"input": 0.3, "output": 2.5, "cache_read": 0.075,
                         "context_over_200k": {"input": 0.6, "output": 5}},
                "limit": {"context": 1048576, "output": 65536},
            },
            "gemini-embedding-001": {
                "id": "gemini-embedding-001", "name": "Gemini Embedding",
                "modalities": {"input": ["text"], "output": ["embedding"]},
                "cost": {"input": 0.15, "output": 0}, "limit": {"context": 2048, "output": 3072},
            },
        }},
        "groq": {"id": "groq", "name": "Groq", "models": {
            "llama-3.1-8b-instant": {
                "id": "llama-3.1-8b-instant", "name": "Llama 3.1 8B Instant", "tool_call": True,
                "cost": {"input": "0.05", "output": 0.08}, "limit": {"context": 131072, "output": 8192},
            },
        }},
    }


def openrouter() -> dict:
    return {"data": [
        {"id": "anthropic/claude-3.5-sonnet", "name": "Anthropic: Claude 3.5 Sonnet",
         "context_length": 200000, "architecture": {"output_modalities": ["text"]},
         "pricing": {"prompt": "0.000003", "completion": "0.000015", "request": "0",
                     "input_cache_read": "0.0000003", "input_cache_write": "0.00000375"},
         "top_provider": {"context_length": 200000, "max_completion_tokens": 8192},
         "supported_parameters": ["tools", "tool_choice", "max_tokens"]},
        {"id": "openai/gpt-4o-mini", "name": "OpenAI: GPT-4o-mini", "context_length": 128000,
         "pricing": {"prompt": "0.00000015", "completion": "0.0000006"},
         "top_provider": {"max_completion_tokens": 16384},
         "supported_parameters": ["tools", "response_format", "structured_outputs"]},
        {"id": "meta-llama/llama-3.3-70b-instruct", "name": "Meta: Llama 3.3 70B Instruct",
         "context_length": 131072, "pricing": {"prompt": "0.00000013", "completion": "0.0000004"},
         "top_provider": {"max_completion_tokens": None}, "supported_parameters": ["tools"]},
        {"id": "openrouter/auto", "name": "Auto Router", "context_length": 2000000,
         "pricing": {"prompt": "-1", "completion": "-1"}},
        {"id": "google/gemini-2.5-flash-image", "name": "Nano Banana",
         "architecture": {"output_modalities": ["image", "text"]}, "context_length": 32768,
         "pricing": {"prompt": "0.0000003", "completion": "0.0000025"}},
        {"id": "black-forest-labs/flux", "architecture": {"output_modalities": ["image"]},
         "pricing": {"prompt": "0.00004"}},
    ]}


def write(path: Path, data) -> Path:
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path
