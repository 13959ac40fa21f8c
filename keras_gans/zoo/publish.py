"""Turn a finished training run into a zoo entry: evaluate it, save the preset and its model card.

    python -m keras_gans.zoo.publish --name=cgan_fashion --logdir=runs/zoo_cgan_fashion \
        --data_dir=../shared/data/fashion_mnist

writes the preset (``--preset_dir``, default the package's ``zoo/entries/<name>``) and, beside the
recipe in ``zoo/<name>/``, the model card ``README.md`` and ``samples.png``.
``--table`` prints README.md's zoo table from the shipped entries' cards.
"""

import json
import os
import sys

import numpy as np

from absl import app, flags

from keras_gans import files, train
from keras_gans.errors import UsageError, check_name
from keras_gans.translating import DIRECTIONS, direction_domains


def define_flags():
    """Defines the command-line flags (only when run as a program, so importing the
    library defines none and several tools can share a process)."""
    flags.DEFINE_string("name", None, "Entry name, e.g. cgan_fashion.")
    flags.DEFINE_list(
        "logdir", None, "The training run's --logdir; several publish the uniform mixture of their generators "
        "(keras_gans.mixture), each trained by the recipe with the flags its card lists."
    )
    flags.DEFINE_string("data_dir", None, "The dataset's IDX folder or TFDS data_dir (for evaluation).")
    flags.DEFINE_integer("num_samples", 10000, "Samples for the card's metrics.")
    flags.DEFINE_integer(
        "repeats", 1, "Latent draws (seeds 0, 1, ...) the card's metrics average, with their standard deviations "
        "(CAS, which trains a classifier per draw, on the first only).",
    )
    flags.DEFINE_string("card_dir", None, "Folder of the recipe and card; default zoo/<name>.")
    flags.DEFINE_string("preset_dir", None, "Where to write the preset; default the package's entry.")
    flags.DEFINE_enum(
        "weights_dtype", "float16", ["float32", "float16"],
        "Stored weights: float16 halves the file (about 1 uint8 level at most; the card measures it).",
    )
    flags.DEFINE_string("card_note", "", "Markdown for the card written by a person, e.g. what each InfoGAN code controls.")
    flags.DEFINE_boolean("remeasure", False, "Evaluate the published entry --name again as its card was measured "
                         "(after the feature networks changed) and rewrite its card; the weights stay.")
    flags.DEFINE_boolean("table", False, "Only print README.md's zoo table from the shipped entries' cards.")


_LABELS = {
    "fid": "FID (domain features)", "intra_fid": "intra-FID (mean over classes)",
    "kid": "KID", "kid_std": "KID std", "is": "Inception Score (domain logits)", "is_std": "IS std",
    "precision": "precision (k=3)", "recall": "recall (k=3)", "cond_acc": "conditional accuracy", "cas": "CAS",
    "modes_covered": "classes covered", "modes_kl": "class KL", "modes_min_share": "smallest class share",
    "fcn_pixel_accuracy": "FCN-score, per-pixel accuracy", "fcn_class_accuracy": "FCN-score, per-class accuracy",
    "fcn_class_iou": "FCN-score, class IoU", "l1": "L1 to the real photo (0-1)", "psnr": "PSNR to the real photo (dB)",
    "ssim": "SSIM to the real photo",
}
# What the reference column of a translator's card holds, by the kind of data it trains on.
_TRANSLATION_REFERENCE = {
    "paired": "the real photos segmented in place of the translations (the FCN-score's upper bound)",
    "unpaired": "real test images of the target domain in place of the translations: all of them classified, and "
                "for FID one half of them against the other",
}


def metric_label(key, class_names, domain_names=("A", "B")):
    """A card's name for a metric key; ``intra_fid_<c>`` names class c, ``*_a_to_b`` the domains."""
    if key.startswith("intra_fid_") and class_names:
        return f"intra-FID, {class_names[int(key.rsplit('_', 1)[1])]}"
    for direction in DIRECTIONS:
        source, target = direction_domains(direction, domain_names)
        if key.endswith(f"_{direction}"):
            what = {"target_domain": f"classified as {target}", "fid": f"FID to real {target} (domain features)"}
            return f"{source} -> {target}: {what[key[: -len(direction) - 1]]}"
    return _LABELS.get(key, key)


