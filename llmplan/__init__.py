"""llmplan: choose an LLM for a voice or chat agent and know what it will cost."""

__version__ = "0.1.0"
