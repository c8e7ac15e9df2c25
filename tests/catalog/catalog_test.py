#!/usr/bin/env python3
"""Validate resources/catalog.json, the model catalog shipped in the app (format: resources/catalog.md).

    catalog_test.py path/to/catalog.json     check the catalog; exit 0 if it is valid, 1 with every problem listed
    catalog_test.py --self-test path/to/catalog.json
                                             break copies of the catalog in memory, one way at a time, and check
                                             that each broken copy is rejected (exit 1 if one is accepted)

Standard library only.
"""
import copy
import json
import re
import sys

# Architectures the engine loads today (engine/src/model_config); everything else must be listed unsupported.
SUPPORTED_ARCHITECTURES = {"llama", "qwen2"}

# Quantization (GGUF file type) -> (lowest, highest) bits per weight of the bulk of the tensors.
# K-quant "mixes" keep some tensors at a higher type (Q4_K_M: attn_v/ffn_down partly Q6_K), hence the range.
BITS_PER_WEIGHT = {
    "Q4_0": (4.5, 5.0),
    "Q4_K_M": (4.5, 5.2),
    "Q5_K_M": (5.5, 6.0),
    "Q6_K": (6.5625, 6.6),
    "Q8_0": (8.5, 8.5),
    "F16": (16.0, 16.0),
    "BF16": (16.0, 16.0),
}
# The size check allows this much below the low estimate and above the high one, plus a fixed allowance
# for the GGUF header (tokenizer vocabulary and merges, chat template: a few MB for 150k-token vocabularies).
SIZE_SLACK_LOW = 0.90
SIZE_SLACK_HIGH = 1.10
HEADER_ALLOWANCE = 32 * 1024 * 1024

MODEL_FIELDS = {
    "id": str, "name": str, "description": str, "family": str, "license": str, "license_url": str,
    "homepage": str, "gated": bool, "architecture": str, "supported": bool, "chat": bool,
    "parameters": int, "context_length": int, "n_layers": int, "n_heads": int, "n_kv_heads": int,
    "head_dim": int, "n_embd": int, "n_ff": int, "n_vocab": int, "tied_embeddings": bool, "default_quantization": str, "files": list,
}
MODEL_OPTIONAL = {"reason": str}
FILE_FIELDS = {
    "quantization": str, "repo": str, "file": str, "url": str, "size_bytes": int, "size_exact": bool,
    "verified": bool,
}
FILE_OPTIONAL = {"sha256": str, "source": str}
DIMENSIONS = ("parameters", "context_length", "n_layers", "n_heads", "n_kv_heads", "head_dim", "n_embd",
              "n_ff", "n_vocab")

ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
REPO_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
FILE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.gguf$")
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
HTTPS_RE = re.compile(r"^https://[^\s/]+(/\S*)?$")
HUB = "https://huggingface.co/"


def is_type(value, kind):
    if kind is int:  # bool is an int in Python; JSON true must not pass as a count
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def check_fields(obj, required, optional, where, errors):
    if not isinstance(obj, dict):
        errors.append(f"{where}: not an object")
        return False
    for key, kind in required.items():
        if key not in obj:
            errors.append(f"{where}: missing field '{key}'")
        elif not is_type(obj[key], kind):
            errors.append(f"{where}: field '{key}' should be {kind.__name__}, is {type(obj[key]).__name__}")
    for key, kind in optional.items():
        if key in obj and not is_type(obj[key], kind):
            errors.append(f"{where}: field '{key}' should be {kind.__name__}, is {type(obj[key]).__name__}")
    for key in obj:
        if key not in required and key not in optional:
            errors.append(f"{where}: unknown field '{key}'")
    return all(key in obj and is_type(obj[key], kind) for key, kind in required.items())