def _metric_rows(card):
    """The card's metrics table rows: metric | measured | its reference."""
    from keras_gans.metrics.evaluation import value_text

    report = card["metrics"]

    def cell(part, key):
        if key not in report[part]:  # e.g. L1 to the real photo, which has no real-vs-real value
            return "—"
        return value_text(report[part][key], report.get(f"{part}_sd", {}).get(key))

    return "\n".join(
        f"| {metric_label(k, card.get('class_names'), card.get('domain_names', ('A', 'B')))} | {cell('metrics', k)} "
        f"| {cell('reference', k)} |" for k in report["metrics"]
    )


# The bars an image-to-image entry must meet to ship (issue 20): its translations segmented at
# least this fraction as accurately (per pixel) as the real photos; classified as the target domain
# at least this often, each way.
FCN_PIXEL_ACCURACY_BAR = 0.8
TARGET_DOMAIN_BAR = 0.7


def translation_bar_text(card):
    """The card's line on the zoo's bar for a translator: FCN per-pixel accuracy against the real
    photos' (paired), the share classified as the target domain (unpaired)."""
    measured, reference = card["metrics"]["metrics"], card["metrics"]["reference"]
    if "fcn_pixel_accuracy" in measured:
        ratio = measured["fcn_pixel_accuracy"] / reference["fcn_pixel_accuracy"]
        return (f"The FCN-score's per-pixel accuracy is {ratio:.2f}x the real photos' "
                f"(the zoo's bar: {FCN_PIXEL_ACCURACY_BAR}x).")
    shares = [f"{metric_label(k, None, card.get('domain_names', ('A', 'B')))} {v:.1%}"
              for k, v in measured.items() if k.startswith("target_domain_")]
    return f"{'; '.join(shares)} (the zoo's bar: {TARGET_DOMAIN_BAR:.0%} each way)." if shares else ""


def translator_card(card):
    """The model card (Markdown) of an image-to-image entry."""
    report = card["metrics"]
    names = card.get("domain_names", ("A", "B"))
    directions = ", ".join(f"`{d}` ({' -> '.join(direction_domains(d, names))})" for d in card["directions"])
    columns = ("input | translation | real target" if card["data_kind"] == "paired"
               else "input | translation | translated back, for each direction")
    return f"""# {card['name']}

{card['description']}

![samples](samples.png)

Test examples, one per row: {columns}.

| | |
|---|---|
| family | `{card['family']}` |
| dataset | `{card['dataset']}` (train split) |
| image shape | {tuple(card['image_shape'])} |
| directions | {directions} |
| parameters | {card['parameters']:,} (stored as {card.get('weights_dtype', 'float32')}) |
| weights sha256 | `{card['weights_sha256']}` |
| training | {_training_text(card)} |

## Metrics

On the whole test split, from `python -m keras_gans.evaluate`, measured with `{report['feature_net']}`;
the last column is the same metric for {_TRANSLATION_REFERENCE[card['data_kind']]}.

| metric | translated | real |
|---|---|---|
{_metric_rows(card)}

{translation_bar_text(card)}

## Use

```python
from keras_gans import zoo
t = zoo.load("{card['name']}")
outputs = t.translate(["picture.png"], direction="{card['directions'][0]}")   # uint8 [1, {card['image_shape'][0]}, {card['image_shape'][1]}, 3]
```

or `python -m keras_gans.sample --model={card['name']} --input=FOLDER --out=translations/`.
{f"{chr(10)}{card['card_note']}{chr(10)}" if card.get("card_note") else ""}
{card['note']}
"""


