"use strict";
// The keras_gans demo page: reads the controls, asks the server for PNGs (/api/*.png) and shows
// them; the download links hand out the very bytes shown. body[data-busy] counts requests in
// flight, and each image's data-request names the query it shows (the browser tests read both).

const $ = (id) => document.getElementById(id);
let entry = null;                // the open entry, as /api/entry describes it
let generation = 0;              // counts entry openings: replies for an earlier entry are dropped
let maxUploadBytes = Infinity;   // the server's limit, checked here before an upload is sent
const latest = {};               // per image: the number of its newest request
const controllers = {};          // per image: the AbortController of its request in flight
const endpoints = {samples: "sample", walk: "walk", mix: "mix", translation: "translate"};
let messageSource = null;        // what the shown message is about
let timer = null;

function busy(change) {
  document.body.dataset.busy = String(Number(document.body.dataset.busy) + change);
}

// Shows a message about `source` (an image, or the entry); clearing one only clears its own.
function showMessage(text, source) {
  if (!text && source !== messageSource) return;
  messageSource = text ? source : null;
  $("message").textContent = text;
  $("message").hidden = !text;
}

async function failure(response) {
  try {
    return (await response.json()).error;
  } catch (error) {
    return `The server answered ${response.status} ${response.statusText}.`;
  }
}

function abortAll() {
  for (const controller of Object.values(controllers)) controller.abort();
}

// Fetches a PNG into the image `name` (its figure, link and data-request). A newer request for the
// same image aborts an older one, and a reply for an entry no longer open is dropped.
async function showImage(name, query, options) {
  const number = (latest[name] = (latest[name] || 0) + 1);
  const mine = generation;
  const current = () => number === latest[name] && mine === generation;
  if (controllers[name]) controllers[name].abort();
  const controller = (controllers[name] = new AbortController());
  const url = `/api/${endpoints[name]}.png?${query}`;
  busy(+1);
  try {
    const response = await fetch(url, {...options, signal: controller.signal});
    if (!response.ok) throw new Error(await failure(response));
    const blob = await response.blob();
    if (!current()) return;
    const image = $(`${name}-image`), link = $(`${name}-download`);
    const previous = image.src;
    const next = URL.createObjectURL(blob);
    const loading = new Image();
    loading.src = next;
    await loading.decode();
    if (!current()) return URL.revokeObjectURL(next);
    image.src = next;
    await image.decode();  // decoded already (`loading`): this only waits for the element to have it
    if (!current()) return;
    if (previous.startsWith("blob:")) URL.revokeObjectURL(previous);
    // Small images drawn large, pixel for pixel.
    image.style.width = `${loading.naturalWidth * Math.max(1, Math.floor(480 / loading.naturalWidth))}px`;
    const disposition = response.headers.get("Content-Disposition") || "";
    link.href = image.src;
    link.download = (disposition.match(/filename="([^"]+)"/) || [, `${entry.name}.png`])[1];
    link.hidden = false;
    image.dataset.request = query;
    $(`${name}-figure`).hidden = false;
    showMessage("", name);
  } catch (error) {
    if (current() && error.name !== "AbortError") showMessage(error.message, name);
  } finally {
    busy(-1);
  }
}

function generatorQuery() {
  const query = new URLSearchParams({model: entry.name, seed: $("seed").value, n: $("count").value});
  if (entry.class_names.length && $("label").value !== "") query.set("label", $("label").value);
  if (entry.truncation && $("truncation").value !== "") query.set("truncation", $("truncation").value);
  if (entry.latent_codes) {
    if ($("category").value !== "") query.set("category", $("category").value);
    const sliders = [...document.querySelectorAll("#continuous input")];
    if (sliders.length) query.set("continuous", sliders.map((slider) => slider.value).join(","));
  }
  return query;
}

function pairQuery(extra) {
  const query = new URLSearchParams({model: entry.name, seed: $("seed").value, seed_b: $("seed-b").value});
  for (const [key, value] of Object.entries(extra)) if (value !== "") query.set(key, value);
  return query;
}