def size_bounds(model, quant):
    """Plausible file size range for `model` quantized as `quant`, in bytes.

    Low: every parameter at the type's lowest bits per weight. High: the non-embedding parameters at the
    highest bits per weight, the token embedding and output matrices (n_vocab x n_embd each) kept at 16 bits,
    as some converters do, plus the header allowance."""
    low_bpw, high_bpw = BITS_PER_WEIGHT[quant]
    params = model["parameters"]
    embedding = min(params, 2 * model["n_vocab"] * model["n_embd"])
    low = params * low_bpw / 8 * SIZE_SLACK_LOW
    high = ((params - embedding) * high_bpw + embedding * max(high_bpw, 16.0)) / 8 * SIZE_SLACK_HIGH
    return low, high + HEADER_ALLOWANCE


def check_file(model, entry, where, errors):
    if not check_fields(entry, FILE_FIELDS, FILE_OPTIONAL, where, errors):
        return
    quant = entry["quantization"]
    if quant not in BITS_PER_WEIGHT:
        errors.append(f"{where}: unknown quantization '{quant}' (known: {', '.join(sorted(BITS_PER_WEIGHT))})")
    if not REPO_RE.match(entry["repo"]):
        errors.append(f"{where}: repo '{entry['repo']}' is not owner/name")
    if not FILE_RE.match(entry["file"]):
        errors.append(f"{where}: file '{entry['file']}' is not a plain .gguf file name")
    expected_url = f"{HUB}{entry['repo']}/resolve/main/{entry['file']}"
    if entry["url"] != expected_url:
        errors.append(f"{where}: url '{entry['url']}' does not match repo/file (expected '{expected_url}')")
    size = entry["size_bytes"]
    if size <= 0:
        errors.append(f"{where}: size_bytes {size} is not positive")
    elif quant in BITS_PER_WEIGHT and is_type(model.get("parameters"), int) and model["parameters"] > 0 \
            and is_type(model.get("n_vocab"), int) and is_type(model.get("n_embd"), int):
        low, high = size_bounds(model, quant)
        if not low <= size <= high:
            bpw = size * 8 / model["parameters"]
            errors.append(f"{where}: size_bytes {size} ({bpw:.2f} bits/weight) is implausible for "
                          f"{model['parameters']} parameters at {quant}: expected {low:.0f}..{high:.0f} bytes")
    if "sha256" in entry and not SHA_RE.match(entry["sha256"]):
        errors.append(f"{where}: sha256 '{entry['sha256']}' is not 64 lowercase hex digits")
    if entry["verified"]:
        if "sha256" not in entry:
            errors.append(f"{where}: verified is true but there is no sha256")
        if not entry["size_exact"]:
            errors.append(f"{where}: verified is true but size_exact is false")
        if "source" not in entry:
            errors.append(f"{where}: verified is true but no source page is named")
    if "source" in entry and not entry["source"].startswith(HUB):
        errors.append(f"{where}: source '{entry['source']}' is not a Hugging Face hub page")


