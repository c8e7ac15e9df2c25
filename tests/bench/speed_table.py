#!/usr/bin/env python3
"""Speed table for the README: hearth-cli bench on TinyLlama-shaped random-weight models, median of several runs.

A benchmark, not a test (never run by ctest): timings depend on the machine and on what else runs on it.

    tests/bench/speed_table.py --cli build/release/bin/hearth-cli --dir /tmp/hearth-bench [--runs 3] [--threads 2]
                               [--types Q4_0,Q8_0] [--pp 512] [--tg 128]

Missing model files are written first with `hearth-cli synth --arch llama --shape tinyllama-1.1b --type T`
(about 40 s and 0.3-2.2 GB each). Each run is a separate `hearth-cli bench -r 1 --json` process, so a run's page
cache and thread placement are independent of the others; the table shows medians, and the spread of the runs.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

# llama.cpp on this machine kind, 2 threads, same shapes and type mixes: ../shared/peer/README.md.
PEER = {
    "F16": (69.5, 14.4),
    "Q8_0": (135.1, 26.9),
    "Q4_0": (122.8, 37.4),
    "Q4_K_M": (108.1, 20.0),
    "Q2_K": (44.2, 24.0),
    "TQ2_0": (75.9, 34.9),
}
DEFAULT_TYPES = ["F16", "Q8_0", "Q4_0", "Q4_K_M", "Q5_K_M", "Q6_K", "Q3_K_M", "Q2_K", "IQ4_XS", "TQ2_0", "TQ1_0"]


def run(cmd):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.strip()}")
    return proc.stdout


def spread(values):
    return f"{min(values):.1f}-{max(values):.1f}" if len(values) > 1 else ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", required=True, help="path to hearth-cli")
    ap.add_argument("--dir", required=True, help="directory of the tl-<TYPE>.gguf files (written if missing)")
    ap.add_argument("--types", default=",".join(DEFAULT_TYPES))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--pp", type=int, default=512)
    ap.add_argument("--tg", type=int, default=128)
    ap.add_argument("--extra", default="", help="more bench arguments, e.g. '--kv-type q8_0'")
    args = ap.parse_args()

    os.makedirs(args.dir, exist_ok=True)
    rows = []
    for t in [s for s in args.types.split(",") if s]:
        path = os.path.join(args.dir, f"tl-{t}.gguf")
        if not os.path.exists(path):
            print(f"writing {path}", file=sys.stderr)
            run([args.cli, "synth", "--arch", "llama", "--shape", "tinyllama-1.1b", "--type", t, "-o", path])
        results = []
        for i in range(args.runs):
            # --remeasure: the bandwidth of the same run (the machine's load varies), not the cached figure.
            out = run([args.cli, "bench", "-m", path, "-t", str(args.threads), "-p", str(args.pp), "-n", str(args.tg),
                       "-r", "1", "--remeasure", "--json"] + args.extra.split())
            results.append(json.loads(out))
            r = results[-1]
            print(f"{t} run {i + 1}: pp {r['pp_tps']:.1f} tg {r['tg_tps']:.1f} ({r['bw_ratio'] * 100:.0f} % of "
                  f"{r['mem_gbps']:.1f} GB/s)", file=sys.stderr)
        pp = [r["pp_tps"] for r in results]
        tg = [r["tg_tps"] for r in results]
        ratio = [r["bw_ratio"] for r in results]
        first = results[0]
        bpw = 8.0 * first["model_bytes"] / first["n_params"]
        peer = PEER.get(t)
        rows.append((t, bpw, first["model_bytes"] / 2**20, first["bytes_per_token"] / 1e9, statistics.median(pp),
                     spread(pp), statistics.median(tg), spread(tg), statistics.median(ratio) * 100,
                     statistics.median(r["mem_gbps"] for r in results), peer))

    print(f"| file type | bits/weight | MiB | GB read/token | pp{args.pp} t/s | tg{args.tg} t/s | "
          f"% of bandwidth | llama.cpp pp / tg |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for t, bpw, mib, gbpt, pp, pps, tg, tgs, pct, bw, peer in rows:
        peer_s = f"{peer[0]} / {peer[1]}" if peer else "-"
        print(f"| {t} | {bpw:.2f} | {mib:.0f} | {gbpt:.3f} | {pp:.1f} ({pps}) | {tg:.1f} ({tgs}) | "
              f"{pct:.0f} % of {bw:.1f} GB/s | {peer_s} |")


if __name__ == "__main__":
    main()
