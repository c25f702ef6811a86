#!/usr/bin/env python3
"""Times single requests against a running service with nothing else running, one at a time:
the supervisors' ticket lists (each five times, the median) and the candidates of unassigned
visits (the distribution, and the slowest visits with how far their search went). Standard
library only; speaks only to the service on loopback.

    probe.py BASE_URL MANIFEST [VISITS=600]

MANIFEST is the file `fieldline demo --scale N --manifest` wrote for the data set the service
runs on (it names the staff, their password and the unassigned visits).
"""
import json
import sys
import time
import urllib.request

LISTS = [
    "open=true&sort=due&limit=50",
    "status=in_progress&limit=50",
    "breached=true&open=true&limit=50",
    "tier=onsite&open=true&limit=50",
    "sort=opened&limit=50",
    "sort=opened&limit=50&offset=200",
    "open=true&limit=1&exact_total=true",
    "limit=1&exact_total=true",
]


def call(base, method, path, body=None, token=None):
    req = urllib.request.Request(
        base + path, data=None if body is None else json.dumps(body).encode(), method=method
    )
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)


def timed(f):
    started = time.perf_counter()
    out = f()
    return (time.perf_counter() - started) * 1000, out


def main():
    base, manifest = sys.argv[1], json.load(open(sys.argv[2]))
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 600

    def sign_in(role):
        name = next(n for _, n, r in manifest["staff"] if r == role)
        body = {"username": name, "password": manifest["password"]}
        return call(base, "POST", "/api/v1/auth/login", body)["access_token"]

    supervisor, dispatcher = sign_in("supervisor"), sign_in("dispatcher")
    print("ticket lists (median of 5):")
    for q in LISTS:
        runs = sorted(timed(lambda: call(base, "GET", f"/api/v1/tickets?{q}", token=supervisor)) for _ in range(5))
        ms, page = runs[2]
        more = "+" if page["total_capped"] else ""
        print(f"  {q:40s} {ms:7.1f} ms  total {page['total']:,}{more}")

    rows = []
    for visit in manifest["unassigned_visits"][:count]:
        path = f"/api/v1/dispatch/candidates?visit={visit}"
        ms, out = timed(lambda: call(base, "GET", path, token=dispatcher))
        rows.append((ms, visit, out["searched_km"], len(out["candidates"])))
    rows.sort()
    ms = [r[0] for r in rows]

    def pick(q):
        return ms[min(len(ms) - 1, int(len(ms) * q))]

    print(f"candidates of {len(ms)} visits: p50 {pick(0.5):.1f} ms, p90 {pick(0.9):.1f} ms, "
          f"p99 {pick(0.99):.1f} ms, max {ms[-1]:.1f} ms")
    everywhere = sum(1 for r in rows if r[2] is None or r[2] >= 5000)
    print(f"  searched 5,000 km or more (or the whole earth): {everywhere}")
    for ms_, visit, km, n in rows[-3:]:
        print(f"  slow: {ms_:.1f} ms, visit {visit}, searched {km} km, {n} candidates")


if __name__ == "__main__":
    main()
