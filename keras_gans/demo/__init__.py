"""A local demo page for the zoo's entries: ``python -m keras_gans.demo`` (see ``__main__``).

The page (``page/``: one HTML file, a script and a stylesheet, nothing fetched from the network)
talks to a small JSON and PNG API that `DemoApp` answers and the standard library's threading HTTP
server carries:

  GET  /api/entries                  the entries on offer and the one to open first
  GET  /api/entry?model=M            what M is (generator or translator), its controls, its card
  GET  /api/sample.png?model=M&seed=S&n=N[&label=L][&truncation=T][&category=K][&continuous=c1,c2]
  GET  /api/walk.png?model=M&seed=S&seed_b=S2&steps=K[&label=L]     a latent walk, one strip
  GET  /api/mix.png?model=M&seed=S&seed_b=S2[&truncation=T]         StyleGAN's style mixing
  POST /api/translate.png?model=M&direction=D[&name=FILE]          body: an image file

Every PNG is what `keras_gans.images.png_bytes` writes (the "synthetic" text chunks of
`save_png`, plus the inputs that made it), and the page's download button hands out those bytes.
A request the demo cannot serve gets status 400 and ``{"error": "<one line naming the fix>"}``,
which the page shows; the server goes on serving.
"""

import html
import http.server
import io
import json
import re
import threading
import traceback
import urllib.parse

import numpy as np

from keras_gans import zoo
from keras_gans.errors import KerasGansError, UsageError, check_integer, check_number, first_line
from keras_gans.images import grid, png_bytes
from keras_gans.translating import direction_domains, fit_to_side, read_image

PAGE_FILES = {"/": ("index.html", "text/html; charset=utf-8"),
              "/demo.js": ("demo.js", "text/javascript; charset=utf-8"),
              "/demo.css": ("demo.css", "text/css; charset=utf-8")}
# Bounds on one request, so a careless one cannot take the server's memory or minutes.
MAX_SAMPLES = 64
MAX_WALK_STEPS = 16
MAX_UPLOAD_BYTES = 20 * 2**20
MAX_UPLOAD_PIXELS = 4096 * 4096
_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]")
# Families whose card offers truncation, and where it acts (`keras_gans.sampling.Sampler`).
TRUNCATION_FAMILIES = {"biggan": "z", "stylegan": "w"}


class NotFound(Exception):
    """A path the demo does not serve."""


def _page_file(name):
    from importlib import resources

    return resources.files(__package__).joinpath("page", name).read_bytes()


def _integer(query, name, default=None, minimum=None, maximum=None):
    text = query.get(name, "")
    if text == "":
        if default is None:
            raise UsageError(f"{name} is missing: give an integer.")
        return default
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{name} must be an integer, got {text!r}.") from None
    return check_integer(value, name, minimum, maximum)


def _number(query, name):
    text = query.get(name, "")
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{name} must be a number, got {text!r}.") from None
    return check_number(value, name)


def card_html(card):
    """The entry's model card as HTML: `keras_gans.zoo.publish.model_card` of its metadata, images
    left out (the page shows live samples), raw HTML disabled (a preset's card is text, not markup);
    rendered with the `markdown` package (``keras_gans[demo]``) when it is installed, else shown as text."""
    from keras_gans.zoo import publish

    try:
        text = publish.model_card(card)
    except KeyError:  # a preset or a run that was never published: no measured card
        text = f"# {card.get('name', 'model')}\n\n{card.get('description', '')}\n\nNot published: no measured card.\n\n{card.get('note', '')}"
    text = "\n".join(line for line in text.splitlines() if not line.startswith("!["))
    try:
        import markdown
    except ImportError:
        return f"<pre>{html.escape(text)}</pre>"
    return markdown.markdown(text.replace("<", "&lt;"), extensions=["tables", "fenced_code"])


