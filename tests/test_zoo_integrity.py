"""Presets from untrusted places: archives downloaded over HTTP (cache, sha256, unsafe or oversized
archives) and preset folders whose files are missing, malformed or disagree with each other."""

import contextlib
import functools
import hashlib
import http.server
import io
import json
import re
import shutil
import tarfile
import threading
import zipfile

import numpy as np
import pytest

from conftest import build_family
from keras_gans import mixture, zoo
from keras_gans.errors import UsageError
from keras_gans.zoo import presets

CLASSES = [f"class {i}" for i in range(10)]


@pytest.fixture(autouse=True)
def keras_home(tmp_path, monkeypatch):
    """The Keras home, and so the preset cache, of each test: never the user's."""
    home = tmp_path / "keras_home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    """A small conditional preset named "first"."""
    generator = build_family("cgan", num_classes=10, width=8).generator
    return presets.save_to_preset(generator, str(tmp_path_factory.mktemp("first") / "first"), name="first",
                                  class_names=CLASSES)


@pytest.fixture(scope="module")
def second(first, tmp_path_factory):
    """The same network as "first" with other weights, named "second"."""
    model = zoo.load(first).keras_model
    model.set_weights([w + 0.5 for w in model.get_weights()])
    return presets.save_to_preset(model, str(tmp_path_factory.mktemp("second") / "second"), name="second",
                                  class_names=CLASSES)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Server:
    """Serves the files published under a folder from 127.0.0.1, to test the real download path."""

    def __init__(self, root):
        self.root = root
        handler = functools.partial(QuietHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def publish(self, path, data):
        (self.root / path).parent.mkdir(parents=True, exist_ok=True)
        (self.root / path).write_bytes(data)
        return f"http://127.0.0.1:{self.httpd.server_port}/{path}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    served = Server(tmp_path_factory.mktemp("served"))
    yield served
    served.httpd.shutdown()
    served.httpd.server_close()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def tar_gz(*folders, members=()):
    """A .tar.gz of preset folders plus extra ``(TarInfo, file object or None)`` members."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as tar:
        for folder in folders:
            tar.add(folder, arcname=folder.rsplit("/", 1)[-1])
        for info, content in members:
            tar.addfile(info, content)
    return buffer.getvalue()