def model_card(card, controls=""):
    if "directions" in card:
        return translator_card(card)
    report = card["metrics"]
    rows = _metric_rows(card)
    seeds = report.get("seeds", [0])
    draws = f"latent seed {seeds[0]}"
    if len(seeds) > 1:
        listed = ", ".join(map(str, seeds))
        draws = f"the mean ± standard deviation over the latent seeds {listed} (`--repeats={len(seeds)}`)"
    if report.get("cas_seeds"):  # CAS trains a classifier per draw: the first draws only
        draws += (f"; CAS on latent seed{'s' if len(report['cas_seeds']) > 1 else ''} "
                  f"{', '.join(map(str, report['cas_seeds']))} only (and as many real draws)")
    classes = ", ".join(card.get("class_names", [])) or "none (unconditional)"
    fid, reference_fid = report["metrics"].get("fid"), report["reference"].get("fid")
    # The project's quality bar is stated as this ratio (at most 3x for cgan_fashion).
    fid_ratio = f"\nFID is {fid / reference_fid:.2f}x the real-vs-real reference.\n" if fid and reference_fid else ""
    return f"""# {card['name']}

{card['description']}

![samples](samples.png)

| | |
|---|---|
| family | `{card['family']}` |
| dataset | `{card['dataset']}` (train split) |
| image shape | {tuple(card['image_shape'])} |
| latent size | {card['latent_dim']} |
| classes | {classes} |
| parameters | {card['parameters']:,} (stored as {card.get('weights_dtype', 'float32')}) |
| weights sha256 | `{card['weights_sha256']}` |
| training | {_training_text(card)} |

## Metrics

{report['num_samples']} samples against the real test split{_resized_text(report)}, feature network
`{report['feature_net']}`, from `python -m keras_gans.evaluate`, {draws}; the last column is the same metric
for {report['num_samples']} real training images against the test split.

| metric | generated | real train vs test |
|---|---|---|
{rows}
{fid_ratio}
## Use

```python
from keras_gans import zoo
g = zoo.load("{card['name']}")
images = g.sample(16, seed=0)   # uint8 {tuple([16] + card['image_shape'])}
```
{f"{chr(10)}## Controls{chr(10)}{chr(10)}{controls}" if controls else ""}{f"{chr(10)}{card['card_note']}{chr(10)}" if card.get("card_note") else ""}
{card['note']}
"""


# Flags that say where and how often a run writes, not what it trains.
_BOOKKEEPING = {
    "logdir", "data_dir", "data_format", "resume", "keep_checkpoints", "checkpoint_every", "log_every",
    "eval_every", "eval_metrics", "eval_samples", "strategy", "jit_compile",
}


def _flag_text(value):
    return str(value).lower() if isinstance(value, bool) else str(value)


def _same(text, value):
    if isinstance(value, bool) or value is None:
        return text.lower() == _flag_text(value).lower()
    if isinstance(value, (int, float)):
        try:
            return float(text) == float(value)
        except ValueError:
            return False
    return text == str(value)


def component_overrides(recipe, run_configs):
    """For each run: the flags (``--k=v``) it trained with that differ from the recipe's, or from
    the train CLI's defaults for flags the recipe leaves out; bookkeeping flags aside."""
    flags_of_recipe = train.flagfile_values(recipe)
    keys = sorted(set().union(*run_configs) - _BOOKKEEPING)
    overrides = []
    for config in run_configs:
        defaults = {key: train.argument_default(config.get("model"), key) for key in keys}
        # A run older than a flag has no entry for it, and a family option left unset is None:
        # both trained with the default.
        values = {key: defaults[key] if config.get(key) is None else config[key] for key in keys}
        overrides.append([
            f"--{key}={_flag_text(value)}" for key, value in values.items()
            if (not _same(flags_of_recipe[key], value) if key in flags_of_recipe else value != defaults[key])
        ])
    return overrides


def _resized_text(report):
    """How the real images were resized for a generator of another side (`Evaluator.at_side`)."""
    side = report.get("data_resized_to")
    return (f" (both splits resized to {side}x{side} as the training data was, then with the samples to the feature "
            "network's input)") if side else ""


