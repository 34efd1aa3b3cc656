"""Speed of `llmplan catalog import --from litellm` on a LiteLLM-sized map (3,000 entries).

Generates a realistic file in a temp dir (providers, modes, ~25 fields an entry,
tiered and string prices, dated ids) and times, as fresh processes interleaved in
this one run: the import to a file, `llmplan catalog path` (start-up) and
`python -c 'json.load(...)'` on the same file. Prints medians and the ratios
(import / json.load: target ≤ 4).

    python bench/bench_import.py [--runs 10] [--entries 3000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
from pathlib import Path

from timing import timed

PROVIDERS = ["openai", "anthropic", "gemini", "vertex_ai-language-models", "bedrock", "azure", "groq",
             "together_ai", "mistral", "deepseek", "fireworks_ai", "openrouter", "cohere_chat", "xai"]
MODES = ["chat"] * 7 + ["embedding", "image_generation", "audio_transcription", "completion", "rerank"]
EXTRA_FLAGS = ["supports_vision", "supports_system_messages", "supports_tool_choice", "supports_prompt_caching",
               "supports_parallel_function_calling", "supports_audio_input", "supports_pdf_input",
               "supports_reasoning", "supports_web_search", "supports_assistant_prefill"]


def entry(rng: random.Random, provider: str, mode: str) -> dict:
    per_token = rng.choice([1e-07, 1.5e-07, 2.5e-06, 3e-06, 1e-05, 1.5e-05, 6e-05])
    data = {
        "max_tokens": rng.choice([4096, 8192, 16384]),
        "max_input_tokens": rng.choice([8192, 32768, 128000, 200000, 1048576]),
        "max_output_tokens": rng.choice([4096, 8192, 16384]),
        "input_cost_per_token": per_token if rng.random() > 0.05 else str(per_token),
        "output_cost_per_token": per_token * 4,
        "litellm_provider": provider,
        "mode": mode,
        "supports_function_calling": rng.random() > 0.3,
        "supports_response_schema": rng.random() > 0.5,
        "source": "https://example.com/pricing",
        "deprecation_date": "2026-12-31",
        "tool_use_system_prompt_tokens": 159,
        "supported_endpoints": ["/v1/chat/completions", "/v1/responses"],
        "supported_modalities": ["text", "image"],
        "supported_output_modalities": ["text"],
    }
    data.update({flag: rng.random() > 0.5 for flag in EXTRA_FLAGS})
    if rng.random() > 0.6:
        data["cache_read_input_token_cost"] = per_token / 10
        data["cache_creation_input_token_cost"] = per_token * 1.25
    if rng.random() > 0.8:
        data["input_cost_per_token_above_200k_tokens"] = per_token * 2
        data["output_cost_per_token_above_200k_tokens"] = per_token * 6
    if rng.random() > 0.9:
        data["search_context_cost_per_query"] = {"search_context_size_low": 0.03, "search_context_size_high": 0.05}
    return data


def litellm_map(entries: int, seed: int = 6) -> dict:
    rng = random.Random(seed)
    data = {"sample_spec": {"max_tokens": "LEGACY parameter", "mode": "one of: chat, embedding, ..."}}
    for i in range(entries):
        provider = PROVIDERS[i % len(PROVIDERS)]
        name = f"model-{i // len(PROVIDERS)}-{rng.choice(['mini', 'pro', 'turbo', 'flash'])}"
        if rng.random() > 0.7:
            name += f"-2025{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        key = name if provider in ("openai", "anthropic") else f"{provider.split('-')[0]}/{name}"
        data[key] = entry(rng, provider, rng.choice(MODES))
    return data


ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
ENV.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed llmplan has bytecode: so must the checkout


def llmplan_argv() -> list[str]:
    """What the installed `llmplan` script runs, on this checkout."""
    return [sys.executable, "-c", "import sys; from llmplan.cli.main import entry; sys.exit(entry())"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--entries", type=int, default=3000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "model_prices_and_context_window.json"
        source.write_text(json.dumps(litellm_map(args.entries), indent=4))
        out = Path(tmp) / "imported.yaml"
        commands = {
            "llmplan catalog import (3k)": llmplan_argv() + ["catalog", "import", "--from", "litellm",
                                                             str(source), "-o", str(out), "--force"],
            "llmplan catalog path (start-up)": llmplan_argv() + ["catalog", "path"],
            "python json.load (same file)": [sys.executable, "-c", f"import json; json.load(open({str(source)!r}))"],
        }
        for argv in commands.values():  # warm the page cache, bytecode and catalog cache
            timed(argv, ENV)
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, argv in commands.items():
                samples[name].append(timed(argv, ENV))
        size = source.stat().st_size
        imported = out.read_text().count("- id: ")

    wall = {name: statistics.median(w for w, _, _ in runs) for name, runs in samples.items()}
    cpu = {name: statistics.median(c for _, c, _ in runs) for name, runs in samples.items()}
    for name in samples:
        print(f"{name:34} median {wall[name] * 1000:7.1f} ms wall {cpu[name] * 1000:7.1f} ms CPU")
    ours, startup, load = samples
    print(f"file: {args.entries:,} entries, {size / 2**20:.1f} MiB; {imported:,} models written")
    print(f"ratios of medians, {args.runs} interleaved runs: wall (CPU, which a busy machine disturbs less)")
    print(f"  import / json.load: {wall[ours] / wall[load]:.2f} ({cpu[ours] / cpu[load]:.2f})   target ≤ 4")
    print(f"  import / start-up:  {wall[ours] / wall[startup]:.2f} ({cpu[ours] / cpu[startup]:.2f})")

if __name__ == "__main__":
    main()
