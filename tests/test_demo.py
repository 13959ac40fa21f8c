"""The demo page (`keras_gans.demo`): its API for every shipped entry, bad requests answered in one
line while the server keeps serving, the command line, and the page itself driven through a real
headless Chromium (Debian's ``chromium`` and ``chromium-driver``; `.ci/run` installs them and sets
KERAS_GANS_BROWSER_TESTS=required, so there a missing browser fails rather than skips)."""

import base64
import http.client
import io
import json
import os
import re
import select
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import numpy as np
import pytest
from PIL import Image

from keras_gans import demo, zoo
from keras_gans.images import grid

ENTRIES = zoo.list()


@pytest.fixture(scope="module")
def server():
    app = demo.DemoApp(ENTRIES)
    httpd = demo.make_server(app)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def request(base, path, query=None, body=None, headers=None):
    """(status, headers, bytes) of one request; errors are answers too."""
    url = f"{base}{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers or {}), timeout=120) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def png_pixels(content):
    image = Image.open(io.BytesIO(content))
    return np.asarray(image.convert("RGB")), image.text


def rgb(images):
    images = np.asarray(images)
    return np.repeat(images, 3, axis=-1) if images.shape[-1] == 1 else images


def facade_label_map(shared_data, folder):
    path = folder / "label_map.png"
    Image.fromarray(np.asarray(Image.open(shared_data / "facades" / "test" / "1.jpg"))[:, 256:]).save(path)
    return path


def test_the_server_binds_to_this_machine_unless_told_otherwise():
    httpd = demo.make_server(demo.DemoApp(["dcgan_mnist"]))
    try:
        assert httpd.server_address[0] == "127.0.0.1"
    finally:
        httpd.server_close()


def test_a_card_cannot_carry_markup_or_images_onto_the_page():
    card = {"name": "odd", "description": "<script>alert(1)</script> made by *hand*",
            "note": "![tracker](http://elsewhere.example/pixel.png)\nSynthetic."}
    rendered = demo.card_html(card)
    assert "<script" not in rendered and "&lt;script&gt;" in rendered and "<em>hand</em>" in rendered
    assert "elsewhere.example" not in rendered and "Not published: no measured card." in rendered


@pytest.mark.parametrize("name", ENTRIES)
def test_every_entry_is_served_as_the_zoo_samples_it(server, name, shared_data, tmp_path):
    status, _, content = request(server, "/api/entry", {"model": name})
    assert status == 200
    entry = json.loads(content)
    model = zoo.load(name)
    assert entry["kind"] == ("translator" if isinstance(model, zoo.Translator) else "generator")
    assert "synthetic" in entry["card_html"] and "<table>" in entry["card_html"]
    if entry["kind"] == "generator":
        query = {"model": name, "seed": 7, "n": 9}
        if model.num_classes:
            query["label"] = 1
        status, headers, content = request(server, "/api/sample.png", query)
        assert status == 200 and headers["Content-Type"] == "image/png"
        pixels, text = png_pixels(content)
        expected = grid(model.sample(9, labels=query.get("label"), seed=7), rows=3)
        np.testing.assert_array_equal(pixels, rgb(expected))
        assert text["Model"] == name and text["Seed"] == "7" and "Synthetic" in text["Description"]
        status, _, content = request(server, "/api/walk.png", {"model": name, "seed": 7, "seed_b": 8, "steps": 4})
        assert status == 200
        np.testing.assert_array_equal(png_pixels(content)[0], rgb(grid(model.interpolate(7, 8, 4, label=0 if model.num_classes else None), rows=1)))
    else:
        picture = facade_label_map(shared_data, tmp_path)
        for direction in entry["directions"]:
            status, _, content = request(server, "/api/translate.png", {"model": name, "direction": direction["value"], "name": "map.png"},
                                         body=picture.read_bytes(), headers={"Content-Type": "image/png"})
            assert status == 200
            pixels, text = png_pixels(content)
            side = model.image_shape[0]
            np.testing.assert_array_equal(pixels[:, side + 1:], model.translate(str(picture), direction["value"])[0])
            assert text["Input"] == "map.png" and text["Direction"] == direction["value"]