def _training_text(card):
    training = card["training"]
    recipe = f"recipe `zoo/{card['name']}/recipe.flags`"
    if "components" not in training:
        return f"{training['steps']} steps, {recipe}"
    runs = "; ".join(
        f"({k + 1}) {' '.join(f'`{o}`' for o in c['overrides']) or 'as is'}, {c['steps']} steps"
        for k, c in enumerate(training["components"])
    )
    return f"a uniform mixture of {len(training['components'])} generators, each trained by the {recipe}: {runs}"


def zoo_table(preset_dirs=None):
    """README.md's zoo table (markdown) from presets' model cards (default: the shipped entries), so
    the README quotes the cards' measured numbers rather than copies typed by hand."""
    from keras_gans.zoo import presets

    if preset_dirs is None:
        preset_dirs = [os.path.join(presets.ENTRIES_DIR, name) for name in presets.list_entries()]
    cards = []
    for folder in preset_dirs:
        with open(os.path.join(folder, presets.METADATA_FILE)) as f:
            cards.append((folder, json.load(f)))

    def weights(folder, card):
        size = os.path.getsize(os.path.join(folder, presets.WEIGHTS_FILE))
        return f"{size / 1e6:.1f} MB, {card['parameters'] / 1e6:.2f} M params ({card.get('weights_dtype', 'float32')})"

    def entry(card):
        return f"[`{card['name']}`](zoo/{card['name']}/README.md) | `{card['family']}` | {card['dataset']}"

    header = ("| entry | family | dataset | image | FID (domain) / real-vs-real | KID | precision / recall "
              "| class fidelity | weights |")
    lines = [header, "|---|---|---|---|---|---|---|---|---|"]
    for folder, card in cards:
        if "directions" in card:
            continue
        m, ref = card["metrics"]["metrics"], card["metrics"]["reference"]
        if "cond_acc" in m:
            fidelity = f"cond. acc. {m['cond_acc']:.3f}, CAS {m['cas']:.3f}"
        else:
            fidelity = f"{m['modes_covered']:.0f}/{ref['modes_covered']:.0f} classes, KL {m['modes_kl']:.4f}"
            if "modes_min_share" in m:
                fidelity += f", smallest {m['modes_min_share']:.1%}"
        lines.append(
            f"| {entry(card)} | {'x'.join(map(str, card['image_shape']))} | {m['fid']:.2f} / {ref['fid']:.2f} "
            f"| {m['kid']:.3f} | {m['precision']:.3f} / {m['recall']:.3f} | {fidelity} | {weights(folder, card)} |"
        )
    translators = [(folder, card) for folder, card in cards if "directions" in card]
    if translators:  # image-to-image entries: the measures of their papers
        lines += ["", "| image-to-image entry | family | dataset | image | measured (translated / real) | weights |",
                  "|---|---|---|---|---|---|"]
        for folder, card in translators:
            m, ref = card["metrics"]["metrics"], card["metrics"]["reference"]
            measured = "; ".join(f"{metric_label(k, None, card.get('domain_names', ('A', 'B')))} {m[k]:.3f} / {ref[k]:.3f}"
                                 for k in m if k in ("fcn_pixel_accuracy", "fcn_class_iou") or k.startswith("target_domain"))
            lines.append(f"| {entry(card)} | {'x'.join(map(str, card['image_shape']))} | {measured} "
                         f"| {weights(folder, card)} |")
    return "\n".join(lines)


