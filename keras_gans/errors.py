"""Errors raised for input a user can fix; each message names the fix. The command-line tools print
them as one line instead of a stack trace."""


class UsageError(ValueError):
    """Something was asked for that cannot be done as asked (unknown name, bad flag combination)."""
