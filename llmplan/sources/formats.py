"""The names of the price-map formats llmplan reads (kept apart so the CLI can name
them in --help without importing the readers on every start-up)."""

FORMATS = ("litellm", "models.dev", "openrouter")