def check_model(model, index, errors):
    where = f"models[{index}]"
    if isinstance(model, dict) and isinstance(model.get("id"), str):
        where = f"model '{model['id']}'"
    if not check_fields(model, MODEL_FIELDS, MODEL_OPTIONAL, where, errors):
        # Keep going with what is there so one run lists as much as possible.
        if not isinstance(model, dict):
            return
    if isinstance(model.get("id"), str) and not ID_RE.match(model["id"]):
        errors.append(f"{where}: id '{model['id']}' must be lowercase letters, digits, '.', '_' or '-'")
    for key in ("name", "description", "family", "license"):
        if isinstance(model.get(key), str) and not model[key].strip():
            errors.append(f"{where}: {key} is empty")
    if isinstance(model.get("description"), str) and "\n" in model["description"]:
        errors.append(f"{where}: description must be one line")
    for key in ("license_url", "homepage"):
        if isinstance(model.get(key), str) and not HTTPS_RE.match(model[key]):
            errors.append(f"{where}: {key} '{model[key]}' is not an https URL")
    for key in DIMENSIONS:
        if is_type(model.get(key), int) and model[key] <= 0:
            errors.append(f"{where}: {key} must be positive, is {model[key]}")
    dims_ok = all(is_type(model.get(key), int) and model[key] > 0 for key in DIMENSIONS)
    arch = model.get("architecture")
    if dims_ok:
        if model["n_heads"] % model["n_kv_heads"]:
            errors.append(f"{where}: n_heads {model['n_heads']} is not a multiple of n_kv_heads {model['n_kv_heads']}")
        # llama and qwen2 derive head_dim = n_embd / n_heads; other architectures (qwen3, gemma) may set it apart.
        if arch in SUPPORTED_ARCHITECTURES and model["head_dim"] * model["n_heads"] != model["n_embd"]:
            errors.append(f"{where}: head_dim {model['head_dim']} x n_heads {model['n_heads']} != n_embd {model['n_embd']}")
    # tied_embeddings against the published parameter count: a separate output matrix adds n_vocab x n_embd, which
    # is 5-28% of these models, so the wrong flag is far outside the 1% the shapes-only count (no biases) allows.
    if dims_ok and model.get("chat") is True and isinstance(model.get("tied_embeddings"), bool):
        e, v, hd = model["n_embd"], model["n_vocab"], model["head_dim"]
        layer = 2 * e * model["n_heads"] * hd + 2 * e * model["n_kv_heads"] * hd + 3 * e * model["n_ff"] + 2 * e
        count = e * v + model["n_layers"] * layer + e + (0 if model["tied_embeddings"] else e * v)
        if abs(count - model["parameters"]) > 0.01 * model["parameters"]:
            errors.append(f"{where}: tied_embeddings {str(model['tied_embeddings']).lower()} gives {count} parameters "
                          f"from the shapes, {model['parameters']} are published")
    supported = model.get("supported")
    if isinstance(supported, bool) and isinstance(arch, str):
        if supported and arch not in SUPPORTED_ARCHITECTURES:
            errors.append(f"{where}: supported is true but the engine does not load architecture '{arch}'")
        if not supported and arch in SUPPORTED_ARCHITECTURES:
            errors.append(f"{where}: architecture '{arch}' is supported by the engine but the entry says supported false")
    if supported is False:
        if not isinstance(model.get("reason"), str) or not model["reason"].strip():
            errors.append(f"{where}: unsupported entries need a non-empty reason")
    elif supported is True and "reason" in model:
        errors.append(f"{where}: reason is only for unsupported entries")
    files = model.get("files")
    if not isinstance(files, list):
        return
    if not files:
        errors.append(f"{where}: files is empty")
    quants = []
    for j, entry in enumerate(files):
        fwhere = f"{where} files[{j}]"
        if isinstance(entry, dict) and isinstance(entry.get("quantization"), str):
            fwhere = f"{where} {entry['quantization']}"
        check_file(model, entry, fwhere, errors)
        if isinstance(entry, dict) and isinstance(entry.get("quantization"), str):
            quants.append(entry["quantization"])
    for q in sorted(set(quants)):
        if quants.count(q) > 1:
            errors.append(f"{where}: quantization {q} is listed {quants.count(q)} times")
    if isinstance(model.get("default_quantization"), str) and model["default_quantization"] not in quants:
        errors.append(f"{where}: default_quantization {model['default_quantization']} is not among the files")
    if supported is True and model.get("chat") is True and not {"Q4_K_M", "Q4_0"} & set(quants):
        errors.append(f"{where}: a supported chat model must offer Q4_K_M or Q4_0")


def check_catalog(catalog):
    errors = []
    if not isinstance(catalog, dict):
        return ["top level: not an object"]
    for key in catalog:
        if key not in ("version", "models"):
            errors.append(f"top level: unknown field '{key}'")
    if catalog.get("version") != 1 or isinstance(catalog.get("version"), bool):
        errors.append(f"top level: version must be 1, is {catalog.get('version')!r}")
    models = catalog.get("models")
    if not isinstance(models, list) or not models:
        errors.append("top level: models must be a non-empty list")
        return errors
    for i, model in enumerate(models):
        check_model(model, i, errors)
    ids = [m.get("id") for m in models if isinstance(m, dict)]
    for mid in sorted({i for i in ids if isinstance(i, str)}):
        if ids.count(mid) > 1:
            errors.append(f"top level: id '{mid}' is used {ids.count(mid)} times")
    seen = {}
    for m in models:
        for entry in (m.get("files") or []) if isinstance(m, dict) and isinstance(m.get("files"), list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("repo"), str) and isinstance(entry.get("file"), str):
                key = (entry["repo"], entry["file"])
                if key in seen:
                    errors.append(f"top level: {key[0]}/{key[1]} is listed by both '{seen[key]}' and '{m.get('id')}'")
                seen[key] = m.get("id")
    if not any(isinstance(m, dict) and m.get("supported") is True and m.get("chat") is True for m in models):
        errors.append("top level: no supported chat model")
    return errors


