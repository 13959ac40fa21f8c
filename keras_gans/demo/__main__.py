"""Serve the demo page of the zoo's entries on this machine:

    python -m keras_gans.demo                          # every zoo entry; http://127.0.0.1:8000/
    python -m keras_gans.demo --model=cgan_fashion     # open one entry first
    python -m keras_gans.demo --model=runs/my_preset   # a preset folder (or .keras file, or logdir) too

It binds to 127.0.0.1 only, unless ``--host`` names another address (``--host=0.0.0.0`` shows it
to the network: the page has no login). Ctrl+C stops it.
"""

import sys

from absl import app, flags

from keras_gans import zoo
from keras_gans.demo import DemoApp, make_server
from keras_gans.errors import KerasGansError, UsageError, check_integer


def define_flags():
    flags.DEFINE_string("model", None, "Zoo name, preset folder, .keras file or training logdir to open "
                        "first (default: the first zoo entry); the page offers every zoo entry besides.")
    flags.DEFINE_string("host", "127.0.0.1", "Address to bind; only 127.0.0.1 (this machine) unless you say otherwise.")
    flags.DEFINE_integer("port", 8000, "Port to listen on (0: a free one).")
    flags.DEFINE_bool("verbose", False, "Log every request.")


def main(argv):
    del argv
    f = flags.FLAGS
    try:
        if not 0 <= check_integer(f.port, "--port", minimum=0) <= 65535:
            raise UsageError(f"--port must lie in [0, 65535], got {f.port}.")
        references = zoo.list() + ([f.model] if f.model and f.model not in zoo.list() else [])
        demo = DemoApp(references, initial=f.model)
        if f.model:
            demo.model(f.model)  # a bad --model is one line now, not a message on the page later
    except KerasGansError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    try:
        server = make_server(demo, f.host, f.port, f.verbose)
    except OSError as error:
        print(f"error: cannot listen on {f.host}:{f.port} ({error.strerror or error}); pass another --port "
              "(0 picks a free one).", file=sys.stderr)
        return 1
    host, port = server.server_address[:2]
    print(f"keras_gans demo of {', '.join(demo.references)} on http://{host}:{port}/ (Ctrl+C stops it)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    define_flags()
    sys.exit(app.run(main))
