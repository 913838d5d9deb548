#!/usr/bin/env python3
"""Runs shell commands alternately and prints, for each, the median and lowest wall-clock time
and the median user and system CPU time.

Usage: bench/alternate.py RUNS 'COMMAND A' ['COMMAND B' ...]

Alternating (A B, B A, A B ...: the order flips every round) rather than running each
command's series in one go keeps a slow moment of a shared machine from landing on one command
only. With two commands it also prints how often the second was faster than the first in the
same round and the median of their per-round ratios: on a machine whose speed drifts, the pairs
compare where the medians cannot. Example, two binaries checking
the 10,000-story site:

    bench/alternate.py 15 'old/byline check --root /dev/shm/s10k' \\
                          'target/release/byline check --root /dev/shm/s10k'
"""
import resource
import statistics
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    runs, commands = int(sys.argv[1]), sys.argv[2:]
    results = {command: [] for command in commands}
    for round_number in range(runs):
        order = commands if round_number % 2 == 0 else list(reversed(commands))
        for command in order:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(command, shell=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            results[command].append((wall, after.ru_utime - before.ru_utime,
                                     after.ru_stime - before.ru_stime))
    for command, samples in results.items():
        walls = sorted(sample[0] for sample in samples)
        user = statistics.median(sample[1] for sample in samples)
        system = statistics.median(sample[2] for sample in samples)
        print(f"median {statistics.median(walls):.3f} s, lowest {walls[0]:.3f} s | "
              f"user {user:.3f} s, sys {system:.3f} s (medians) | {command}")
    if len(commands) == 2:
        first, second = ([sample[0] for sample in results[c]] for c in commands)
        faster = sum(b < a for a, b in zip(first, second))
        ratio = statistics.median(b / a for a, b in zip(first, second))
        print(f"second faster in {faster} of {runs} rounds; median ratio second/first {ratio:.3f}")


if __name__ == "__main__":
    main()