class DemoApp:
    """Answers the page's requests for the entries ``references`` (zoo names, preset folders, ...),
    loading each on first use; ``initial`` opens first. One lock serialises the networks, so the
    memory stays that of one request."""

    def __init__(self, references, initial=None):
        self.references = list(dict.fromkeys(references))
        if not self.references:
            raise UsageError("The demo has no model to show: the zoo is empty; pass --model=PRESET_FOLDER.")
        self.initial = initial or self.references[0]
        self._models = {}
        self._lock = threading.Lock()

    def model(self, reference):
        if reference not in self.references:
            raise UsageError(f"Unknown model {reference!r}. This demo offers: {', '.join(self.references)}.")
        with self._lock:
            if reference not in self._models:
                self._models[reference] = zoo.load(reference)
            return self._models[reference]

    def handle(self, method, path, query, body=b""):
        """``(content_type, bytes, filename or None)`` of one request; `UsageError` for a bad one."""
        if method == "GET" and path in PAGE_FILES:
            name, content_type = PAGE_FILES[path]
            return content_type, _page_file(name), None
        routes = {("GET", "/api/entries"): self.entries, ("GET", "/api/entry"): self.entry,
                  ("GET", "/api/sample.png"): self.sample, ("GET", "/api/walk.png"): self.walk,
                  ("GET", "/api/mix.png"): self.mix, ("POST", "/api/translate.png"): self.translate}
        if (method, path) not in routes:
            raise NotFound(f"No {method} {path} here; the page is at /.")
        if path.endswith(".png"):
            model = self.model(query.get("model", ""))
            with self._lock:
                image, text, filename = routes[method, path](model, query, body) if method == "POST" else \
                    routes[method, path](model, query)
            return "image/png", png_bytes(image, Model=model.name, Source="keras_gans.demo", **text), filename
        return "application/json", json.dumps(routes[method, path](query)).encode(), None

    def entries(self, query):
        return {"entries": self.references, "initial": self.initial, "max_upload_bytes": MAX_UPLOAD_BYTES}

    def entry(self, query):
        reference = query.get("model", "")
        model = self.model(reference)
        card = model.metadata
        about = {"name": reference, "title": model.name, "description": card.get("description", ""),
                 "image_shape": list(model.image_shape), "card_html": card_html(card)}
        if isinstance(model, zoo.Translator):
            names = card.get("domain_names", ("A", "B"))
            return {**about, "kind": "translator", "directions": [
                {"value": d, "label": " -> ".join(direction_domains(d, names))} for d in model.directions]}
        truncation = "w" if model.styles else TRUNCATION_FAMILIES.get(card.get("family"))
        return {**about, "kind": "generator", "class_names": list(model.class_names) or
                [str(k) for k in range(model.num_classes)], "truncation": truncation,
                "latent_codes": model.latent_codes, "style_mixing": bool(model.styles)}

    def _label(self, model, query):
        if not model.num_classes:
            if query.get("label", "") != "":
                raise UsageError(f"{model.name} is unconditional: it takes no label.")
            return None
        return None if query.get("label", "") == "" else _integer(query, "label")

    def _truncation(self, model, query):
        truncation = _number(query, "truncation")
        if truncation is not None and not (model.styles or TRUNCATION_FAMILIES.get(model.metadata.get("family"))):
            raise UsageError(f"{model.name} takes no truncation (BigGAN and StyleGAN entries do).")
        return truncation

    def _codes(self, model, query):
        if not model.latent_codes:
            return None
        codes = {}
        if query.get("category", "") != "":
            codes["category"] = _integer(query, "category")
        if query.get("continuous", "") != "":
            try:
                codes["continuous"] = [float(v) for v in query["continuous"].split(",")]
            except ValueError:
                raise UsageError(f"continuous must be numbers separated by commas, got {query['continuous']!r}.") from None
        return codes or None

    def sample(self, model, query):
        seed, n = _integer(query, "seed", 0, 0, 2**31 - 1), _integer(query, "n", 16, 1, MAX_SAMPLES)
        label, truncation, codes = self._label(model, query), self._truncation(model, query), self._codes(model, query)
        images = model.sample(n, labels=label, seed=seed, truncation=truncation, codes=codes)
        text = {"Seed": seed, "Labels": "cycling through the classes" if label is None and model.num_classes
                else ("none" if label is None else label)}
        if truncation is not None:
            text["Truncation"] = truncation
        if codes:
            text["Codes"] = json.dumps(codes)
        return grid(images, rows=int(np.ceil(np.sqrt(n)))), text, f"{model.name}_seed{seed}.png"

    def walk(self, model, query):
        seed = _integer(query, "seed", 0, 0, 2**31 - 1)
        seed_b = _integer(query, "seed_b", seed + 1, 0, 2**31 - 1)
        steps = _integer(query, "steps", 8, 2, MAX_WALK_STEPS)
        label = self._label(model, query)
        if label is None and model.num_classes:
            label = 0  # a walk keeps one class: the first unless one is chosen
        images = model.interpolate(seed, seed_b, steps, label=label)
        text = {"Walk": f"seed {seed} to seed {seed_b}, {steps} steps", **({} if label is None else {"Labels": label})}
        return grid(images, rows=1), text, f"{model.name}_walk{seed}-{seed_b}.png"

    def mix(self, model, query):
        seed = _integer(query, "seed", 0, 0, 2**31 - 1)
        seed_b = _integer(query, "seed_b", seed + 1, 0, 2**31 - 1)
        truncation = self._truncation(model, query)
        mixed = model.mix_styles(seed, seed_b, truncation=truncation)
        ends = [model.mix_styles(seed, seed, [1], truncation), model.mix_styles(seed_b, seed_b, [1], truncation)]
        text = {"Style mixing": f"seed {seed} (coarse) with seed {seed_b} (fine), every crossover",
                **({} if truncation is None else {"Truncation": truncation})}
        return grid(np.concatenate([ends[0], mixed, ends[1]]), rows=1), text, f"{model.name}_mix{seed}-{seed_b}.png"

    def translate(self, model, query, body):
        if not isinstance(model, zoo.Translator):
            raise UsageError(f"{model.name} generates from noise; upload pictures to an image-to-image entry.")
        direction = query.get("direction") or model.directions[0]
        model.check_direction(direction)  # before reading the upload: the cheaper line first
        name = query.get("name") or "the upload"
        if not body:
            raise UsageError("The upload is empty: choose a PNG or JPEG picture.")
        picture = fit_to_side(read_image(io.BytesIO(body), model.image_shape[-1], name, MAX_UPLOAD_PIXELS),
                              model.image_shape[0])
        output = model.translate(picture[None], direction)[0]
        return grid(np.stack([picture, output]), rows=1), {"Input": name, "Direction": direction}, \
            f"{model.name}_{direction}.png"