def publish(name, logdirs, data_dir, num_samples=10000, card_dir=None, preset_dir=None, weights_dtype="float16",
            repeats=1, card_note=""):
    """Evaluates the generator of a run (or the uniform mixture of several runs' generators),
    saves it as a preset and writes its model card, sample grid and the grids of its family's
    controls (`control_grids`); ``card_note`` is Markdown for the card written by a person (e.g.
    what each InfoGAN code turned out to control); returns the card. The weights
    are rounded to ``weights_dtype`` before the evaluation, so the card measures the stored file;
    ``repeats`` > 1 makes the card's metrics means over that many latent draws (CAS, a classifier
    trained per draw, is on the first draw only)."""
    import tensorflow as tf

    from keras_gans import data, evaluate
    from keras_gans.callbacks import checkpoint_step
    from keras_gans.zoo import presets, translator
    from keras_gans.zoo.generator import Generator

    check_name(name, "the entry name")
    logdirs = [logdirs] if isinstance(logdirs, str) else list(logdirs)
    card_dir = card_dir or os.path.join("zoo", name)
    preset_dir = preset_dir or os.path.join(presets.ENTRIES_DIR, name)
    run_configs = []
    for logdir in logdirs:
        with open(os.path.join(logdir, "config.json")) as f:
            run_configs.append(json.load(f))
    family, dataset = run_configs[0]["model"], run_configs[0]["dataset"]
    if any((c["model"], c["dataset"]) != (family, dataset) for c in run_configs):
        raise UsageError(f"The runs of one entry must train the same family on the same dataset: {', '.join(logdirs)}.")
    recipe_path = os.path.join(card_dir, "recipe.flags")
    if not os.path.isfile(recipe_path):
        raise UsageError(f"{recipe_path} is missing: a zoo entry is trained from a committed recipe.")
    with open(recipe_path) as f:
        recipe = f.read()
    model = evaluate.load_generator_model(",".join(logdirs))
    presets.round_weights(model, weights_dtype)
    steps = [checkpoint_step(tf.train.latest_checkpoint(os.path.join(d, "checkpoints"))) for d in logdirs]
    if translator.is_translation(model):
        # Mixtures are of generators: load_generator_model refused several translators already.
        report = evaluate.evaluate(model, dataset, data_dir)
        report["generator"] = logdirs[0]
        kind = report["data_kind"]
        entry = translator.Translator(model, {"name": name})
        presets.save_to_preset(
            entry, preset_dir, family=family, dataset=dataset, metrics=report, recipe=recipe, data_kind=kind,
            description=f"Image-to-image `{family}` translator trained on {dataset} with keras_gans.",
            training={"steps": steps[0], "arguments": run_configs[0]}, weights_dtype=weights_dtype, card_note=card_note,
            domain_names=list(data.KNOWN_DOMAIN_NAMES.get(dataset, ("A", "B")) if kind == "unpaired" else ("input", "target")),
        )
        return write_card(presets.load(preset_dir), card_dir, data_dir)
    conditional = len(model.inputs) > 1
    metrics = card_metrics(conditional)
    report = evaluate.evaluate(model, dataset, data_dir, metrics, num_samples, repeats=repeats)
    report["generator"] = ",".join(logdirs)
    class_names = list(data.load_source(dataset, data_dir=data_dir, split="test").class_names)
    kind = "Class-conditional" if conditional else "Unconditional"
    description = f"{kind} `{family}` generator trained on {dataset} with keras_gans."
    training = {"steps": steps[0], "arguments": run_configs[0]}
    if len(logdirs) > 1:
        description += (
            f" A uniform mixture of {len(logdirs)} separately trained generators (`keras_gans.mixture`, after Wang "
            "et al. 2016): the last latent coordinate picks which one draws each image."
        )
        training = {"steps": sum(steps), "components": [
            {"steps": s, "overrides": o, "arguments": c}
            for s, o, c in zip(steps, component_overrides(recipe, run_configs), run_configs)
        ]}
    generator = Generator(model, {"name": name, "class_names": class_names if conditional else [],
                                  "num_classes": len(class_names) if conditional else 0})
    presets.save_to_preset(
        generator, preset_dir, family=family, dataset=dataset, description=description,
        metrics=report, recipe=recipe, training=training, weights_dtype=weights_dtype, card_note=card_note,
    )
    return write_card(presets.load(preset_dir), card_dir)


