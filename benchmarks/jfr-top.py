#!/usr/bin/env python3
"""Summarises a JFR recording's execution samples: top frames (self time) and top frames
including callees, per thread group. Usage: jfr print --json --events jdk.ExecutionSample
rec.jfr > samples.json; python3 jfr-top.py samples.json [thread-substring]"""
import collections
import json
import sys

data = json.load(open(sys.argv[1]))
want = sys.argv[2] if len(sys.argv) > 2 else None
events = data["recording"]["events"]
self_time = collections.Counter()
total = collections.Counter()
threads = collections.Counter()
n = 0
for e in events:
    thread = e["values"]["sampledThread"]["javaName"] or e["values"]["sampledThread"]["osName"]
    threads[thread.split(" (")[0][:60]] += 1
    if want and want not in thread:
        continue
    frames = e["values"]["stackTrace"]["frames"]
    if not frames:
        continue
    n += 1
    def name(f):
        m = f["method"]
        return m["type"]["name"] + "." + m["name"]
    self_time[name(frames[0])] += 1
    seen = set()
    for f in frames:
        k = name(f)
        if k not in seen:
            total[k] += 1
            seen.add(k)
print("samples per thread:")
for t, c in threads.most_common(15):
    print(f"  {c:6d}  {t}")
print(f"\n{n} samples{' in threads matching ' + want if want else ''}; top self:")
for k, c in self_time.most_common(25):
    print(f"  {100.0 * c / n:5.1f}%  {k}")
print("\ntop including callees:")
for k, c in total.most_common(45):
    print(f"  {100.0 * c / n:5.1f}%  {k}")