def zip_of(folder, members=()):
    """A .zip of a preset folder plus extra ``(ZipInfo, bytes)`` members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for name in (presets.CONFIG_FILE, presets.WEIGHTS_FILE, presets.METADATA_FILE):
            zipped.write(f"{folder}/{name}", f"preset/{name}")
        for info, content in members:
            zipped.writestr(info, content)
    return buffer.getvalue()


def tar_member(name, kind=tarfile.REGTYPE, size=0, link=""):
    info = tarfile.TarInfo(name)
    info.type, info.size, info.linkname = kind, size, link
    return info


class Zeros(io.RawIOBase):
    """``size`` zero bytes, streamed: a huge member costs no memory."""

    def __init__(self, size):
        self.left = size

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.left)
        buffer[:n] = bytes(n)
        self.left -= n
        return n


def files_under(folder):
    return sorted(str(p) for p in folder.rglob("*") if not p.is_dir()) if folder.exists() else []


@contextlib.contextmanager
def one_line_error(match, error=UsageError):
    with pytest.raises(error, match=match) as caught:
        yield
    assert "\n" not in str(caught.value)


# -- archives -------------------------------------------------------------------------------------


def test_archives_with_the_same_file_name_each_load_their_own_preset(first, second, server, keras_home):
    archive_a, archive_b = tar_gz(first), tar_gz(second)
    a = zoo.load(server.publish("a/preset.tar.gz", archive_a), sha256=sha256(archive_a))
    b = zoo.load(server.publish("b/preset.tar.gz", archive_b), sha256=sha256(archive_b))
    assert (a.name, b.name) == ("first", "second")
    np.testing.assert_allclose(b.keras_model.get_weights()[0], a.keras_model.get_weights()[0] + 0.5, atol=1e-6)
    assert sorted(p.name for p in (keras_home / "keras_gans" / "presets").iterdir()) == sorted(
        [sha256(archive_a), sha256(archive_b)])


def test_a_cached_zip_preset_is_reused_without_downloading_again(first, server):
    archive = zip_of(first)
    url = server.publish("reuse/preset.zip", archive)
    assert zoo.load(url, sha256=sha256(archive)).name == "first"
    (server.root / "reuse" / "preset.zip").unlink()
    assert zoo.load(url, sha256=sha256(archive)).name == "first"
    assert zoo.info(url, sha256=sha256(archive))["name"] == "first"


def test_a_download_with_the_wrong_sha256_is_refused_and_deleted(first, server, keras_home):
    archive = tar_gz(first)
    url = server.publish("wrong_sha/preset.tar.gz", archive)
    with one_line_error(f"{url} has sha256 {sha256(archive)}, not 0+: the download was deleted",
                        zoo.CorruptWeightsError):
        zoo.load(url, sha256="0" * 64)
    assert files_under(keras_home) == []
    with one_line_error("is not a sha256"):
        zoo.load(url, sha256="../../escape")


def test_a_truncated_archive_is_refused_and_leaves_nothing_in_the_cache(first, server, keras_home):
    archive = tar_gz(first)
    truncated = archive[: len(archive) // 2]
    with one_line_error("is not a complete .tar.gz or .zip archive"):
        zoo.load(server.publish("truncated/preset.tar.gz", truncated), sha256=sha256(truncated))
    assert files_under(keras_home) == []


@pytest.mark.parametrize("padding, bound", [(200 << 20, None), (4 << 20, 2 << 20)], ids=["200MiB", "bound"])
def test_an_archive_unpacking_to_more_than_the_bound_is_refused(first, server, keras_home, monkeypatch, padding,
                                                                 bound):
    if bound:
        monkeypatch.setattr(presets, "MAX_ARCHIVE_BYTES", bound)
    copies, copy_at_most = [], presets._copy_at_most  # every copy: the download's, then each member's
    monkeypatch.setattr(presets, "_copy_at_most", lambda *args: copies.append(copy_at_most(*args)) or copies[-1])
    archive = tar_gz(first, members=[(tar_member("first/padding.bin", size=padding), Zeros(padding))])
    url = server.publish(f"large_{padding}/preset.tar.gz", archive)
    with one_line_error("is refused: it unpacks to more than"):
        zoo.load(url, sha256=sha256(archive))
    assert copies == [len(archive)], "refused from the declared sizes: the download is all that was written"
    assert files_under(keras_home) == []


@pytest.mark.parametrize("count", [2, 0])
def test_an_archive_must_hold_exactly_one_preset(first, second, server, count):
    archive = tar_gz(*[first, second][:count], members=[(tar_member("README"), None)])
    with one_line_error(f"holds {count} presets"):
        zoo.load(server.publish(f"count_{count}/preset.tar.gz", archive), sha256=sha256(archive))


def symlink_in_zip():
    info = zipfile.ZipInfo("preset/link")
    info.external_attr = 0o120777 << 16
    return zip_of, (info, "/etc/passwd")


UNSAFE_MEMBERS = {  # "evil*" files, which would land under tmp_path (six levels up from the scratch folder)
    "dotdot": lambda root: (tar_gz, (tar_member("first/../../../../../../evil.txt", size=4), io.BytesIO(b"evil"))),
    "absolute": lambda root: (tar_gz, (tar_member(f"{root}/evil.txt", size=4), io.BytesIO(b"evil"))),
    "symlink": lambda root: (tar_gz, (tar_member("first/evil", tarfile.SYMTYPE, link="/etc/passwd"), None)),
    "hardlink": lambda root: (tar_gz, (tar_member("first/evil", tarfile.LNKTYPE, link="first/config.json"), None)),
    "fifo": lambda root: (tar_gz, (tar_member("first/evil", tarfile.FIFOTYPE), None)),
    "device": lambda root: (tar_gz, (tar_member("first/evil", tarfile.CHRTYPE), None)),
    "zip_dotdot": lambda root: (zip_of, (zipfile.ZipInfo("../evil.txt"), "evil")),
    "zip_symlink": lambda root: symlink_in_zip(),
}


@pytest.mark.parametrize("case", UNSAFE_MEMBERS)
def test_unsafe_archive_members_are_refused_and_nothing_is_written(first, server, keras_home, tmp_path, case):
    pack, member = UNSAFE_MEMBERS[case](tmp_path)
    archive = pack(first, members=[member])
    with one_line_error("is refused: its member .* (points outside the preset folder|is a (link|special file))"):
        zoo.load(server.publish(f"unsafe_{case}/preset", archive), sha256=sha256(archive))
    assert files_under(keras_home) == [] and not list(tmp_path.rglob("evil*"))


# -- preset folders -------------------------------------------------------------------------------


def edit_card(folder, **changes):
    path = f"{folder}/{presets.METADATA_FILE}"
    with open(path) as f:
        card = json.load(f)
    card.update(changes)
    with open(path, "w") as f:
        json.dump({k: v for k, v in card.items() if v is not None}, f)


def write(folder, name, content, rehash=False):
    with open(f"{folder}/{name}", "wb") as f:
        f.write(content)
    if rehash:  # the card vouches for the new weights: what is tested is what Keras makes of them
        edit_card(folder, weights_sha256=presets.sha256_of(f"{folder}/{presets.WEIGHTS_FILE}"))


@pytest.fixture
def copy(first, tmp_path):
    return shutil.copytree(first, tmp_path / "copy")


def test_a_card_without_weights_sha256_loads_only_with_verify_false(copy):
    edit_card(copy, weights_sha256=None)
    with one_line_error(f"{copy}/metadata.json has no weights_sha256, so .* pass verify=False"):
        zoo.load(str(copy))
    assert zoo.load(str(copy), verify=False).name == "first"


def test_the_sha256_given_for_a_folder_is_checked(copy):
    with one_line_error(f"{copy}/model.weights.h5 is corrupt: .* sha256= says 0+", zoo.CorruptWeightsError):
        zoo.load(str(copy), sha256="0" * 64)
    assert zoo.load(str(copy), sha256=presets.sha256_of(copy / "model.weights.h5")).name == "first"


def weights_of_half_length(folder):
    with open(f"{folder}/{presets.WEIGHTS_FILE}", "rb") as f:
        content = f.read()
    write(folder, presets.WEIGHTS_FILE, content[: len(content) // 2], rehash=True)


LAMBDA_CONFIG = {"class_name": "Lambda", "module": "keras.layers",
                 "config": {"function": {"class_name": "__lambda__", "config": {"code": "x"}}}}
BROKEN_PRESETS = {
    "config_not_json": (lambda d: write(d, "config.json", b"{not json"), "config.json is not valid JSON"),
    "config_a_list": (lambda d: write(d, "config.json", b"[1, 2]"), "config.json holds a JSON list, not an object"),
    "config_unknown_class": (
        lambda d: write(d, "config.json", json.dumps({"class_name": "NoSuchLayer", "config": {}}).encode()),
        "config.json is not a Keras model config Keras can build",
    ),
    "config_a_lambda": (lambda d: write(d, "config.json", json.dumps(LAMBDA_CONFIG).encode()),
                        "config.json is not a Keras model config Keras can build"),
    "config_a_layer": (
        lambda d: write(d, "config.json", json.dumps({"class_name": "Dense", "module": "keras.layers",
                                                      "config": {"units": 2}}).encode()),
        "config.json does not describe a Keras network",
    ),
    "config_missing": (lambda d: (d / "config.json").unlink(), "config.json is missing"),
    "card_not_json": (lambda d: write(d, "metadata.json", b"\xff\xfe"), "metadata.json is not valid JSON"),
    "card_a_string": (lambda d: write(d, "metadata.json", b'"card"'), "metadata.json holds a JSON str"),
    "card_missing": (lambda d: (d / "metadata.json").unlink(), "metadata.json is missing"),
    "weights_missing": (lambda d: (d / "model.weights.h5").unlink(), "model.weights.h5 is missing"),
    "weights_not_hdf5": (lambda d: write(d, "model.weights.h5", b"not hdf5" * 100, rehash=True),
                         "model.weights.h5 does not load into the network of .*config.json"),
    "weights_truncated": (weights_of_half_length, "model.weights.h5 does not load"),
    "num_classes_vs_embedding": (lambda d: edit_card(d, num_classes=12, class_names=CLASSES + ["x", "y"]),
                                 "metadata.json says num_classes=12 but .* label embedding takes 10 classes"),
    "num_classes_vs_class_names": (lambda d: edit_card(d, num_classes=10, class_names=CLASSES[:9]),
                                   "metadata.json says num_classes=10 but lists 9 class_names"),
    "num_classes_not_an_integer": (lambda d: edit_card(d, num_classes="ten"),
                                   "metadata.json: num_classes must be an integer"),
}


@pytest.mark.parametrize("case", BROKEN_PRESETS)
def test_a_broken_preset_is_a_one_line_error_naming_the_file(copy, case):
    breaks, message = BROKEN_PRESETS[case]
    breaks(copy)
    with one_line_error(re.escape(f"{copy}/") + message):
        presets.load(str(copy))  # zoo.load would take a folder without metadata.json for a training run


def test_num_classes_is_checked_against_the_embeddings_of_a_mixtures_components(first, tmp_path):
    parts = [zoo.load(first).keras_model for _ in range(2)]
    folder = presets.save_to_preset(mixture.build_mixture(parts), str(tmp_path / "mix"), class_names=CLASSES)
    assert zoo.load(folder).num_classes == 10
    edit_card(folder, num_classes=12, class_names=None)
    with one_line_error("says num_classes=12 but .* label embedding takes 10 classes"):
        zoo.load(folder)
