"""Errors raised for input a user can fix; each message names the fix. The command-line tools print
them as one line instead of a stack trace. Also the checks every entry point shares."""

import math
import numbers
import re


class KerasGansError(Exception):
    """Every error keras_gans raises on purpose; its message is one line saying what to do."""


class UsageError(KerasGansError, ValueError):
    """Something was asked for that cannot be done as asked (unknown name, bad flag combination)."""


# One path component: a model name becomes a folder, a file name and part of a URL.
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def check_name(name, what="name"):
    """``name`` if it is safe as one path component and in a URL, else a `UsageError`."""
    if not isinstance(name, str) or not _SAFE_NAME.fullmatch(name) or ".." in name:
        raise UsageError(
            f"{what} {name!r} is not a safe name: use 1 to 100 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit (no '/', no '..')."
        )
    return name


def check_integer(value, what, minimum=None, maximum=None):
    """``value`` as an int if it is an integer (not a bool or a float) in [``minimum``, ``maximum``]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise UsageError(f"{what} must be an integer, got {value!r}.")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        bounds = (f"be at least {minimum}" if maximum is None
                  else f"lie in [{'-inf' if minimum is None else minimum}, {maximum}]")
        raise UsageError(f"{what} must {bounds}, got {value}.")
    return int(value)


def check_number(value, what, low=None, high=None, low_open=False, high_open=False):
    """``value`` as a float if it is a finite real number in the given range (open where said)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise UsageError(f"{what} must be a finite number, got {value!r}.")
    below = low is not None and (value <= low if low_open else value < low)
    above = high is not None and (value >= high if high_open else value > high)
    if below or above:
        interval = f"{'(' if low_open else '['}{'-inf' if low is None else low}, {'inf' if high is None else high}{')' if high_open or high is None else ']'}"
        raise UsageError(f"{what} must lie in {interval}, got {value}.")
    return float(value)


def first_line(error, limit=200):
    """The first line of an exception's message, for a one-line error that keeps the cause."""
    text = str(error).strip()
    return text.splitlines()[0][:limit] if text else type(error).__name__