def card_metrics(conditional):
    """The metrics a card reports: class fidelity for conditional generators, class coverage for
    unconditional ones."""
    return "fid,intra_fid,kid,is,pr,cond_acc,cas" if conditional else "fid,kid,is,pr,modes"


def translation_examples(entry, dataset, data_dir, count=4):
    """Test examples of a translator's data as a grid, one per row: input | translation | real
    target (paired data), or input | translation | translated back for each direction (unpaired)."""
    from keras_gans import data
    from keras_gans.images import grid

    side = entry.image_shape[0]
    if entry.metadata["data_kind"] == "paired":
        inputs, targets = (images[:count] for images in data.load_pairs(dataset, data_dir, "test", image_size=side))
        columns = [inputs, entry.translate(inputs), targets]
    else:
        domains, _ = data.load_domains(dataset, data_dir, "test", image_size=side)
        back = {"a_to_b": "b_to_a", "b_to_a": "a_to_b"}
        columns = [[], [], []]
        for direction in entry.directions:
            inputs = domains[0 if direction == "a_to_b" else 1][:count // len(entry.directions)]
            outputs = entry.translate(inputs, direction)
            returned = entry.translate(outputs, back[direction]) if back[direction] in entry.directions else outputs * 0
            for column, images in zip(columns, (inputs, outputs, returned)):
                column.append(images)
        columns = [np.concatenate(column) for column in columns]
    per_example = np.stack(columns, axis=1)
    return grid(per_example.reshape(-1, *per_example.shape[2:]), len(per_example))


def write_card(generator, card_dir, data_dir=None):
    """Writes ``samples.png``, the control grids and ``README.md`` of a loaded entry; its card. A
    translator's samples are test examples of its data (`translation_examples`), from ``data_dir``."""
    from keras_gans.images import save_png

    if "directions" in generator.metadata:
        save_png(os.path.join(card_dir, "samples.png"),
                 translation_examples(generator, generator.metadata["dataset"], data_dir),
                 Model=generator.name, Source=generator.source)
        text = model_card(generator.metadata)
    else:
        generator.save_grid(os.path.join(card_dir, "samples.png"), seed=0)
        text = model_card(generator.metadata, control_grids(generator, card_dir))
    with open(os.path.join(card_dir, "README.md"), "w") as f:
        f.write(text)
    return generator.metadata


def remeasure(name, data_dir, card_dir=None, preset_dir=None):
    """Evaluates a published entry again (after the feature networks changed) as its card was
    measured (samples, latent draws, metrics) and rewrites the card's metrics, keeping the
    weights; the metrics it replaces move to ``previous_metrics``. Returns the card."""
    from keras_gans import evaluate
    from keras_gans.zoo import presets

    check_name(name, "the entry name")
    preset_dir = preset_dir or os.path.join(presets.ENTRIES_DIR, name)
    generator = presets.load(preset_dir)
    card = generator.metadata
    old = card["metrics"]
    if "directions" in card:
        report = evaluate.evaluate(generator.keras_model, card["dataset"], data_dir)
    else:
        report = evaluate.evaluate(generator.keras_model, card["dataset"], data_dir,
                                   card_metrics(generator.num_classes > 0), old["num_samples"],
                                   repeats=len(old.get("seeds", [0])))
    report["generator"] = old.get("generator", name)
    card["previous_metrics"] = [*card.get("previous_metrics", []), old]
    card["metrics"] = report
    with files.atomic_write(os.path.join(preset_dir, presets.METADATA_FILE)) as path, open(path, "w") as f:
        json.dump(card, f, indent=2)
    return write_card(presets.load(preset_dir), card_dir or os.path.join("zoo", name), data_dir)


# Truncation psi of a StyleGAN card's grid rows, and its style-mixing rows (early seed, late seed).
CARD_PSI = (1.0, 0.7, 0.5, 0.0)
CARD_MIXING_SEEDS = ((0, 100), (1, 101), (2, 102), (3, 103))
# BigGAN's truncation trick in z: latent values beyond the threshold are redrawn (None: untruncated).
CARD_THRESHOLDS = (None, 1.0, 0.5, 0.2)


def control_grids(generator, card_dir, per_row=8):
    """Writes a grid PNG per family-specific control of ``generator`` into ``card_dir`` (InfoGAN's
    codes; a StyleGAN's truncation and style mixing; the truncation trick of a family whose paper
    samples with it) and returns the card's Markdown about them."""
    from keras_gans import models
    from keras_gans.images import grid, save_png

    sections = []

    def save(name, images, rows, caption):
        save_png(os.path.join(card_dir, name), grid(images, rows), Model=generator.name, Source=generator.source)
        sections.append(f"![{name}]({name})\n\n{caption}\n")

    if generator.latent_codes:
        categories = generator.latent_codes["categorical"]
        save("codes_category.png", generator.code_sweep("category", per_row, seed=0), categories,
             f"The categorical code: row k is category k, with the same {per_row} latents in every row "
             "(`g.sample(n, codes={\"category\": k})`).")
        for code in range(generator.latent_codes["continuous"]):
            save(f"codes_continuous_{code}.png", generator.code_sweep(code, per_row, seed=0), categories,
                 f"Continuous code {code} from -0.95 to 0.95 across each row, the other continuous codes at 0; row k "
                 f"is category k with one latent (`g.sample(n, codes={{\"continuous\": [...]}})`).")
    if getattr(generator, "styles", None):
        save("truncation.png", np.concatenate([generator.sample(per_row, seed=0, truncation=psi) for psi in CARD_PSI]),
             len(CARD_PSI), f"The truncation trick in W: rows psi = {', '.join(map(str, CARD_PSI))} "
             "(`g.sample(n, truncation=psi)`); psi = 0 is the average image.")
        crossovers = list(range(1, generator.styles.num_styles))
        rows = [np.concatenate([generator.sample(1, seed=early), generator.mix_styles(early, late, crossovers),
                                generator.sample(1, seed=late)]) for early, late in CARD_MIXING_SEEDS]
        save("style_mixing.png", np.concatenate(rows), len(rows),
             f"Style mixing: each row starts with seed a and ends with seed b; between them the synthesis layers "
             f"before crossover 1..{crossovers[-1]} take a's styles and the rest b's "
             "(`g.mix_styles(a, b, crossovers)`); early layers carry coarse traits, late ones fine ones.")
    elif generator.metadata.get("family") and models.get(generator.metadata["family"]).truncation_trick:
        labels = [k % generator.num_classes for k in range(per_row)] if generator.num_classes else None
        save("truncation.png",
             np.concatenate([generator.sample(per_row, labels, seed=0, truncation=t) for t in CARD_THRESHOLDS]),
             len(CARD_THRESHOLDS),
             "The truncation trick in z (Brock et al. 2019): the same seed in every row"
             f"{', classes 0, 1, ... across' if labels else ''}; the first row untruncated, then every latent "
             f"value beyond {', '.join(map(str, CARD_THRESHOLDS[1:]))} redrawn (`g.sample(n, truncation=t)`): "
             "less variety, more typical images.")
    return "\n".join(sections)


def main(argv):
    del argv
    f = flags.FLAGS
    if f.table:
        print(zoo_table())
        return 0
    if f.remeasure and f.name:
        try:
            card = remeasure(f.name, f.data_dir, f.card_dir, f.preset_dir)
        except UsageError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(json.dumps(card["metrics"], indent=2))
        return 0
    if not (f.name and f.logdir):
        print("error: pass --name and --logdir (or --name --remeasure, or --table)", file=sys.stderr)
        return 1
    try:
        card = publish(f.name, f.logdir, f.data_dir, f.num_samples, f.card_dir, f.preset_dir, f.weights_dtype,
                       f.repeats, f.card_note)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(json.dumps(card["metrics"], indent=2))
    return 0


if __name__ == "__main__":
    define_flags()
    app.run(main)