@pytest.mark.skipif("cgan_fashion" not in ENTRIES, reason="cgan_fashion is not shipped")
def test_bad_requests_get_one_line_and_the_server_keeps_serving(server, tmp_path):
    huge = io.BytesIO()
    Image.new("L", (5000, 4000)).save(huge, format="PNG")
    generator = next(name for name in ENTRIES if not isinstance(zoo.load(name), zoo.Translator))
    translator = next((name for name in ENTRIES if isinstance(zoo.load(name), zoo.Translator)), None)
    cases = [
        ("/api/sample.png", {"model": "no_such_entry"}, None, 400, "Unknown model 'no_such_entry'. This demo offers: "),
        ("/api/sample.png", {"model": "cgan_fashion", "label": 10}, None, 400, "label 10 is outside [0, 10)"),
        ("/api/sample.png", {"model": "cgan_fashion", "seed": "x"}, None, 400, "seed must be an integer, got 'x'"),
        ("/api/sample.png", {"model": "cgan_fashion", "n": 1000}, None, 400, "n must lie in [1, 64], got 1000"),
        ("/api/sample.png", {"model": generator, "truncation": 0.5}, None, 400, "takes no truncation"),
        ("/api/translate.png", {"model": generator}, b"x", 400, "upload pictures to an image-to-image entry"),
        ("/api/nothing", None, None, 404, "No GET /api/nothing here"),
    ]
    if translator:
        cases += [
            ("/api/translate.png", {"model": translator, "name": "notes.txt"}, b"not a picture", 400,
             "notes.txt cannot be read as an image (no image format PIL knows); pass a PNG or JPEG file."),
            ("/api/translate.png", {"model": translator, "name": "big.png"}, huge.getvalue(), 400,
             "big.png is 5000 x 4000 pixels; at most 16,777,216 are taken: scale it down first."),
            ("/api/translate.png", {"model": translator}, b"", 400, "The upload is empty"),
            ("/api/translate.png", {"model": translator, "direction": "sideways"}, b"x", 400, "translates a_to_b"),
        ]
    for path, query, body, status, message in cases:
        answer = request(server, path, query, body)
        assert answer[0] == status, (path, query, answer)
        error = json.loads(answer[2])["error"]
        assert message in error and "\n" not in error
        assert request(server, "/api/sample.png", {"model": "dcgan_mnist", "n": 1})[0] == 200
    # An upload over the size limit is refused from its header, before its body is read.
    connection = http.client.HTTPConnection(*urllib.parse.urlsplit(server).netloc.split(":"), timeout=60)
    connection.putrequest("POST", "/api/translate.png?model=dcgan_mnist")
    connection.putheader("Content-Length", str(demo.MAX_UPLOAD_BYTES + 1))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413 and "scale the picture down first" in json.loads(response.read())["error"]
    connection.close()
    assert request(server, "/api/sample.png", {"model": "dcgan_mnist", "n": 1})[0] == 200


def test_the_command_serves_on_this_machine_and_refuses_a_bad_model_in_one_line():
    process = subprocess.Popen([sys.executable, "-m", "keras_gans.demo", "--port=0", "--model=dcgan_mnist"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([process.stdout], [], [], 300)
        line = process.stdout.readline() if ready else ""
        match = re.search(r"on (http://127\.0\.0\.1:\d+/) ", line)
        if not match:
            process.kill()
            pytest.fail(f"the demo did not start: {line!r} {process.communicate()[1][-2000:]}")
        status, _, content = request(match.group(1).rstrip("/"), "/api/entries")
        assert status == 200 and json.loads(content)["initial"] == "dcgan_mnist"
    finally:
        process.terminate()
        process.wait(timeout=30)
    bad = subprocess.run([sys.executable, "-m", "keras_gans.demo", "--model=no_such_entry"], capture_output=True,
                         text=True, timeout=300)
    assert bad.returncode == 1 and bad.stdout == ""
    assert bad.stderr.strip().splitlines()[-1].startswith("error: Unknown zoo entry 'no_such_entry'. Known entries: ")


# -- the page in a real browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    chromedriver = shutil.which("chromedriver")
    if not (chromium and chromedriver):
        message = "no Chromium and chromedriver here: apt-get install chromium chromium-driver"
        if os.environ.get("KERAS_GANS_BROWSER_TESTS") == "required":
            pytest.fail(message)
        pytest.skip(message)
    try:
        from selenium import webdriver
    except ImportError:
        if os.environ.get("KERAS_GANS_BROWSER_TESTS") == "required":
            raise
        pytest.skip("selenium is not installed: pip install -e '.[test]'")

    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads)})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(chromedriver))
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    yield driver
    driver.quit()


