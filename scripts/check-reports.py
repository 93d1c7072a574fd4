#!/usr/bin/env python3
"""Checks mmutorture's HTML and JUnit reports the way their readers see them.

  check-reports.py html KIND PAGE.html [--screenshot OUT.png]
  check-reports.py junit REPORT.xml TESTS FAILURES

html: parses PAGE strictly as HTML5 (html5lib, strict: any parse error
fails), checks the parts a page of KIND must have (pass, native-violation,
deterministic-violation, verify, merged), then renders it in a real
headless browser (chromium-headless-shell --dump-dom) and checks that the
swimlanes and charts are in the rendered DOM; with --screenshot, also
takes a screenshot. junit: parses REPORT with junitparser and checks the
number of testcases and failures.
"""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import html5lib

NS = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"


def fail(msg):
    print(f"check-reports: FAILED: {msg}")
    sys.exit(1)


def classes(el):
    return (el.get("class") or "").split()


def find_all(root, tag, cls=None):
    return [e for e in root.iter(tag) if cls is None or cls in classes(e)]


def by_id(root, ident):
    for e in root.iter():
        if e.get("id") == ident:
            return e
    return None


def text(el):
    return "".join(el.itertext())


def check_parts(kind, root, where):
    body = root.find(f"{NS}body")
    if body is None:
        fail(f"{where}: no body")
    first = list(body)[0]
    if first.get("id") != "verdict":
        fail(f"{where}: the page does not start with the verdict (starts with {first.tag} {first.attrib})")
    # Self-contained: no script, no external resource.
    for e in root.iter():
        for attr in ("src", "href"):
            if e.get(attr):
                fail(f"{where}: {e.tag} {attr}={e.get(attr)}: the page must not load anything")
        if e.tag == f"{NS}script":
            fail(f"{where}: a script")
    if by_id(root, "counters") is None:
        fail(f"{where}: no counters")
    verdict = " ".join(classes(first))
    want = {"pass": "pass", "native-violation": "fail", "deterministic-violation": "fail", "verify": "pass",
            "merged": "pass"}[kind]
    if want not in verdict.split():
        fail(f"{where}: verdict {verdict!r}, wanted {want}")
    if kind in ("native-violation", "deterministic-violation"):
        if by_id(first, "reproduce") is None:
            fail(f"{where}: a failing page without the reproduce command in the verdict")
    bars = find_all(root, f"{SVG}svg", "bar-chart")
    lanes = find_all(root, f"{NS}div", "lanes")
    if kind in ("pass", "native-violation", "merged") and len(bars) < 2:
        fail(f"{where}: {len(bars)} bar charts, wanted the outcomes and the retries")
    if kind == "native-violation":
        rows = find_all(root, f"{NS}tr", "violating")
        if not find_all(root, f"{NS}table", "trace") or not rows:
            fail(f"{where}: no merged trace table with the violating event marked")
    if kind == "deterministic-violation":
        if len(lanes) != 1:
            fail(f"{where}: {len(lanes)} swimlane grids")
        heads = find_all(lanes[0], f"{NS}div", "lane-head")
        threads = [text(h) for h in heads if "step" not in classes(h)]
        if len(threads) < 2:
            fail(f"{where}: lanes {threads}: wanted one per thread")
        acts = find_all(lanes[0], f"{NS}div", "act")
        marked = [a for a in acts if "violation" in classes(a)]
        if len(marked) != 1:
            fail(f"{where}: {len(marked)} violating steps marked, wanted 1")
        if not any("spte" in text(a) and "0x" in text(a) for a in acts):
            fail(f"{where}: no spte values in the lanes")
        if not find_all(root, f"{SVG}svg", "interleaving"):
            fail(f"{where}: no interleaving overview")
    if kind == "verify":
        m = find_all(root, f"{NS}table", "matrix")
        if not m or not find_all(m[0], f"{NS}td", "ok"):
            fail(f"{where}: no mutant x seed matrix with detection times")
        if "caught" not in text(m[0]):
            fail(f"{where}: the matrix has no detection times")
    if kind == "merged":
        shards = find_all(root, f"{NS}table", "shards")
        runs = find_all(root, f"{NS}table", "runs")
        if not shards or not runs:
            fail(f"{where}: no shard table or runs table")
        if "shard" not in text(runs[0].find(f"{NS}thead")):
            fail(f"{where}: the runs table has no shard column")
    return len(lanes), len(bars)


def check_html(kind, path, screenshot=None):
    data = open(path, "rb").read()
    url = "file://" + os.path.abspath(path)
    try:
        root = html5lib.HTMLParser(strict=True).parse(data)
    except Exception as e:  # html5lib raises ParseError at the first error
        fail(f"{path}: not valid HTML5: {e}")
    lanes, bars = check_parts(kind, root, path)
    # The rendered DOM, as a browser builds it.
    browser = ["chromium-headless-shell", "--no-sandbox", "--headless", "--disable-gpu"]
    dom = subprocess.run(browser + ["--dump-dom", url], capture_output=True, text=True, timeout=60)
    if dom.returncode != 0 or "<body" not in dom.stdout:
        fail(f"{path}: chromium --dump-dom failed: {dom.stderr[-500:]}")
    rendered = html5lib.parse(dom.stdout)
    r_lanes = find_all(rendered, f"{NS}div", "lanes")
    r_bars = find_all(rendered, f"{SVG}svg", "bar-chart")
    if len(r_lanes) != lanes or len(r_bars) != bars:
        fail(f"{path}: rendered DOM has {len(r_lanes)} swimlane grids and {len(r_bars)} bar charts, "
             f"the page {lanes} and {bars}")
    if kind == "deterministic-violation" and not find_all(rendered, f"{NS}div", "act"):
        fail(f"{path}: no steps in the rendered swimlanes")
    if screenshot:
        shot = subprocess.run(browser + [f"--screenshot={screenshot}", "--window-size=1280,2000", url],
                              capture_output=True, text=True, timeout=60)
        if shot.returncode != 0:
            fail(f"{path}: chromium --screenshot failed: {shot.stderr[-500:]}")
        with open(screenshot, "rb") as f:
            if f.read(8) != b"\x89PNG\r\n\x1a\n":
                fail(f"{screenshot}: not a PNG")
    print(f"check-reports: ok     {kind}: {path} ({len(data)} bytes, {lanes} swimlane grid(s), {bars} bar chart(s))")


def check_junit(path, tests, failures):
    from junitparser import JUnitXml
    xml = JUnitXml.fromfile(path)
    cases = [c for suite in xml for c in suite]
    failed = [c for c in cases if any(r._tag == "failure" for r in c.result)]
    if len(cases) != tests or len(failed) != failures:
        fail(f"{path}: {len(cases)} testcases, {len(failed)} failing; wanted {tests} and {failures}")
    print(f"check-reports: ok     junit: {path} ({len(cases)} testcases, {len(failed)} failing)")


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) >= 3 and a[0] == "html":
        shot = a[a.index("--screenshot") + 1] if "--screenshot" in a else None
        check_html(a[1], a[2], shot)
    elif len(a) == 4 and a[0] == "junit":
        check_junit(a[1], int(a[2]), int(a[3]))
    else:
        print(__doc__)
        sys.exit(2)
