"""The bad-input campaign of issue 17 as numbers: runs every case of tests/test_bad_input.py against
the installed keras_gans and counts how each ends.

    python benchmarks/bad_input_campaign.py [--data_dir=../shared/data/fashion_mnist]

Outcomes: ``clear`` (one line: a keras_gans error from Python, one ``error:`` line from a command,
an InvalidArgument naming the problem from a SavedModel signature), ``traceback`` (any other
exception, a several-line message, or a command's stack trace), ``silent`` (no error: a wrong
result), ``hang`` (no answer within --timeout seconds). Run it on an older checkout (PYTHONPATH) to
count that version; cases calling an API it lacks are ``n/a``.
"""

import collections
import os
import pathlib
import re
import sys
import tempfile
import threading

from absl import app, flags

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))

_DATA_DIR = flags.DEFINE_string("data_dir", "../shared/data/fashion_mnist", "Fashion-MNIST IDX folder.")
_TIMEOUT = flags.DEFINE_float("timeout", 60.0, "Seconds after which a case counts as a hang.")


def _outcome(error, pattern, expected_types, one_line=True):
    """How a call ended. A one-line error of the expected type is clear whatever its wording (the
    tests check the wording); TensorFlow's errors add node names on further lines and an
    InvalidArgument may come from deep inside the graph, so a signature's error is clear when it
    names the problem (``one_line=False``: ``pattern`` must match)."""
    if error is None:
        return "silent"
    if isinstance(error, AttributeError) and "has no attribute" in str(error):
        return "n/a"
    message = str(error).strip()
    if isinstance(error, expected_types) and ("\n" not in message if one_line else re.search(pattern, message)):
        return "clear"
    return "traceback"


def _call_with_timeout(call, timeout):
    """(finished, the exception raised or None); a hung call is left running in a daemon thread."""
    result = {}

    def target():
        try:
            call()
            result["error"] = None
        except BaseException as error:  # noqa: BLE001 - every ending is an outcome here
            result["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    return "error" in result, result.get("error")


def main(argv):
    del argv
    import tensorflow as tf

    from keras_gans import errors

    if not hasattr(errors, "KerasGansError"):  # versions before issue 17 raised UsageError only
        errors.KerasGansError = errors.UsageError
    import test_bad_input as table

    world = table.build_world(tempfile.mkdtemp(), os.path.abspath(_DATA_DIR.value))
    counts = collections.defaultdict(collections.Counter)
    rows = []
    for case_id, call, pattern in table.API_CASES:
        scratch = tempfile.mkdtemp()
        finished, error = _call_with_timeout(lambda: call(world, pathlib.Path(scratch)), _TIMEOUT.value)
        outcome = _outcome(error, pattern, errors.KerasGansError) if finished else "hang"
        rows.append((case_id, outcome))
    for case_id, signature, inputs, pattern in table.SIGNATURE_CASES:
        finished, error = _call_with_timeout(lambda: world["signatures"][signature](**inputs), _TIMEOUT.value)
        outcome = _outcome(error, pattern, tf.errors.InvalidArgumentError, one_line=False) if finished else "hang"
        rows.append((f"signature {case_id}", outcome))
    for case in table.CLI_CASES:
        try:
            returncode, stderr, _ = table.run_cli_case(case, world, tempfile.mkdtemp(), timeout=_TIMEOUT.value)
        except Exception:  # noqa: BLE001 - subprocess.TimeoutExpired
            rows.append((f"command:{case[0]}", "hang"))
            continue
        lines = [line for line in stderr.splitlines() if line.startswith("error:")]
        if returncode == 0:
            outcome = "silent"
        elif "Traceback" not in stderr and len(lines) == 1:
            outcome = "clear"
        else:
            outcome = "traceback"
        rows.append((f"command:{case[0]}", outcome))
    for case_id, outcome in rows:
        counts[case_id.split()[0]][outcome] += 1
        print(f"{outcome:9s} {case_id}")
    kinds = ("clear", "traceback", "silent", "hang", "n/a")
    print("\n| entry point | cases | " + " | ".join(kinds) + " |\n|---|---|" + "---|" * len(kinds))
    for entry, counter in sorted(counts.items()):
        print(f"| {entry} | {sum(counter.values())} | " + " | ".join(str(counter[k]) for k in kinds) + " |")
    total = collections.Counter(outcome for _, outcome in rows)
    print(f"| all | {len(rows)} | " + " | ".join(str(total[k]) for k in kinds) + " |")
    os._exit(0)  # a hung case's thread may still be running


if __name__ == "__main__":
    app.run(main)
