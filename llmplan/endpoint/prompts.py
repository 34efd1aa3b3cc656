"""The requests of a load run, built to look like a voice agent's: a system prompt
of a chosen size, earlier turns, the platform's tools. Pure: token counting is
a function passed in (the model's encoding, or the heuristic offline).

Each request's system prompt starts with its own call reference (a fixed-width
number, so every request has the same token count); prefix caches match from
the first token, so no request is served from another's cache unless
`same_prompt` asks for it.
"""

from __future__ import annotations

import json
from typing import Callable

from msgspec import Struct

Count = Callable[[str], int]

# Instructions of the kind a voice agent's prompt holds, cycled to the size asked.
FILLER = (
    "You are a friendly phone assistant for a chain of neighbourhood restaurants.",
    "Keep every answer short and natural, because it will be spoken aloud to the caller.",
    "Confirm the date, the time and the number of guests before you book a table.",
    "If the caller asks about allergies, list the ingredients of the dish and suggest asking the staff.",
    "Opening hours are from noon to eleven in the evening, every day except public holidays.",
    "Never read out long lists; offer the two or three most relevant options instead.",
    "When the caller sounds unsure, ask one simple question at a time.",
    "Parking is free for guests after six in the evening at the garage behind the main square.",
    "Large groups of more than eight people need a deposit, which the manager confirms by email.",
    "If you cannot help, offer to transfer the call to a member of the team.",
)
HISTORY = (
    ("Hi, I'd like to book a table for tomorrow evening.", "Of course. For how many people, and at what time?"),
    ("For four people, around seven thirty.", "Seven thirty for four works. May I have a name for the booking?"),
    ("It's under Martin.", "Thank you. Do any of your guests have allergies I should note?"),
    ("One of us can't eat nuts.", "Noted: a nut allergy. Would you like a table inside or on the terrace?"),
    ("Inside, please. Is there parking nearby?", "Yes, the garage behind the main square is free for guests after six."),
    ("Great. Can we bring a birthday cake?", "You can. The staff will keep it cold and bring it out with candles."),
)
REFERENCE = "Call reference {:06d}.\n"  # six digits: the same token count for every request
MESSAGE_OVERHEAD = 3  # tokens a message adds in the chat template, and 3 to prime the reply


def synthetic_text(tokens: int, count: Count) -> str:
    """Filler text of `tokens` tokens as `count` counts them (the largest whole
    number of words that does not exceed it)."""
    if tokens <= 0:
        return ""
    sentence_words = " ".join(FILLER).split()
    per_word = max(0.2, count(" ".join(sentence_words)) / len(sentence_words))
    words = [sentence_words[i % len(sentence_words)] for i in range(int(tokens / per_word * 1.3) + 16)]
    while count(" ".join(words)) < tokens:  # rare: the estimate fell short
        words += sentence_words
    low, high = 0, len(words)  # the most words whose count stays within `tokens`
    while low < high:
        middle = (low + high + 1) // 2
        if count(" ".join(words[:middle])) <= tokens:
            low = middle
        else:
            high = middle - 1
    text = " ".join(words[:low])
    # Top up with the start of the next word, a character at a time: words are
    # several tokens in some encodings, characters at most one more each.
    best, piece = text, (" " if text else "")
    for char in words[low]:
        piece += char
        if count(text + piece) > tokens:
            break
        best = text + piece
    return best


def sized_system(tokens: int, count: Count) -> str:
    """Filler for a system prompt of `tokens` tokens, call reference included."""
    return synthetic_text(tokens - count(REFERENCE.format(0)), count)


class Shape(Struct, frozen=True):
    """What every request of the run carries."""

    model: str
    system: str  # the system prompt, without the call reference
    user: str  # the last user message
    history_turns: int = 0
    tools: tuple = ()  # OpenAI function definitions
    max_tokens: int = 200
    same_prompt: bool = False
    salt: int = 0  # picks the call references (a random number per run, from the shell)


def history(turns: int) -> list[dict]:
    messages = []
    for i in range(turns):
        user, assistant = HISTORY[i % len(HISTORY)]
        messages += [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
    return messages


def reference(shape: Shape, index: int) -> str:
    """Request `index`'s call reference: six digits."""
    return f"{0 if shape.same_prompt else (shape.salt + index) % 1_000_000:06d}"


def system_prompt(shape: Shape, index: int) -> str:
    line = REFERENCE.format(int(reference(shape, index)))
    return line + shape.system if shape.system else line.rstrip("\n")


def context(shape: Shape, index: int) -> list[dict]:
    """The messages before the user's: system prompt and earlier turns."""
    return [{"role": "system", "content": system_prompt(shape, index)}] + history(shape.history_turns)


def request(shape: Shape, index: int) -> dict:
    """Request number `index` of the run, streamed with usage, as the platform sends it."""
    body: dict = {"model": shape.model, "messages": context(shape, index) + [{"role": "user", "content": shape.user}],
                  "max_tokens": shape.max_tokens, "temperature": 0, "stream": True,
                  "stream_options": {"include_usage": True}}
    if shape.tools:
        body["tools"] = list(shape.tools)
        body["tool_choice"] = "auto"
    return body


def input_tokens(shape: Shape, count: Count) -> int:
    """The prompt tokens of one request: every message's text, the tools' JSON, and
    the chat template's few tokens a message (an estimate for the spend cap; the
    server's usage says what it counted)."""
    messages = context(shape, 0) + [{"role": "user", "content": shape.user}]
    text_tokens = sum(count(m["content"]) for m in messages)
    tool_tokens = count(json.dumps(list(shape.tools))) if shape.tools else 0
    return text_tokens + tool_tokens + MESSAGE_OVERHEAD * (len(messages) + 1)
