"""TwiML documents of a run: the request limit, the inline-TwiML URL and loop messages.

A call fetches documents one after the other (voice URL, ``<Redirect>``, ``<Record
action>``, ``<Dial action>``); more than :data:`MAX_DOCUMENT_REQUESTS` in one call is a
loop, refused before the run when certain (:mod:`recsim.sim.checks`) or stopped during
it (:meth:`recsim.sim.kernel.Kernel.fetch`), with the same message.
"""

from __future__ import annotations

from recsim.twiml import Document

__all__ = ["EMPTY_DOCUMENT", "MAX_DOCUMENT_REQUESTS", "inline_url", "loop_message", "run_loop_message"]

#: TwiML documents one call may fetch before recsim stops it as a loop.
MAX_DOCUMENT_REQUESTS = 100
#: What a URL with no ``apps`` entry answers: an empty ``<Response/>`` (the call ends).
EMPTY_DOCUMENT = Document(url="", verbs=())

#: Element named in a loop message per request reason (Kernel.fetch's ``reason``).
_ELEMENTS = {"redirect": "<Redirect>", "record-action": "<Record action>", "dial-action": "<Dial action>",
             "voice": "voice URL"}
_LOOP_HINT = "; a <Record> without action re-requests its own document: give it an action URL"


def inline_url(index: int) -> str:
    """The URL by which call ``index``'s inline ``twiml`` is requested and named."""
    return f"https://recsim.local/calls/{index}/twiml"


def loop_message(history: list[tuple[str, str]], limit: int) -> str:
    """Which documents loop: ``<Redirect> loop: /a -> /b -> /a: more than N ...``.

    Parameters
    ----------
    history : list of (str, str)
        The TwiML requests of one call in order: (document URL, reason: voice, redirect,
        record-action, dial-action), the last one the request over the limit.
    limit : int
        The number of requests allowed.
    """
    last = history[-1][0]
    earlier = [k for k, (url, _) in enumerate(history[:-1]) if url == last]
    cycle = history[earlier[-1]:] if earlier else history
    elements = "/".join(dict.fromkeys(_ELEMENTS.get(r, r) for _, r in cycle[1:])) or "TwiML"
    kind = "loop" if earlier else "chain"
    return (f"{elements} {kind}: {' -> '.join(u for u, _ in cycle)}: more than {limit} TwiML requests "
            "without the call ending (each document requests the next and none hangs up: end one with "
            "<Hangup/>, or without requesting another document)")


def run_loop_message(history: list[tuple[str, str]]) -> str:
    """The run-time loop message (:func:`loop_message` with :data:`MAX_DOCUMENT_REQUESTS`),
    with a hint when the last request is a ``<Record>`` re-requesting its own document."""
    text = loop_message(history, MAX_DOCUMENT_REQUESTS)
    (url, reason), prev = history[-1], history[-2][0] if len(history) > 1 else None
    return text + (_LOOP_HINT if reason == "record-action" and url == prev else "")