def load(path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


# Each mutation breaks one thing; the self-test checks that check_catalog notices it.
def _first(cat, pred):
    return next(m for m in cat["models"] if pred(m))


def _supported_chat(cat):
    return _first(cat, lambda m: m["supported"] and m["chat"])


def _unsupported(cat):
    return _first(cat, lambda m: not m["supported"])


def _with_sha(cat):
    return next(f for m in cat["models"] for f in m["files"] if "sha256" in f)


def _set(obj, key, value):
    obj[key] = value


def _drop_four_bit(cat):
    model = _supported_chat(cat)
    model["files"] = [f for f in model["files"] if f["quantization"] not in ("Q4_K_M", "Q4_0")]
    model["default_quantization"] = model["files"][0]["quantization"]


def _mark_unsupported(cat):
    model = _supported_chat(cat)
    model["supported"] = False
    model["reason"] = "no reason"


def _relabel_largest_q4(cat):
    # The biggest Q4_K_M file relabelled Q8_0: half the bytes a Q8_0 of that model needs.
    model, entry = max(((m, f) for m in cat["models"] for f in m["files"] if f["quantization"] == "Q4_K_M"),
                       key=lambda mf: mf[1]["size_bytes"])
    model["files"] = [f for f in model["files"] if f is entry or f["quantization"] != "Q8_0"]
    entry["quantization"] = "Q8_0"
    model["default_quantization"] = "Q8_0"
    if model["supported"]:
        model["files"].append(dict(entry, quantization="Q4_0", file="x-q4_0.gguf",
                                   url=entry["url"].rsplit("/", 1)[0] + "/x-q4_0.gguf"))


def _verified(cat):
    return next(f for m in cat["models"] for f in m["files"] if f["verified"])


# name -> (how to break a copy, text the resulting error must contain)
MUTATIONS = {
    "missing field": (lambda c: c["models"][0].pop("n_kv_heads"), "missing field 'n_kv_heads'"),
    "wrong type": (lambda c: _set(c["models"][0], "n_layers", "24"), "'n_layers' should be int"),
    "bool as count": (lambda c: _set(c["models"][0], "n_layers", True), "'n_layers' should be int"),
    "duplicate id": (lambda c: _set(c["models"][1], "id", c["models"][0]["id"]), "is used 2 times"),
    "url mismatch": (lambda c: _set(c["models"][0]["files"][0], "url",
                                    c["models"][0]["files"][0]["url"].replace("/resolve/main/", "/blob/main/")),
                     "does not match repo/file"),
    "file renamed, url kept": (lambda c: _set(c["models"][0]["files"][0], "file", "other.gguf"), "does not match repo/file"),
    "zero size": (lambda c: _set(c["models"][0]["files"][0], "size_bytes", 0), "is not positive"),
    "size too small": (lambda c: _set(c["models"][0]["files"][0], "size_bytes", c["models"][0]["files"][0]["size_bytes"] // 4),
                       "is implausible"),
    "size too large": (lambda c: _set(c["models"][0]["files"][0], "size_bytes", c["models"][0]["files"][0]["size_bytes"] * 4),
                       "is implausible"),
    "Q4_K_M file labelled Q8_0": (_relabel_largest_q4, "is implausible"),
    "short sha256": (lambda c: _set(_with_sha(c), "sha256", _with_sha(c)["sha256"][:63]), "is not 64 lowercase hex"),
    "uppercase sha256": (lambda c: _set(_with_sha(c), "sha256", _with_sha(c)["sha256"].upper()), "is not 64 lowercase hex"),
    "verified without sha256": (lambda c: _verified(c).pop("sha256"), "verified is true but there is no sha256"),
    "verified with a rounded size": (lambda c: _set(_verified(c), "size_exact", False), "verified is true but size_exact"),
    "source off the hub": (lambda c: _set(_verified(c), "source", "https://example.com/x"), "not a Hugging Face hub page"),
    "unsupported architecture marked supported": (lambda c: _set(_unsupported(c), "supported", True),
                                                  "the engine does not load architecture"),
    "unsupported without reason": (lambda c: _unsupported(c).pop("reason"), "need a non-empty reason"),
    "supported architecture marked unsupported": (_mark_unsupported, "is supported by the engine"),
    "head_dim inconsistent": (lambda c: _set(_supported_chat(c), "head_dim", _supported_chat(c)["head_dim"] * 2),
                              "!= n_embd"),
    "kv heads not dividing": (lambda c: _set(_supported_chat(c), "n_kv_heads", _supported_chat(c)["n_heads"] + 1),
                              "is not a multiple of n_kv_heads"),
    "no 4-bit file": (_drop_four_bit, "must offer Q4_K_M or Q4_0"),
    "unknown quantization": (lambda c: _set(c["models"][0]["files"][0], "quantization", "Q4_K_X"), "unknown quantization"),
    "duplicate quantization": (lambda c: c["models"][0]["files"].append(copy.deepcopy(c["models"][0]["files"][0])),
                               "is listed 2 times"),
    "default quantization absent": (lambda c: _set(c["models"][0], "default_quantization", "Q6_K"), "is not among the files"),
    "wrong version": (lambda c: _set(c, "version", 2), "version must be 1"),
    "empty models": (lambda c: _set(c, "models", []), "non-empty list"),
    "unknown field": (lambda c: _set(c["models"][0]["files"][0], "sizes", 1), "unknown field 'sizes'"),
    "two-line description": (lambda c: _set(c["models"][0], "description", "a\nb"), "must be one line"),
    "tied_embeddings not a bool": (lambda c: _set(c["models"][0], "tied_embeddings", 1), "'tied_embeddings' should be bool"),
    "tied_embeddings flipped": (lambda c: _set(_supported_chat(c), "tied_embeddings", not _supported_chat(c)["tied_embeddings"]),
                                "are published"),
}


def self_test(catalog):
    base = check_catalog(catalog)
    if base:
        print("self-test needs a valid catalog to start from:", file=sys.stderr)
        for e in base:
            print("  " + e, file=sys.stderr)
        return 1
    failed = 0
    for name, (mutate, expected) in MUTATIONS.items():
        broken = copy.deepcopy(catalog)
        mutate(broken)
        errors = check_catalog(broken)
        hits = [e for e in errors if expected in e]
        if hits:
            print(f"ok   {name}: rejected ({hits[0]})")
        elif errors:
            print(f"FAIL {name}: rejected, but not for '{expected}': {errors}")
            failed += 1
        else:
            print(f"FAIL {name}: the broken catalog was accepted")
            failed += 1
    # Text that is not JSON at all.
    try:
        json.loads('{"version": 1, "models": [')
        print("FAIL truncated JSON parsed")
        failed += 1
    except json.JSONDecodeError:
        print("ok   truncated JSON: rejected by the parser")
    return 1 if failed else 0


def main(argv):
    args = argv[1:]
    selftest = False
    if args and args[0] == "--self-test":
        selftest, args = True, args[1:]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        catalog = load(args[0])
    except (OSError, json.JSONDecodeError) as exc:
        print(f"{args[0]}: cannot read the catalog: {exc}", file=sys.stderr)
        return 1
    if selftest:
        return self_test(catalog)
    errors = check_catalog(catalog)
    if errors:
        print(f"{args[0]}: {len(errors)} problem(s):", file=sys.stderr)
        for e in errors:
            print("  " + e, file=sys.stderr)
        return 1
    models = catalog["models"]
    files = [f for m in models for f in m["files"]]
    print(f"{args[0]}: ok: {len(models)} models ({sum(m['supported'] for m in models)} supported), "
          f"{len(files)} files ({sum(f['verified'] for f in files)} verified)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
