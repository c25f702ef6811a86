#!/usr/bin/env python3
"""Prepares a mixed load run: signs in users of each role and writes one request file per
endpoint for scripts/wrk/replay.lua, from the manifest `fieldline demo --scale N --manifest`
wrote. Standard library only; speaks only to the service on loopback.

    load_plan.py BASE_URL MANIFEST OUT_DIR REQUESTS

REQUESTS bounds the whole run; each endpoint gets its share of it (the mix below), and the
one-shot actions (escalate, assign, complete) at most one request per ticket or visit.
Prints the endpoints it planned, as `name connections file`, one per line.
"""
import datetime
import json
import sys
import urllib.request
import uuid

# name, share of the requests, connections (users working at once), how a request is made
MIX = [
    ("tickets_create", 0.20, 3),   # agents registering requests
    ("tickets_escalate", 0.05, 1), # agents escalating their own tickets to on-site
    ("tickets_list", 0.15, 2),     # supervisors listing tickets
    ("dispatch_candidates", 0.15, 2),  # dispatchers ranking candidates
    ("visits_auto_assign", 0.05, 1),   # dispatchers assigning
    ("mobile_pings", 0.35, 4),     # technicians sending positions
    ("visits_complete", 0.05, 1),  # technicians completing visits
]


def post(base, path, body, token=None):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST")
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def main():
    base, manifest_path, out, total = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    m = json.load(open(manifest_path))
    password = m["password"]
    tokens = {}

    def token(username):
        if username not in tokens:
            tokens[username] = post(base, "/api/v1/auth/login", {"username": username, "password": password})[
                "access_token"
            ]
        return tokens[username]

    staff, staff_name = {}, {}
    for user_id, name, role in m["staff"]:
        staff.setdefault(role, []).append(name)
        staff_name[user_id] = name
    agents = [token(n) for n in staff["agent"][:3]]
    dispatchers = [token(n) for n in staff["dispatcher"][:2]]
    supervisors = [token(n) for n in staff["supervisor"][:2]]
    tech_name = {t[0]: t[1] for t in m["technicians"]}
    now = datetime.datetime.now(datetime.timezone.utc)
    iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
    quota = {name: max(1, int(total * share)) for name, share, _ in MIX}
    files = {}

    def lines(name, rows):
        path = f"{out}/{name}.txt"
        with open(path, "w") as f:
            for r in rows:
                f.write("\t".join(str(x) for x in r) + "\n")
        files[name] = (path, len(rows))

    sites = m["sites"]
    lines(
        "tickets_create",
        [
            (
                "POST",
                "/api/v1/tickets",
                agents[i % len(agents)],
                "-",
                "-",
                json.dumps(
                    {
                        "customer_id": sites[i % len(sites)][0],
                        "site_id": sites[i % len(sites)][1],
                        "asset_id": sites[i % len(sites)][2],
                        "channel": "phone",
                        "priority": ["p2", "p3", "p3", "p4"][i % 4],
                        "title": "UPS alarm",
                        "description": "Registered by the load run",
                        # The site may have open tickets: say this one is a new fault, or the
                        # registration is refused with 409 and lists them.
                        "unrelated_reason": "a separate fault on the same asset",
                    }
                ),
            )
            for i in range(quota["tickets_create"])
        ],
    )
    window = now + datetime.timedelta(days=1)
    lines(
        "tickets_escalate",
        [
            (
                "POST",
                f"/api/v1/tickets/{t}/escalate",
                token(staff_name[owner]),
                "-",
                "-",
                json.dumps(
                    {
                        "to": "onsite",
                        "reason": "hardware fault: a part must be replaced on site",
                        "window_start": iso(window),
                        "window_end": iso(window + datetime.timedelta(hours=2)),
                    }
                ),
            )
            for t, owner in m["hotline_tickets"][: quota["tickets_escalate"]]
        ],
    )
    lists = [
        "open=true&sort=due&limit=50",
        "status=in_progress&limit=50",
        "breached=true&open=true&limit=50",
        "tier=onsite&open=true&limit=50",
        "sort=opened&limit=50",
    ]
    lines(
        "tickets_list",
        [
            ("GET", f"/api/v1/tickets?{lists[i % len(lists)]}&offset={50 * (i // len(lists) % 5)}",
             supervisors[i % len(supervisors)], "-", "-", "")
            for i in range(quota["tickets_list"])
        ],
    )
    unassigned = m["unassigned_visits"]
    half = len(unassigned) // 2
    rank_from, assign_from = unassigned[:half] or unassigned, unassigned[half:]
    lines(
        "dispatch_candidates",
        [
            ("GET", f"/api/v1/dispatch/candidates?visit={rank_from[i % len(rank_from)]}",
             dispatchers[i % len(dispatchers)], "-", "-", "")
            for i in range(quota["dispatch_candidates"])
        ],
    )
    lines(
        "visits_auto_assign",
        [
            ("POST", f"/api/v1/visits/{v}/auto-assign", dispatchers[i % len(dispatchers)], "-", "-", "")
            for i, v in enumerate(assign_from[: quota["visits_auto_assign"]])
        ],
    )
    pingers = [t[1] for t in m["technicians"][:32]]
    ping_rows = []
    for i in range(quota["mobile_pings"]):
        at = now - datetime.timedelta(seconds=60 - i % 60)
        body = {"pings": [{"at": iso(at), "latitude": 31.23 + (i % 97) * 1e-4, "longitude": 121.47, "accuracy_m": 12.0}]}
        ping_rows.append(
            ("POST", "/api/v1/mobile/pings", token(pingers[i % len(pingers)]), "-", uuid.uuid4(), json.dumps(body))
        )
    lines("mobile_pings", ping_rows)
    done = []
    for visit, tech, version in m["onsite_visits"][: min(quota["visits_complete"], 300)]:
        body = {
            "work_notes": "Replaced the battery string; tested on load",
            "parts": [{"part_number": "BAT-12V-9AH", "quantity": 4}],
            "time_spent_minutes": 75,
            "quote_amount": 380.0,
            "signoff_name": "Site manager",
            "signature_png_base64": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
        }
        done.append(
            ("POST", f"/api/v1/mobile/visits/{visit}/complete", token(tech_name[tech]), f'"{version}"', uuid.uuid4(),
             json.dumps(body))
        )
    lines("visits_complete", done)
    for name, _share, connections in MIX:
        path, n = files[name]
        if n > 0:
            print(name, min(connections, n), path)


if __name__ == "__main__":
    main()