def wait_for(driver, condition, timeout=120):
    """Waits until ``condition(driver)`` is true and the page has no request in flight."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if driver.execute_script("return document.body.dataset.busy") == "0" and condition(driver):
            return
        time.sleep(0.1)
    raise AssertionError(f"the page did not get there in {timeout} s; message: {message(driver)!r}")


def message(driver):
    return driver.execute_script("const m = document.getElementById('message'); return m.hidden ? '' : m.textContent")


def shown(driver, image_id):
    """The pixels the page shows in ``image_id``, read back from a canvas, as uint8 RGB."""
    data_url = driver.execute_script(
        "const image = document.getElementById(arguments[0]);"
        "const canvas = document.createElement('canvas');"
        "canvas.width = image.naturalWidth; canvas.height = image.naturalHeight;"
        "canvas.getContext('2d').drawImage(image, 0, 0);"
        "return canvas.toDataURL('image/png');", image_id)
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1]))).convert("RGB"))


def set_value(driver, element_id, value):
    """Sets a control as a person would (a select's option, a number typed), firing its events."""
    driver.execute_script(
        "const element = document.getElementById(arguments[0]); element.value = arguments[1];"
        "element.dispatchEvent(new Event('input', {bubbles: true}));"
        "element.dispatchEvent(new Event('change', {bubbles: true}));", element_id, str(value))


def open_entry(driver, server, name):
    """Opens the page and, once it has loaded its first entry, the entry ``name``."""
    driver.get(f"{server}/")
    wait_for(driver, lambda d: d.execute_script("return document.getElementById('entry').options.length") > 0)
    set_value(driver, "entry", name)


def request_of(driver, image_id):
    return driver.execute_script("return document.getElementById(arguments[0]).dataset.request || ''", image_id)


@pytest.mark.skipif("cgan_fashion" not in ENTRIES, reason="cgan_fashion is not shipped")
def test_the_page_samples_what_the_zoo_samples_and_downloads_a_labelled_png(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    open_entry(browser, server, "cgan_fashion")
    wait_for(browser, lambda d: "model=cgan_fashion" in request_of(d, "samples-image"))
    first = shown(browser, "samples-image")
    classes = [o.text for o in browser.find_elements(By.CSS_SELECTOR, "#label option")]
    assert classes[0] == "every class in turn" and classes[1:] == list(zoo.load("cgan_fashion").class_names)
    set_value(browser, "label", 8)  # Bag
    set_value(browser, "seed", 5)
    wait_for(browser, lambda d: "seed=5&n=16&label=8" in request_of(d, "samples-image"))
    now = shown(browser, "samples-image")
    assert not np.array_equal(now, first)
    np.testing.assert_array_equal(now, rgb(grid(zoo.load("cgan_fashion").sample(16, labels=8, seed=5), rows=4)))
    assert message(browser) == ""
    walk = shown(browser, "walk-image")
    assert walk.shape == (28, 8 * 29 - 1, 3)
    assert "synthetic" in browser.find_element(By.ID, "card").text

    screenshot = tmp_path / "demo.png"
    browser.save_screenshot(str(screenshot))
    assert Image.open(screenshot).size[0] >= 1000
    if os.environ.get("KERAS_GANS_SCREENSHOT"):  # how README's picture is made
        shutil.copy(screenshot, os.environ["KERAS_GANS_SCREENSHOT"])

    browser.find_element(By.ID, "samples-download").click()
    path = browser.downloads / "cgan_fashion_seed5.png"
    deadline = time.monotonic() + 30
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    pixels, text = png_pixels(path.read_bytes())
    np.testing.assert_array_equal(pixels, now)
    assert text["Description"] == "Synthetic images generated by a GAN (keras_gans)."
    assert text["Model"] == "cgan_fashion" and text["Seed"] == "5" and text["Labels"] == "8"


@pytest.mark.skipif("pix2pix_facades" not in ENTRIES, reason="pix2pix_facades is not shipped")
def test_the_page_translates_an_upload_and_says_when_an_upload_is_not_a_picture(server, browser, shared_data, tmp_path):
    from selenium.webdriver.common.by import By

    open_entry(browser, server, "pix2pix_facades")
    wait_for(browser, lambda d: d.find_element(By.ID, "upload").is_displayed())
    upload = browser.find_element(By.ID, "upload")
    not_a_picture = tmp_path / "notes.png"
    not_a_picture.write_text("these are notes")
    upload.send_keys(str(not_a_picture))
    wait_for(browser, lambda d: message(d) != "")
    assert message(browser) == "notes.png cannot be read as an image (no image format PIL knows); pass a PNG or JPEG file."
    # A file over the upload limit is refused on the page, before it is sent.
    too_big = tmp_path / "huge.png"
    with open(too_big, "wb") as f:
        f.truncate(demo.MAX_UPLOAD_BYTES + 1)
    upload.send_keys(str(too_big))
    wait_for(browser, lambda d: "huge.png" in message(d))
    assert message(browser) == (f"huge.png is {demo.MAX_UPLOAD_BYTES + 1:,} bytes; the demo takes at most "
                                f"{demo.MAX_UPLOAD_BYTES:,}: scale the picture down first.")

    picture = facade_label_map(shared_data, tmp_path)
    upload.send_keys(str(picture))
    wait_for(browser, lambda d: "name=label_map.png" in request_of(d, "translation-image"))
    assert message(browser) == ""
    translator = zoo.load("pix2pix_facades")
    side = translator.image_shape[0]
    pixels = shown(browser, "translation-image")
    np.testing.assert_array_equal(pixels[:, side + 1:], translator.translate(str(picture))[0])
    assert pixels.shape == (side, 2 * side + 1, 3)


@pytest.fixture(scope="module")
def control_server(tmp_path_factory):
    """A demo of a tiny InfoGAN and a tiny StyleGAN (no such entry is shipped yet): codes, truncation, mixing."""
    from conftest import build_family

    root = tmp_path_factory.mktemp("controls")
    infogan, stylegan = str(root / "tiny_infogan"), str(root / "tiny_stylegan")
    zoo.save_to_preset(build_family("infogan", num_classes=0, width=8).sampling_generator, infogan,
                       name="tiny_infogan", family="infogan")
    zoo.save_to_preset(build_family("stylegan", image_shape=(32, 32, 1), num_classes=0, width=4).generator, stylegan,
                       name="tiny_stylegan", family="stylegan")
    httpd = demo.make_server(demo.DemoApp([infogan, stylegan]))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", infogan, stylegan
    httpd.shutdown()
    httpd.server_close()


def test_the_page_sets_infogan_codes_and_stylegan_truncation_and_mixing(control_server, browser):
    from selenium.webdriver.common.by import By

    base, infogan, stylegan = control_server
    open_entry(browser, base, infogan)
    wait_for(browser, lambda d: "tiny_infogan" in request_of(d, "samples-image"))
    model = zoo.load(infogan)
    sliders = browser.find_elements(By.CSS_SELECTOR, "#continuous input[type=range]")
    assert len(sliders) == model.latent_codes["continuous"] and browser.find_element(By.ID, "codes-field").is_displayed()
    assert not browser.find_element(By.ID, "truncation-field").is_displayed()
    set_value(browser, "category", 3)
    set_value(browser, "code-0", 0.5)
    continuous = [0.5] + [0.0] * (len(sliders) - 1)
    wait_for(browser, lambda d: f"category=3&continuous={','.join(f'{v:g}' for v in continuous)}".replace(",", "%2C")
             in request_of(d, "samples-image"))
    expected = model.sample(16, seed=0, codes={"category": 3, "continuous": continuous})
    np.testing.assert_array_equal(shown(browser, "samples-image"), rgb(grid(expected, rows=4)))

    open_entry(browser, base, stylegan)
    wait_for(browser, lambda d: "tiny_stylegan" in request_of(d, "mix-image"))
    assert browser.find_element(By.ID, "truncation-field").is_displayed()
    set_value(browser, "truncation", 0.7)
    wait_for(browser, lambda d: all("truncation=0.7" in request_of(d, image) for image in ("samples-image", "mix-image")))
    model = zoo.load(stylegan)
    np.testing.assert_array_equal(shown(browser, "samples-image"), rgb(grid(model.sample(16, seed=0, truncation=0.7), rows=4)))
    mixing = [model.mix_styles(0, 0, [1], 0.7), model.mix_styles(0, 1, truncation=0.7), model.mix_styles(1, 1, [1], 0.7)]
    np.testing.assert_array_equal(shown(browser, "mix-image"), rgb(grid(np.concatenate(mixing), rows=1)))
    assert message(browser) == ""
