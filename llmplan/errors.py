"""The few error types llmplan raises, and the one map from outcome to exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Documented exit codes (README, "Exit codes"). Scripts may rely on them."""

    OK = 0
    NO_MATCH = 1  # the command worked, but nothing matched (like grep)
    USAGE = 2  # a bad flag, argument or value
    CATALOG = 3  # a catalog file is missing, unreadable or invalid
    INPUT = 4  # another file the user named is missing, unreadable or invalid
    OVER_BUDGET = 5  # estimate/recommend: the plan costs more than --budget
    NO_ANSWER = 6  # fallback: no model answers within the attempts
    DIFFERENT = 7  # catalog diff/check: the catalogs disagree
    BILL_GAP = 8  # calls: a billed price disagrees with the catalog beyond --tolerance
    # test-endpoint: the first failing check decides
    CONNECT = 10  # DNS, connection refused, TLS
    AUTH = 11  # 401/403: the key was refused
    REJECTED = 12  # 400/404/422: model not found or request rejected
    RATE_LIMITED = 13  # 429 after every retry
    SERVER = 14  # 5xx after every retry
    PROTOCOL = 15  # bad JSON, broken SSE, empty choices, body over the cap
    TIMEOUT = 16  # connect, read or whole-call deadline
    CAPABILITY = 17  # reachable, but a selected capability is missing
    SLO_MISSED = 18  # test-endpoint load run: a --slo objective was missed
    INTERNAL = 70  # a bug in llmplan
    INTERRUPTED = 130  # Ctrl-C


def shown(value, most: int = 60) -> str:
    """repr(value) for a message, cut to a readable length. Bounded however big or
    self-similar the value is (a 5 MB string, a YAML alias bomb): reprlib stops early."""
    import reprlib

    limits = reprlib.Repr()
    limits.maxstring = limits.maxother = most
    limits.maxlist = limits.maxtuple = limits.maxdict = limits.maxset = 4
    limits.maxlevel = 2
    text = limits.repr(value)
    return text if len(text) <= most + 10 else text[:most] + "…"


class LlmplanError(Exception):
    """An error the user can act on; its message is printed as one line."""

    exit_code = ExitCode.INTERNAL

    def __init__(self, message: str, exit_code: ExitCode | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code

    @property
    def message(self) -> str:
        return str(self)


class UsageError(LlmplanError):
    """A flag, argument or value that cannot be used."""

    exit_code = ExitCode.USAGE


class CatalogError(LlmplanError):
    """A catalog that is missing, unreadable or breaks the schema."""

    exit_code = ExitCode.CATALOG

    def __init__(self, message: str, path: tuple = (), source: str | None = None):
        super().__init__(message)
        self.path = path  # where in the YAML document, for locating the line
        self.source = source  # the catalog file, once known


class InputError(LlmplanError):
    """Another file the user named (scenario, prompt, knowledge base) cannot be used."""

    exit_code = ExitCode.INPUT


class Outcome(LlmplanError):
    """Not a failure of llmplan: a result scripts must see in the exit code
    (no match, over budget, no answer, catalogs differ). The output was already
    printed; the message, if any, is a one-line note for stderr."""