class _Handler(http.server.BaseHTTPRequestHandler):
    server_version = "keras_gans-demo"
    timeout = 60  # seconds a connection may stall (a body shorter than its Content-Length)

    def do_GET(self):  # noqa: N802 - the standard library's name
        self._respond("GET", b"")

    def do_POST(self):  # noqa: N802
        length = self.headers.get("Content-Length", "")
        if not (length.isascii() and length.isdigit()):
            return self._send_error(411, "The upload needs a Content-Length header.")
        if int(length) > MAX_UPLOAD_BYTES:
            self.close_connection = True  # its body stays unread
            return self._send_error(413, f"The upload is {int(length):,} bytes; the demo takes at most "
                                         f"{MAX_UPLOAD_BYTES:,}: scale the picture down first.")
        self._respond("POST", self.rfile.read(int(length)))

    def _respond(self, method, body):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        try:
            content_type, content, filename = self.server.app.handle(method, url.path, query, body)
        except NotFound as error:
            return self._send_error(404, str(error))
        except (KerasGansError, ValueError) as error:
            return self._send_error(400, first_line(error))
        except Exception as error:  # the server keeps serving; the page shows the line
            self.log_error("%s %s failed:\n%s", method, self.path, traceback.format_exc())
            return self._send_error(500, f"The demo failed on this request ({type(error).__name__}: {first_line(error)}).")
        headers = {"Content-Disposition": f'inline; filename="{_SAFE_FILENAME.sub("_", filename)}"'} if filename else {}
        self._send(200, content_type, content, headers)

    def _send_error(self, status, message):
        self._send(status, "application/json", json.dumps({"error": message}).encode())

    def _send(self, status, content_type, content, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(content)))
        self.send_header("Cache-Control", "no-store")
        # The page and its cards load nothing from elsewhere: a card's text cannot reach the network.
        self.send_header("Content-Security-Policy", "default-src 'self'; img-src 'self' blob: data:")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format, *args):  # noqa: A002 - the standard library's signature
        if self.server.verbose:
            super().log_message(format, *args)

    def log_error(self, format, *args):  # noqa: A002 - failures are printed with or without --verbose
        super().log_message(format, *args)


def make_server(app, host="127.0.0.1", port=0, verbose=False):
    """A threading HTTP server for ``app`` on ``host:port`` (port 0: a free one), not yet serving."""
    server = http.server.ThreadingHTTPServer((host, port), _Handler)
    server.app, server.verbose = app, verbose
    return server
