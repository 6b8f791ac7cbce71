"""Settings from the environment: every flag of a parser gets ``PREFIX_<DEST>``; flags win.

Generic on purpose: a flag added to a parser gets its variable with no code of its own. Each
variable is turned into the command-line words it stands for and parsed by argparse itself, so
types, choices and error messages are the flag's own.
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Callable, Mapping, Sequence

PREFIX = "TRACKING_MOCK_"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_SKIPPED = (argparse._HelpAction, argparse._VersionAction)


class BadVariable(ValueError):
    """An environment variable that does not parse as its flag's value."""


def _options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [
        action
        for action in parser._actions
        if action.option_strings
        and not isinstance(action, _SKIPPED)
        and action.dest != argparse.SUPPRESS
    ]


def variable(action: argparse.Action, prefix: str = PREFIX) -> str:
    """The environment variable of a flag: the prefix and its dest, upper-case."""
    return prefix + action.dest.upper()


def document(parser: argparse.ArgumentParser, prefix: str = PREFIX) -> argparse.ArgumentParser:
    """Name each flag's variable in its ``--help`` text; returns the parser."""
    for action in _options(parser):
        note = f"[env: {variable(action, prefix)}]"
        action.help = f"{action.help} {note}" if action.help else note
    return parser


def _flag_words(action: argparse.Action, text: str) -> list[str]:
    flag = action.option_strings[-1]
    if action.nargs == 0:  # store_true and friends: a boolean word
        word = text.strip().lower()
        if word in _TRUE:
            return [flag]
        if word in _FALSE:
            return []
        raise BadVariable("expected one of 1, true, yes, on, 0, false, no, off")
    if isinstance(action, argparse._AppendAction):
        return [word for item in shlex.split(text) for word in (flag, item)]
    if action.nargs in ("+", "*"):
        return [flag, *shlex.split(text)]
    return [flag, text]


def _given(build: Callable[[], argparse.ArgumentParser], argv: Sequence[str]) -> set[str]:
    """The dests the command line sets (parsed with every default suppressed)."""
    probe = build()
    # --help shows the real defaults, which the probe has suppressed.
    setattr(probe, "format_help", build().format_help)  # noqa: B010 - a bound method, replaced
    for action in probe._actions:
        action.default = argparse.SUPPRESS
    return set(vars(probe.parse_args(list(argv))))


def with_environment(
    build: Callable[[], argparse.ArgumentParser],
    argv: Sequence[str],
    environ: Mapping[str, str],
    prefix: str = PREFIX,
) -> argparse.Namespace:
    """Parse ``argv`` with the parser ``build`` makes, filling flags not given from ``environ``.

    Empty variables count as unset (compose files often declare them empty). A list flag takes
    shell-style words (``"a b.yaml" c.yaml``).
    """
    given = _given(build, argv)
    words: list[str] = []
    for action in _options(build()):
        text = environ.get(variable(action, prefix), "")
        if not text or action.dest in given:
            continue
        try:
            mine = _flag_words(action, text)
            _given(build, mine)  # each variable checked alone, so its error can name it
        except Exception as exc:  # ours, shlex's, or the parser's own error class
            raise BadVariable(f"{variable(action, prefix)}: {exc}") from None
        words.extend(mine)
    return build().parse_args([*words, *argv])
