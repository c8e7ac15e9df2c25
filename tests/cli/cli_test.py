#!/usr/bin/env python3
"""End-to-end tests of hearth-cli's scripted interface: exit codes, stdout/stderr discipline, exact outputs.

Usage: cli_test.py --cli PATH --shared DIR [--broken-maker PATH] CASE
Each CASE is one ctest entry. Cases that need ../shared print a message and exit 77 (ctest SKIP_RETURN_CODE)
when it is absent.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

SKIP = 77

# bench and membw read and write the bandwidth cache: each test process gets its own, never the user's.
CACHE_DIR = tempfile.TemporaryDirectory(prefix="hearth-cli-cache-")
os.environ["HEARTH_CACHE_DIR"] = CACHE_DIR.name


def run(cli, *args, input_text=None, timeout=600):
    return subprocess.run([cli, *args], input=input_text, capture_output=True, timeout=timeout)


def need(path):
    if not os.path.exists(path):
        print(f"SKIP: {path} is absent (../shared is not next to the checkout)")
        sys.exit(SKIP)


def check(cond, msg):
    if not cond:
        print("FAIL:", msg)
        sys.exit(1)


def one_line_error(p, what):
    """Exit status 1, nothing on stdout, a one-line reason on stderr, no crash."""
    err = p.stderr.decode("utf-8", "replace").strip()
    check(p.returncode == 1, f"{what}: expected exit status 1, got {p.returncode} (stderr: {err[:300]})")
    check(err != "", f"{what}: no reason on stderr")
    check(p.stdout == b"", f"{what}: stdout should be empty on error, got {p.stdout[:200]!r}")
    return err


def case_info_json(a):
    model = os.path.join(a.shared, "models", "stories260K.gguf")
    need(model)
    p = run(a.cli, "info", "-m", model, "--ctx", "1024", "--json")
    check(p.returncode == 0, f"info failed: {p.stderr.decode()}")
    doc = json.loads(p.stdout)  # exactly one JSON document
    for key in ("arch", "n_params", "file_bytes", "tensor_types", "kv_bytes_per_token", "kv_bytes",
                "ram_needed_bytes", "ram_available_bytes", "ram_total_bytes"):
        check(key in doc, f"info --json lacks '{key}'")
    check(doc["arch"] == "llama", f"arch {doc['arch']}")
    check(doc["file_bytes"] == os.path.getsize(model), "file_bytes is not the file's size")
    # 5 layers x 4 KV heads x head_dim 8 x (K and V) x 2 bytes (F16)
    check(doc["kv_bytes_per_token"] == 5 * 4 * 8 * 2 * 2, f"kv_bytes_per_token {doc['kv_bytes_per_token']}")
    check(doc["kv_bytes"] == 1024 * doc["kv_bytes_per_token"], "kv_bytes is not per-token x --ctx")
    check(doc["tensor_types"] == {"F32": 48}, f"tensor_types {doc['tensor_types']}")
    check(doc["ram_needed_bytes"] > doc["kv_bytes"] + doc["file_bytes"] // 2, "ram_needed_bytes too small")
    check(0 < doc["ram_available_bytes"] <= doc["ram_total_bytes"], "ram available/total not sane")
    q = os.path.join(a.shared, "conformance", "models", "qcov-Q4_0.gguf")
    if os.path.exists(q):
        doc = json.loads(run(a.cli, "info", "-m", q, "--json").stdout)
        check(doc["tensor_types"] == {"Q4_0": 16, "F32": 5}, f"qcov-Q4_0 tensor_types {doc['tensor_types']}")


def case_broken_files(a):
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.run([a.broken_maker, d], capture_output=True)
        check(p.returncode == 0, f"make_broken_gguf failed: {p.stderr.decode()}")
        files = sorted(os.listdir(d))
        check(len(files) >= 50, f"only {len(files)} broken files")
        for name in files:
            p = run(a.cli, "info", "-m", os.path.join(d, name), "--json", timeout=60)
            err = one_line_error(p, f"info on broken file {name}")
            check("\n" not in err, f"{name}: the reason spans several lines: {err!r}")
        print(f"{len(files)} broken files rejected with exit status 1 and a one-line reason")
    p = run(a.cli, "info", "-m", "/nonexistent/model.gguf")
    check("/nonexistent/model.gguf" in one_line_error(p, "missing file"), "the error does not name the file")
    with tempfile.NamedTemporaryFile(suffix=".gguf") as f:
        f.write(b"this is a text file, not a model\n")
        f.flush()
        err = one_line_error(run(a.cli, "info", "-m", f.name), "not a GGUF")
        check("magic" in err.lower() or "gguf" in err.lower(), f"the error does not say it is not GGUF: {err}")


def case_usage_errors(a):
    one_line_error(run(a.cli, "frobnicate"), "unknown command")
    one_line_error(run(a.cli, "info"), "info without -m")
    one_line_error(run(a.cli, "info", "-m"), "option without value")
    one_line_error(run(a.cli, "info", "-m", "x.gguf", "--bogus"), "unknown option")
    one_line_error(run(a.cli, "run", "-m", "x.gguf", "-p", "hi", "-t", "zero"), "bad integer")
    p = run(a.cli, "--help")
    check(p.returncode == 0 and b"hearth-cli info" in p.stdout, "--help")
    model = os.path.join(a.shared, "models", "stories260K.gguf")
    if os.path.exists(model):
        err = one_line_error(run(a.cli, "logits", "-m", model, "--tokens", "1 99999"), "token out of range")
        check("99999" in err, f"the error does not name the bad token: {err}")
        one_line_error(run(a.cli, "logits", "-m", model, "--tokens", "1 x"), "token not a number")
        err = one_line_error(run(a.cli, "tokenize", "-m", model, "--file", "/dev/zero"), "endless input file")
        check("/dev/zero" in err, f"the error does not name the file: {err}")
        # Sampling options: nan/inf parse as numbers but mean nothing; --top-k beyond int32 used to wrap negative.
        for opt, val in (("--temp", "nan"), ("--top-p", "inf"), ("--min-p", "-nan"), ("--top-k", "2147483648")):
            err = one_line_error(run(a.cli, "run", "-m", model, "-p", "hi", "-n", "1", opt, val), f"{opt} {val}")
            check(opt in err, f"the error does not name {opt}: {err}")


def case_vocab_test(a):
    vocab_dir = os.path.join(a.shared, "conformance", "vocab")
    need(vocab_dir)
    names = ["llama-spm", "phi-3", "llama-bpe", "qwen2", "gpt-2", "deepseek-llm", "deepseek-coder", "falcon",
             "mpt", "starcoder", "refact", "bert-bge"]
    checked = 0
    for name in names:
        gguf = os.path.join(vocab_dir, f"ggml-vocab-{name}.gguf")
        for suffix in ("", ".extra"):
            inp, out = f"{gguf}{suffix}.inp", f"{gguf}{suffix}.out"
            if not os.path.exists(inp):
                continue
            p = run(a.cli, "tokenize", "-m", gguf, "--vocab-test", inp)
            check(p.returncode == 0, f"{name}{suffix}: {p.stderr.decode()}")
            with open(out, "rb") as f:
                want = f.read().decode("utf-8").splitlines()
            got = p.stdout.decode("utf-8").splitlines()
            check(len(got) == len(want), f"{name}{suffix}: {len(got)} lines, expected {len(want)}")
            for i, (g, w) in enumerate(zip(got, want)):
                check(g.strip() == w.strip(), f"{name}{suffix} text {i}: got '{g}' expected '{w}'")
            checked += 1
    check(checked == 24, f"checked {checked} vector files, expected 24")


def case_tokenize_text(a):
    model = os.path.join(a.shared, "models", "stories260K.gguf")
    need(model)
    p = run(a.cli, "tokenize", "-m", model, "--text", "Once upon a time, there was a little girl named Lily.",
            "--bos")
    want = "1 403 407 261 378 432 383 286 261 376 298 315 421 395 317 426"
    check(p.stdout.decode().strip() == want, f"got {p.stdout.decode().strip()}")


def case_logits(a):
    model = os.path.join(a.shared, "models", "stories260K.gguf")
    ref_path = os.path.join(a.shared, "conformance", "ref", "stories260K.lily.json")
    need(ref_path)
    with open(ref_path) as f:
        ref = json.load(f)
    tokens = " ".join(str(t) for t in ref["tokens"])
    for threads in ("1", "2"):
        p = run(a.cli, "logits", "-m", model, "--tokens", tokens, "-t", threads, "--json")
        check(p.returncode == 0, p.stderr.decode())
        doc = json.loads(p.stdout)
        check(doc["n_vocab"] == ref["n_vocab"], "n_vocab")
        check(len(doc["logits"]) == len(ref["tokens"]), "one row per position")
        worst = max(abs(x - y) for row, rrow in zip(doc["logits"], ref["logits_batch"]) for x, y in zip(row, rrow))
        check(worst <= 2e-4, f"max |diff| {worst} > 2e-4 (F32 tolerance) at -t {threads}")
        print(f"-t {threads}: max |diff| vs llama.cpp {worst:.2e}")


def case_run_greedy(a):
    model = os.path.join(a.shared, "models", "stories260K.gguf")
    ref = os.path.join(a.shared, "models", "stories260K.greedy256.txt")
    need(ref)
    p = run(a.cli, "run", "-m", model, "-p", "", "-n", "256", "--temp", "0", "-t", "2")
    check(p.returncode == 0, p.stderr.decode())
    with open(ref, encoding="utf-8") as f:
        want = f.read()
    check(p.stdout.decode("utf-8").strip() == want.strip(), "greedy text differs from the reference")
    err = p.stderr.decode()
    check("tokens/s" in err, f"no speed on stderr: {err}")
    # Same seed, same text; the prompt continues.
    args = ["run", "-m", model, "-p", "Once upon a time", "-n", "40", "--temp", "0.9", "--seed", "42"]
    first, second = run(a.cli, *args), run(a.cli, *args)
    check(first.returncode == 0 and first.stdout == second.stdout and first.stdout, "same seed, different text")


BENCH_KEYS = ("pp_tps", "pp_tps_std", "tg_tps", "tg_tps_std", "model_bytes", "bytes_per_token", "kv_bytes_per_token",
              "tg_gbps", "mem_gbps", "threads")


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def synth_tiny(a, d, ftype="Q8_0", *extra):
    path = os.path.join(d, f"tiny-{ftype}.gguf")
    p = run(a.cli, "synth", "--arch", "llama", "--shape", "tiny", "--type", ftype, "-o", path, *extra)
    check(p.returncode == 0, f"synth {ftype} failed: {p.stderr.decode()}")
    return path


def bench_json(a, model, *args):
    p = run(a.cli, "bench", "-m", model, "-t", "2", "-r", "1", "--json", *args)
    check(p.returncode == 0, f"bench {args} failed: {p.stderr.decode()}")
    doc = json.loads(p.stdout)  # exactly one JSON document
    for key in BENCH_KEYS:
        check(key in doc, f"bench --json lacks '{key}'")
        check(is_number(doc[key]), f"bench --json '{key}' is not a plain number: {doc[key]!r}")
    return doc


def case_bench(a):
    with tempfile.TemporaryDirectory() as d:
        model = synth_tiny(a, d)
        doc = bench_json(a, model, "-p", "8", "-n", "4")
        for key in ("pp_tps", "tg_tps", "model_bytes", "bytes_per_token", "kv_bytes_per_token", "tg_gbps", "mem_gbps"):
            check(doc[key] > 0, f"{key} = {doc[key]}, expected > 0")
        check(doc["threads"] == 2, f"threads {doc['threads']}")
        check(doc["pp_tps_std"] >= 0 and doc["tg_tps_std"] >= 0, "negative stddev")
        # tiny Q8_0: token_embd is 512 rows of 256 values (8 blocks of 34 bytes); one row is read per token.
        check(doc["bytes_per_token"] == doc["model_bytes"] - 512 * 8 * 34 + 8 * 34,
              f"bytes_per_token {doc['bytes_per_token']} vs model_bytes {doc['model_bytes']}")
        # 2 layers x (K + V) x 4 KV heads x 32 dims x 2 bytes per position, (4 + 1) / 2 positions on average.
        check(doc["kv_bytes_per_token"] == 2 * 2 * 128 * 2 * 2.5, f"kv_bytes_per_token {doc['kv_bytes_per_token']}")
        want = doc["bytes_per_token"] * doc["tg_tps"] / 1e9
        check(abs(doc["tg_gbps"] - want) <= 1e-9 * max(1.0, want), f"tg_gbps {doc['tg_gbps']} != {want}")
        p = run(a.cli, "bench", "-m", model, "-t", "1", "-p", "8", "-n", "4", "-r", "1")
        out = p.stdout.decode()
        check(p.returncode == 0 and "pp8" in out and "tg4" in out and "t/s" in out, f"bench table: {out}")
    stories = os.path.join(a.shared, "models", "stories260K.gguf")
    if os.path.exists(stories):
        doc = bench_json(a, stories, "-p", "8", "-n", "4")
        check(doc["tg_tps"] > 0 and doc["pp_tps"] > 0, "stories260K bench")
    one_line_error(run(a.cli, "bench", "-m", "/nonexistent/model.gguf", "--json"), "bench on a missing file")


def case_bench_skip(a):
    with tempfile.TemporaryDirectory() as d:
        model = synth_tiny(a, d)
        doc = bench_json(a, model, "-p", "0", "-n", "4")
        check(doc["pp_tps"] == 0 and doc["pp_tps_std"] == 0, "-p 0 should skip prompt processing")
        check(doc["tg_tps"] > 0, "-p 0 should still generate")
        doc = bench_json(a, model, "-p", "8", "-n", "0")
        for key in ("tg_tps", "tg_tps_std", "tg_gbps", "kv_bytes_per_token"):
            check(doc[key] == 0, f"-n 0: {key} = {doc[key]}, expected 0")
        check(doc["pp_tps"] > 0, "-n 0 should still process the prompt")
        one_line_error(run(a.cli, "bench", "-m", model, "-r", "0"), "bench -r 0")
        one_line_error(run(a.cli, "bench", "-m", model, "-p", "-1"), "bench -p -1")


def case_membw(a):
    p = run(a.cli, "membw", "-t", "1", "--mib", "64", "--passes", "3", "--json")
    check(p.returncode == 0, f"membw failed: {p.stderr.decode()}")
    doc = json.loads(p.stdout)
    check(is_number(doc.get("mem_gbps")) and doc["mem_gbps"] > 0, f"mem_gbps {doc.get('mem_gbps')}")
    check(doc["threads"] == 1 and len(doc["pass_gbps"]) == 3, f"threads/passes {doc}")
    p = run(a.cli, "membw", "-t", "2", "--mib", "64", "--passes", "3")
    check(p.returncode == 0 and b"GB/s" in p.stdout, f"membw text: {p.stdout!r}")
    one_line_error(run(a.cli, "membw", "-t", "0"), "membw -t 0")


def cache_entries():
    path = os.path.join(CACHE_DIR.name, "membw.json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return {e["threads"]: e for e in json.load(f)["entries"]}


def case_bench_cache(a):
    """membw stores its figure; bench uses the cached one for its thread count, measures (and stores) otherwise."""
    check(cache_entries() == {}, "the test's cache should start empty")
    p = run(a.cli, "membw", "-t", "1", "--mib", "64", "--passes", "3", "--json")
    check(p.returncode == 0, f"membw failed: {p.stderr.decode()}")
    measured = json.loads(p.stdout)["mem_gbps"]
    entries = cache_entries()
    check(list(entries) == [1], f"membw -t 1 should cache one entry for 1 thread: {entries}")
    check(entries[1]["gbps"] == measured, f"cached {entries[1]['gbps']} != measured {measured}")
    with tempfile.TemporaryDirectory() as d:
        model = synth_tiny(a, d)
        args = ("-p", "4", "-n", "2", "-r", "1")
        doc = json.loads(run(a.cli, "bench", "-m", model, "-t", "1", *args, "--json").stdout)
        check(doc["mem_cached"] is True and doc["mem_gbps"] == measured,
              f"bench -t 1 should use the cached {measured}: {doc['mem_gbps']} cached={doc['mem_cached']}")
        check(doc["mem_measured_at"] == entries[1]["measured_at"], "bench does not name when it was measured")
        out = run(a.cli, "bench", "-m", model, "-t", "1", *args).stdout.decode()
        check(f"cached, measured {entries[1]['measured_at']}" in out, f"bench table does not say cached: {out}")
        # No entry for 2 threads: measured, then stored for the next run.
        doc = json.loads(run(a.cli, "bench", "-m", model, "-t", "2", *args, "--json").stdout)
        check(doc["mem_cached"] is False, "bench -t 2 has no cached figure and must measure")
        entries = cache_entries()
        check(sorted(entries) == [1, 2] and entries[2]["gbps"] == doc["mem_gbps"], f"bench did not store: {entries}")
        # --remeasure ignores the cache and replaces the entry.
        doc = json.loads(run(a.cli, "bench", "-m", model, "-t", "1", *args, "--remeasure", "--json").stdout)
        check(doc["mem_cached"] is False, "--remeasure must measure")
        check(cache_entries()[1]["gbps"] == doc["mem_gbps"], "--remeasure did not store its figure")
    # A corrupt cache is no cache, and the next measurement replaces it.
    with open(os.path.join(CACHE_DIR.name, "membw.json"), "w") as f:
        f.write("{not json")
    p = run(a.cli, "membw", "-t", "1", "--mib", "64", "--passes", "3", "--json")
    check(p.returncode == 0, f"membw over a corrupt cache failed: {p.stderr.decode()}")
    check(cache_entries()[1]["gbps"] == json.loads(p.stdout)["mem_gbps"], "corrupt cache not replaced")


def case_synth(a):
    with tempfile.TemporaryDirectory() as d:
        want = {"Q4_K_M": {"F32": 5, "Q4_K": 13, "Q6_K": 3}, "F16": {"F32": 5, "F16": 16},
                "Q4_0": {"F32": 5, "Q4_0": 15, "Q6_K": 1}}
        for ftype, types in want.items():
            model = synth_tiny(a, d, ftype)
            doc = json.loads(run(a.cli, "info", "-m", model, "--json").stdout)
            check(doc["tensor_types"] == types, f"{ftype}: tensor_types {doc['tensor_types']}")
            check(doc["supported"] is True, f"{ftype}: not supported: {doc.get('unsupported_reason')}")
            p = run(a.cli, "logits", "-m", model, "--tokens", "1 20 300", "--json")
            check(p.returncode == 0, f"{ftype}: logits failed: {p.stderr.decode()}")
            rows = json.loads(p.stdout)["logits"]
            check(all(v is not None and math.isfinite(v) for row in rows for v in row), f"{ftype}: non-finite logits")
        model = synth_tiny(a, d, "Q4_0", "--pure")
        doc = json.loads(run(a.cli, "info", "-m", model, "--json").stdout)
        check(doc["tensor_types"] == {"F32": 5, "Q4_0": 16}, f"--pure: {doc['tensor_types']}")
        out = os.path.join(d, "x.gguf")
        err = one_line_error(run(a.cli, "synth", "--shape", "tiny", "--type", "Q4_K", "-o", out), "tensor type as file type")
        check("Q4_K_M" in err, f"the error does not list the file types: {err}")
        err = one_line_error(run(a.cli, "synth", "--shape", "huge", "--type", "F16", "-o", out), "unknown shape")
        check("tinyllama-1.1b" in err, f"the error does not list the shapes: {err}")
        one_line_error(run(a.cli, "synth", "--shape", "tiny", "--type", "F16"), "synth without -o")
        stories = os.path.join(a.shared, "models", "stories260K.gguf")
        if os.path.exists(stories):
            err = one_line_error(run(a.cli, "synth", "--shape", "tinyllama-1.1b", "--type", "F16", "--vocab-from",
                                     stories, "-o", out), "vocabulary of the wrong size")
            check("512" in err and "32000" in err, f"the error does not give both sizes: {err}")
            check(not os.path.exists(out), "a file was written despite the error")


def case_kv_type(a):
    """--kv-type: f16 (default), q8_0 (34 bytes per 32 elements), f32; bad names and head sizes are refused."""
    with tempfile.TemporaryDirectory() as d:
        model = synth_tiny(a, d)  # 2 layers, 4 KV heads of 32 dims: 128 keys + 128 values per position and layer
        f16_pos, q8_pos = 2 * 2 * 128 * 2, 2 * 2 * 4 * 34
        base = json.loads(run(a.cli, "info", "-m", model, "--ctx", "256", "--json").stdout)
        check(base["kv_type"] == "f16", f"default kv_type {base['kv_type']}")
        check(base["kv_bytes_per_token"] == f16_pos == base["kv_bytes_per_token_selected"],
              f"f16: {base['kv_bytes_per_token']} / {base['kv_bytes_per_token_selected']}")
        p = run(a.cli, "info", "-m", model, "--ctx", "256", "--kv-type", "q8_0", "--json")
        check(p.returncode == 0, f"info --kv-type q8_0 failed: {p.stderr.decode()}")
        q8 = json.loads(p.stdout)
        check(q8["kv_bytes_per_token"] == f16_pos, "kv_bytes_per_token must stay the F16 figure")
        check(q8["kv_type"] == "q8_0" and q8["kv_bytes_per_token_selected"] == q8_pos,
              f"q8_0: {q8['kv_type']} {q8['kv_bytes_per_token_selected']}")
        check(q8["kv_bytes"] == 256 * q8_pos, f"kv_bytes {q8['kv_bytes']} is not the q8_0 figure x --ctx")
        check(base["ram_needed_bytes"] - q8["ram_needed_bytes"] == 256 * (f16_pos - q8_pos),
              "the memory estimate does not follow the KV type")
        f32 = json.loads(run(a.cli, "info", "-m", model, "--kv-type", "f32", "--json").stdout)
        check(f32["kv_bytes_per_token_selected"] == 2 * f16_pos, f"f32: {f32['kv_bytes_per_token_selected']}")

        # bench: the KV bytes read per generated token follow the type ((4 + 1) / 2 positions on average).
        for kv, per_pos in (("f16", f16_pos), ("q8_0", q8_pos)):
            doc = bench_json(a, model, "-p", "8", "-n", "4", "--kv-type", kv)
            check(doc["kv_type"] == kv, f"bench kv_type {doc['kv_type']}")
            check(doc["kv_bytes_per_token"] == per_pos * 2.5, f"{kv}: kv_bytes_per_token {doc['kv_bytes_per_token']}")
            check(doc["tg_tps"] > 0 and doc["pp_tps"] > 0, f"{kv}: bench speeds")
        # -d 6: the runs start with 6 tokens in the context, each generated token reads them too.
        doc = bench_json(a, model, "-p", "4", "-n", "4", "-d", "6", "--kv-type", "q8_0")
        check(doc["n_depth"] == 6 and doc["kv_bytes_per_token"] == q8_pos * (6 + 2.5),
              f"-d 6: n_depth {doc['n_depth']}, kv_bytes_per_token {doc['kv_bytes_per_token']}")

        # Generation and logits run with a q8_0 cache; its logits stay close to the F32-cache ones.
        p = run(a.cli, "run", "-m", model, "-p", "hello", "-n", "8", "--temp", "0", "-t", "2", "--kv-type", "q8_0")
        check(p.returncode == 0 and "tokens/s" in p.stderr.decode(), f"run --kv-type q8_0: {p.stderr.decode()}")
        toks = ["--tokens", "1 20 300 7 99 4 250 31"]
        exact = json.loads(run(a.cli, "logits", "-m", model, *toks, "--json").stdout)["logits"]
        p = run(a.cli, "logits", "-m", model, *toks, "--kv-type", "q8_0", "--json")
        check(p.returncode == 0, f"logits --kv-type q8_0: {p.stderr.decode()}")
        q8_logits = json.loads(p.stdout)["logits"]
        worst = max(abs(x - y) for row, qrow in zip(exact, q8_logits) for x, y in zip(row, qrow))
        check(0 < worst < 0.5, f"q8_0 cache logits differ from the f32 cache's by {worst}")
        print(f"logits, q8_0 vs f32 cache: max |diff| {worst:.3g}")

        # Bad names: exit 1 and a one-line reason naming the option, the value and the choices.
        for cmd in (["info"], ["bench", "-n", "1", "-p", "0"], ["run", "-p", "x"], ["logits", "--tokens", "1"]):
            err = one_line_error(run(a.cli, *cmd, "-m", model, "--kv-type", "q4_0"), f"{cmd[0]} --kv-type q4_0")
            check("--kv-type" in err and "q4_0" in err and "q8_0" in err, f"{cmd[0]}: unclear error: {err}")
        one_line_error(run(a.cli, "info", "-m", model, "--kv-type"), "--kv-type without a value")
    # head_dim 8 cannot hold Q8_0 blocks: refused with head_dim named.
    stories = os.path.join(a.shared, "models", "stories260K.gguf")
    if os.path.exists(stories):
        for cmd in (["run", "-p", "x", "-n", "1"], ["bench", "-p", "4", "-n", "1"], ["info"]):
            err = one_line_error(run(a.cli, *cmd, "-m", stories, "--kv-type", "q8_0"), f"stories {cmd[0]} q8_0")
            check("head_dim 8" in err, f"{cmd[0]}: the error does not name head_dim: {err}")



def info_fake_memory(a, d, model, total_kb, avail_kb, *args):
    """info --json with the memory read from a fake /proc (HEARTH_PROC_DIR) and no cgroup limit."""
    proc = os.path.join(d, "proc")
    os.makedirs(os.path.join(proc, "self"), exist_ok=True)
    with open(os.path.join(proc, "meminfo"), "w") as f:
        f.write(f"MemTotal: {total_kb} kB\nMemFree: {avail_kb} kB\nMemAvailable: {avail_kb} kB\n")
    with open(os.path.join(proc, "self", "cgroup"), "w") as f:
        f.write("0::/\n")
    env = dict(os.environ, HEARTH_PROC_DIR=proc, HEARTH_CGROUP_DIR=os.path.join(d, "no-cgroup"))
    p = subprocess.run([a.cli, "info", "-m", model, "-t", "1", "--json", *args], env=env, capture_output=True,
                       timeout=600)
    check(p.returncode == 0, f"info with fake memory failed: {p.stderr.decode()}")
    doc = json.loads(p.stdout)
    check(doc["ram_available_bytes"] == avail_kb * 1024 and doc["ram_total_bytes"] == total_kb * 1024,
          f"the fake memory was not used: {doc['ram_available_bytes']} / {doc['ram_total_bytes']}")
    return doc


def case_info_fit(a):
    """info: fit verdict, largest context that fits and predicted speed from the cached bandwidth (issue 5)."""
    model = os.path.join(a.shared, "models", "stories260K.gguf")
    need(model)
    p = run(a.cli, "membw", "-t", "1", "--mib", "64", "--passes", "3", "--json")
    check(p.returncode == 0, f"membw failed: {p.stderr.decode()}")
    gbps = json.loads(p.stdout)["mem_gbps"]
    p = run(a.cli, "info", "-m", model, "--ctx", "1024", "-t", "1", "--json")
    check(p.returncode == 0, f"info failed: {p.stderr.decode()}")
    doc = json.loads(p.stdout)
    for key in ("max_ctx_fit", "predicted_tg_tps", "mem_gbps", "bytes_per_token", "kv_bytes_per_token_selected"):
        check(is_number(doc.get(key)), f"info --json '{key}' is not a plain number: {doc.get(key)!r}")
    check(doc["fit"] in ("fits", "tight", "no"), f"fit {doc['fit']!r}")
    check(doc["mem_cached"] is True and doc["mem_gbps"] == gbps, f"info -t 1 should use the cached {gbps}: {doc}")
    # stories260K (untied, F32): every weight but the 512 x 64 embedding, plus one 64-value row.
    check(doc["bytes_per_token"] == 1171200 - 512 * 64 * 4 + 64 * 4, f"bytes_per_token {doc['bytes_per_token']}")
    # bandwidth / (weights + the F16 cache at half of --ctx)
    want = gbps * 1e9 / (doc["bytes_per_token"] + 640 * 1024 / 2)
    check(abs(doc["predicted_tg_tps"] - want) <= 1e-9 * want, f"predicted_tg_tps {doc['predicted_tg_tps']} != {want}")
    # No cached figure for 2 threads: measured quickly and stored.
    doc2 = json.loads(run(a.cli, "info", "-m", model, "-t", "2", "--json").stdout)
    check(doc2["mem_cached"] is False and doc2["mem_gbps"] > 0, f"info -t 2 should measure: {doc2['mem_gbps']}")
    check(cache_entries().get(2, {}).get("gbps") == doc2["mem_gbps"], "info did not store its measurement")
    out = run(a.cli, "info", "-m", model, "-t", "2").stdout.decode()
    check("fit:" in out and "tok/s predicted at" in out and "cached, measured" in out, f"info text: {out}")

    with tempfile.TemporaryDirectory() as d:
        needed = doc["ram_needed_bytes"]
        kb = lambda n: -(-n // 1024)  # bytes to kB, rounded up
        # Plenty of memory: fits, with the trained context.
        big = info_fake_memory(a, d, model, 64 << 20, 32 << 20, "--ctx", "1024")
        check(big["fit"] == "fits" and big["fits"] is True, f"32 GiB available: {big['fit']}")
        check(big["max_ctx_fit"] == 2048, f"max_ctx_fit {big['max_ctx_fit']} should be the trained 2048")
        # Just enough: tight (needs more than 85 % of available).
        tight = info_fake_memory(a, d, model, kb(needed) * 4, kb(needed), "--ctx", "1024")
        check(tight["fit"] == "tight", f"available = needed: {tight['fit']}")
        check(1024 <= tight["max_ctx_fit"] < 2048, f"max_ctx_fit {tight['max_ctx_fit']} with available = needed")
        # The largest context that fits really is the largest: one more token does not.
        limit = tight["max_ctx_fit"]
        at = info_fake_memory(a, d, model, kb(needed) * 4, kb(needed), "--ctx", str(limit))
        over = info_fake_memory(a, d, model, kb(needed) * 4, kb(needed), "--ctx", str(limit + 1))
        check(at["ram_needed_bytes"] <= at["ram_available_bytes"] < over["ram_needed_bytes"],
              f"max_ctx_fit {limit}: needs {at['ram_needed_bytes']}, then {over['ram_needed_bytes']}, "
              f"available {at['ram_available_bytes']}")
        # A tiny machine: no, and no context fits.
        tiny = info_fake_memory(a, d, model, 48 << 10, 32 << 10, "--ctx", "1024")
        check(tiny["fit"] == "no" and tiny["fits"] is False, f"48 MiB machine: {tiny['fit']}")
        check(tiny["max_ctx_fit"] == 0, f"48 MiB machine: max_ctx_fit {tiny['max_ctx_fit']}")
        # A smaller KV type leaves room for more context in the same memory (tiny synth: head_dim 32).
        tiny_model = synth_tiny(a, d)
        avail = kb(info_fake_memory(a, d, tiny_model, 1 << 20, 1 << 20, "--ctx", "128")["ram_needed_bytes"])
        f16 = info_fake_memory(a, d, tiny_model, 1 << 20, avail, "--ctx", "128")
        q8 = info_fake_memory(a, d, tiny_model, 1 << 20, avail, "--ctx", "128", "--kv-type", "q8_0")
        check(f16["max_ctx_fit"] == 128, f"f16 max_ctx_fit {f16['max_ctx_fit']}: the memory holds 128 positions")
        check(q8["max_ctx_fit"] > f16["max_ctx_fit"] > 0, f"max_ctx_fit q8_0 {q8['max_ctx_fit']} f16 {f16['max_ctx_fit']}")
        check(q8["predicted_tg_tps"] > f16["predicted_tg_tps"] > 0, "a smaller cache should predict more tok/s")
        check(q8["kv_bytes_per_token"] == f16["kv_bytes_per_token"], "kv_bytes_per_token must stay the F16 figure")


def case_embed(a):
    model = os.path.join(a.shared, "conformance", "models", "arch-bert.gguf")
    ref_path = os.path.join(a.shared, "conformance", "ref", "arch-bert.texts.json")
    need(model)
    need(ref_path)
    with open(ref_path) as f:
        ref = json.load(f)
    for item in ref["items"]:
        for raw in (False, True):
            args = ["embed", "-m", model, "--text", item["text"], "--json", "-t", "2"] + (["--raw"] if raw else [])
            p = run(a.cli, *args)
            check(p.returncode == 0, f"embed failed: {p.stderr.decode()}")
            doc = json.loads(p.stdout)  # exactly one JSON document
            check(doc["n_embd"] == 128 and len(doc["embedding"]) == 128, f"n_embd {doc['n_embd']}")
            check(all(is_number(v) for v in doc["embedding"]), "non-numbers in the embedding")
            norm = math.sqrt(sum(v * v for v in doc["embedding"]))
            if raw:
                want, tol = item["embd_single"], 2e-3  # conformance README section 7
            else:
                check(abs(norm - 1) < 1e-5, f"--json without --raw: norm {norm}, expected 1")
                want, tol = item["embd_l2"], 2e-3 / math.sqrt(sum(v * v for v in item["embd_single"]))
            err = max(abs(x - y) for x, y in zip(doc["embedding"], want))
            check(err <= tol, f"{item['text']!r} raw={raw}: max |diff| {err} vs llama.cpp, tolerance {tol}")
    p = run(a.cli, "embed", "-m", model, "--text", "Hello world")
    check(p.returncode == 0 and b"128 dimensions" in p.stdout, f"plain output: {p.stdout!r} {p.stderr!r}")
    # Chat paths refuse an embedding model with a reason; embed refuses a text generation model.
    err = one_line_error(run(a.cli, "run", "-m", model, "-p", "hi", "-n", "1"), "run on an embedding model")
    check("embedding model" in err, f"run does not say it is an embedding model: {err}")
    stories = os.path.join(a.shared, "models", "stories260K.gguf")
    if os.path.exists(stories):
        err = one_line_error(run(a.cli, "embed", "-m", stories, "--text", "hi"), "embed on a chat model")
        check("not an embedding model" in err, f"embed on stories260K: {err}")


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--broken-maker")
    ap.add_argument("case", choices=sorted(CASES))
    a = ap.parse_args()
    CASES[a.case](a)
    print("ok")


if __name__ == "__main__":
    main()