function update() {
  if (!entry) return;
  if (entry.kind === "generator") {
    showImage("samples", generatorQuery().toString());
    const label = entry.class_names.length ? $("label").value : "";
    showImage("walk", pairQuery({steps: $("steps").value, label}).toString());
    if (entry.style_mixing) showImage("mix", pairQuery({truncation: $("truncation").value}).toString());
  } else if ($("upload").files.length) {
    const file = $("upload").files[0];
    if (file.size > maxUploadBytes) {
      showMessage(`${file.name} is ${file.size.toLocaleString("en")} bytes; the demo takes at most ` +
                  `${maxUploadBytes.toLocaleString("en")}: scale the picture down first.`, "translation");
      return;
    }
    const query = new URLSearchParams({model: entry.name, direction: $("direction").value, name: file.name});
    showImage("translation", query.toString(), {method: "POST", body: file});
  }
}

// Typing in a number field updates once, 150 ms after the last key; the wait counts as busy.
function scheduleUpdate() {
  if (timer === null) busy(+1);
  clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    busy(-1);
    update();
  }, 150);
}

function fillSelect(select, options) {
  select.replaceChildren(...options.map(([value, text]) => new Option(text, value)));
}

function configure() {
  const generator = entry.kind === "generator";
  $("generator-controls").hidden = !generator;
  $("translator-controls").hidden = generator;
  for (const figure of ["samples", "walk", "mix", "translation"]) $(`${figure}-figure`).hidden = true;
  if (generator) {
    $("label-field").hidden = !entry.class_names.length;
    fillSelect($("label"), [["", "every class in turn"], ...entry.class_names.map((name, index) => [String(index), name])]);
    $("truncation-field").hidden = !entry.truncation;
    $("truncation").max = entry.truncation === "w" ? "1" : "";
    $("truncation").value = "";
    $("codes-field").hidden = !entry.latent_codes;
    if (entry.latent_codes) {
      const categories = [...Array(entry.latent_codes.categorical).keys()];
      fillSelect($("category"), [["", "random"], ...categories.map((k) => [String(k), String(k)])]);
      $("continuous").replaceChildren(...[...Array(entry.latent_codes.continuous).keys()].map((index) => {
        const label = document.createElement("label");
        label.textContent = `Continuous code ${index + 1} `;
        const slider = Object.assign(document.createElement("input"),
          {type: "range", min: "-0.95", max: "0.95", step: "0.05", value: "0", id: `code-${index}`});
        label.append(slider);
        return label;
      }));
    }
  } else {
    fillSelect($("direction"), entry.directions.map((d) => [d.value, d.label]));
  }
  $("card").innerHTML = entry.card_html;
}

async function openEntry(name) {
  const mine = ++generation;
  abortAll();
  busy(+1);
  try {
    const response = await fetch(`/api/entry?${new URLSearchParams({model: name})}`);
    if (!response.ok) throw new Error(await failure(response));
    const opened = await response.json();
    if (mine !== generation) return;  // another entry was chosen meanwhile
    entry = opened;
    configure();
    showMessage("", "entry");
    update();
  } catch (error) {
    if (mine === generation) showMessage(error.message, "entry");
  } finally {
    busy(-1);
  }
}

async function start() {
  busy(+1);
  try {
    const response = await fetch("/api/entries");
    if (!response.ok) throw new Error(await failure(response));
    const offer = await response.json();
    maxUploadBytes = offer.max_upload_bytes;
    fillSelect($("entry"), offer.entries.map((name) => [name, name]));
    $("entry").value = offer.initial;
    await openEntry(offer.initial);
  } catch (error) {
    showMessage(error.message, "entry");
  } finally {
    busy(-1);
  }
}

$("entry").addEventListener("change", () => openEntry($("entry").value));
$("generator-controls").addEventListener("input", scheduleUpdate);
$("translator-controls").addEventListener("change", update);
for (const form of ["generator-controls", "translator-controls"]) {
  $(form).addEventListener("submit", (event) => event.preventDefault());
}
start();
