#!/usr/bin/env python3
"""A harmless tool: prints word counts of the text given on standard input."""
import collections
import sys

counts = collections.Counter(sys.stdin.read().split())
for word, count in counts.most_common(10):
    print(f"{count:6d} {word}")
print("distinct words:", len(counts))
