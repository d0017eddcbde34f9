#!/usr/bin/env python3
"""test_print.py - a print file that would point nowhere, or lose its text,
is refused on the download route with the message a user sees: a server
without a base URL or with a loopback or private one (every format, CSV
too) names --base-url and the base-url setting; a label size too small for
the required text names the field and the smallest size that holds it.
Nothing is audited for a refusal (tests/cli/print.sh has the CLI's side). A public base URL's path keeps its case in the
CSV, only the code's part upper case.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gimark_test as g  # noqa: E402

FORMATS = ("csv", "pdf", "svg", "png", "zip")


def seed(w):
    w.gimark("init")
    w.gimark("demo")
    bid, _ = w.batch(1, 3, activate=False)
    token = g.add_user(w, "coop", "operator", operator="93451003MA815908XM")
    return bid, token


def get(s, token, path):
    status, _, body = s.request("GET", path, headers={"Authorization": "Bearer " + token})
    return status, body.decode("utf-8", "replace")


def exports(w):
    return int(w.sql("select count(*) from audit_log where action = 'batch.export'"))


def test_base_urls(t, w, bid, token):
    for base in (None, "http://127.0.0.1:8080", "https://192.168.1.20/gi", "http://localhost"):
        before = exports(w)
        s = g.Server(w, *(("--base-url", base) if base else ())).start()
        try:
            for fmt in FORMATS:
                status, body = get(s, token, "/api/v1/batches/%d/labels?format=%s" % (bid, fmt))
                t.check(status in (400, 403, 409) and "--base-url" in body
                        and "base-url setting" in body,
                        "base URL %s, %s: refused naming --base-url and the setting" % (base, fmt),
                        (status, body[:200]))
        finally:
            s.stop()
        t.check(exports(w) == before, "base URL %s: no export audited" % base)


def test_layout_refusals(t, w, bid, token):
    s = g.Server(w, "--base-url", "https://gi.example.cn/Labels").start()
    try:
        before = exports(w)
        status, body = get(s, token, "/api/v1/batches/%d/labels?format=pdf&label-size=40x30" % bid)
        t.check(status == 400 and "with characters 1.8 mm high" in body
                and "the smallest label that holds" in body and "--label-size" in body,
                "a label too small for the text: 400 naming the smallest size", (status, body[:300]))
        status, body = get(s, token, "/api/v1/batches/%d/labels?format=pdf&min-text=0.1" % bid)
        t.check(status == 400 and "min-text" in body, "min-text below 0.5 mm refused",
                (status, body[:200]))
        t.check(exports(w) == before, "refusals leave no audit row")
        status, body = get(s, token, "/api/v1/batches/%d/labels?format=csv" % bid)
        rows = body.splitlines()[1:]
        t.check(status == 200 and len(rows) == 3 and all(
            r.split(",")[1].startswith("HTTPS://GI.EXAMPLE.CN/Labels/V/") for r in rows),
            "the base URL's path keeps its case, host and code upper case", body[:200])
    finally:
        s.stop()


def main():
    t = g.Tally("test_print")
    w = g.Workdir()
    try:
        bid, token = seed(w)
        test_base_urls(t, w, bid, token)
        test_layout_refusals(t, w, bid, token)
    finally:
        w.cleanup()
    t.finish()


if __name__ == "__main__":
    main()
