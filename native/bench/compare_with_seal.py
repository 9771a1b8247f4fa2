#!/usr/bin/env python3
"""Side-by-side table of hnn_bench output and the SEAL 4.1.2 reference timings.

    hnn_bench --n 8192,16384,32768 --threads 1,all > hnn.csv
    native/bench/compare_with_seal.py hnn.csv ../shared/bench/seal-4.1.2-baseline.csv

Prints a Markdown table: N, op, SEAL median (single thread), HNN single-thread median and ratio, and HNN's
all-core median and ratio when present. Ratios below 1 mean HNN is faster. Then, where hnn.csv has them, add
against add_memory_floor: the time this machine needs just to move add's bytes.
"""
import csv
import sys


def read_times(path):
    rows = {}
    with open(path, newline="") as f:
        for row in csv.reader(f):
            if len(row) != 4 or row[0] == "N":
                continue  # header, or a size line "N,object,bytes"
            n, op, threads, us = row
            rows[(int(n), op, int(threads))] = float(us)
    return rows


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    ours, seal = read_times(sys.argv[1]), read_times(sys.argv[2])
    multi = {k[2] for k in ours if k[2] > 1}
    threads = max(multi) if multi else None
    head = "| N | op | SEAL 1 thread (µs) | HNN 1 thread (µs) | ratio |"
    sep = "|---|---|---|---|---|"
    if threads:
        head += f" HNN {threads} threads (µs) | ratio |"
        sep += "---|---|"
    print(head)
    print(sep)
    for (n, op, t), seal_us in sorted(seal.items()):
        if t != 1 or (n, op, 1) not in ours:
            continue
        one = ours[(n, op, 1)]
        line = f"| {n} | {op} | {seal_us:,.0f} | {one:,.0f} | {one / seal_us:.2f} |"
        if threads and (n, op, threads) in ours:
            many = ours[(n, op, threads)]
            line += f" {many:,.0f} | {many / seal_us:.2f} |"
        print(line)
    # add is bound by memory bandwidth: set it against this machine's floor (hnn_bench's add_memory_floor, the
    # same bytes moved without any arithmetic), which SEAL's figure from another machine cannot show.
    for (n, op, t), floor_us in sorted(ours.items()):
        if op == "add_memory_floor" and t == 1 and (n, "add", 1) in ours:
            add_us = ours[(n, "add", 1)]
            print(f"\nN = {n}: add {add_us:,.0f} µs, this machine's memory floor for it {floor_us:,.0f} µs "
                  f"(add / floor = {add_us / floor_us:.2f})")


if __name__ == "__main__":
    main()
