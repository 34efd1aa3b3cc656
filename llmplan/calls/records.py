"""Real calls as plain records: what a conversation record or a request log
says about each LLM reply, kept small (no message text) so thousands of calls
fit in memory while the files they came from are streamed."""

from __future__ import annotations

from msgspec import Struct, field


class Tokens(Struct, frozen=True):
    """Token counts of one request (or a sum of them)."""

    input: float = 0  # billed at the input price: not read from or written to a cache
    cache_read: float = 0
    cache_write: float = 0
    output: float = 0

    @property
    def prompt(self) -> float:
        """Everything sent: the input a context window must hold."""
        return self.input + self.cache_read + self.cache_write

    def __add__(self, other: "Tokens") -> "Tokens":
        return Tokens(self.input + other.input, self.cache_read + other.cache_read,
                      self.cache_write + other.cache_write, self.output + other.output)

    def scaled(self, prompt: float, output: float) -> "Tokens":
        """These counts with the prompt side × prompt and the output × output."""
        return Tokens(self.input * prompt, self.cache_read * prompt, self.cache_write * prompt, self.output * output)


class Reply(Struct, frozen=True):
    """One LLM generation the record shows (an agent reply, a tool-call step)."""

    model: str  # as the record names it
    tokens: Tokens
    price_usd: float | None = None  # the record's price for it
    at_secs: float | None = None  # seconds from call start
    tool_calls: int = 0
    interrupted: bool = False
    ttfb_secs: float | None = None  # LLM time to first byte
    ttf_sentence_secs: float | None = None  # LLM time to first sentence


class Call(Struct, frozen=True):
    id: str
    origin: str  # FILE:LINE of the record (the first request, for a request log)
    kind: str  # "conversation" or "request-log"
    replies: tuple[Reply, ...]
    duration_secs: float | None = None
    start_unix: float | None = None
    billed_usd: float | None = None  # the LLM price billed for the call, when the record says
    billed_basis: str | None = None  # where billed_usd came from
    initiated: tuple[tuple[str, Tokens], ...] = ()  # per model: every generation started
    irreversible: tuple[tuple[str, Tokens], ...] = ()  # per model: the generations used

    @property
    def minutes(self) -> float | None:
        return None if self.duration_secs is None else self.duration_secs / 60

    @property
    def model(self) -> str:
        """The model that took most of the call's prompt tokens."""
        totals: dict[str, float] = {}
        for reply in self.replies:
            totals[reply.model] = totals.get(reply.model, 0) + reply.tokens.prompt
        for model, tokens in self.initiated:
            totals.setdefault(model, tokens.prompt)
        return max(totals, key=lambda m: (totals[m], m)) if totals else "unknown"

    def used_tokens(self) -> Tokens:
        return sum((r.tokens for r in self.replies), Tokens())

    def speculative(self) -> tuple[float, float] | None:
        """initiated ÷ irreversible tokens (prompt side, output side), when the
        record has both blocks: the generations billed but not used."""
        started = sum((t for _, t in self.initiated), Tokens())
        used = sum((t for _, t in self.irreversible), Tokens())
        if not self.initiated or not self.irreversible or used.prompt <= 0:
            return None
        output = started.output / used.output if used.output > 0 else 1.0
        return started.prompt / used.prompt, output


class Skip(Struct, frozen=True):
    """A record left out, and why."""

    origin: str  # FILE:LINE, or FILE
    reason: str  # a short category, counted ("not done", "no usage", …)
    detail: str = ""  # what exactly, for --verbose


class Readout(Struct):
    """What reading the files gave (filled in as they are read)."""

    calls: list[Call] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    files: int = 0
    bytes: int = 0
    records: int = 0  # JSON records seen (requests of a log count one each)
    text_sample: list[str] = field(default_factory=list)  # the first characters of transcript text, to recount
    text_chars: int = 0
