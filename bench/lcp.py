"""Largest contentful paint of our key pages on a phone over slow 4G (issue 22), each against a title-only page of
the same site, measured by Chromium itself.

    .venv/bin/python bench/lcp.py [--rounds 5] [--ports 55650-55659] [--pages course,catalogue] [--before REV]
        [--out FILE]

What it does:

* **Site**: this checkout on SQLite with the 60-course demo data and the title-only ``StandardPage`` ``/bare/`` of
  bench/peer.py (its ``build_ours``: production settings, manifest static files), served by gunicorn with
  bench/gunicorn_bench.conf.py (2 sync workers, no recycling, the app preloaded as production's gunicorn.conf.py
  does), ``GZIP_RESPONSES=1`` (gunicorn facing the phone, no proxy), the full-page cache on. Media files, which
  nginx serves in production (``expires 7d``), come from a view in the benchmark's own URLconf with the same
  ``Cache-Control``; nothing is added to the project's URLs. With ``--before REV`` the tree of that commit
  (``git archive``) is built and served too, on its own database, and every page of every round is loaded from both
  servers, in an order that alternates, so a change is measured against the same machine load (the machine is
  shared: two runs a few minutes apart differed by ±0.1–0.3 in a page's ratio).
* The search index is built (``update_index``, in ``peer.build_ours``) as a deployment's task worker would, so
  ``?q=物业`` finds results.
* **Phone**: Debian's Chromium (the flags of tests/browser/conftest.py) through Playwright, a 390×844 viewport at
  ``--dpr`` device pixels per CSS pixel, touch, Chinese. Through the DevTools protocol (a CDP session per page):
  ``Network.emulateNetworkConditions`` with Lighthouse's slow-4G figures (150 ms round trip, 1.6 Mbit/s down,
  750 kbit/s up) and ``Emulation.setCPUThrottlingRate`` 4.
* **Loads**: every key page in turn, ``--rounds`` interleaved rounds (each round starts one page further on, so no
  page always follows the same one); each load in a fresh browser context (an empty cache: a first visit), then the
  same address again in that context (a warm cache: a return visit). The logged-in lesson and title-only page carry
  the demo trainee's session cookie.
* **Read**: after the load event and 0.5 s without network traffic, the last ``largest-contentful-paint`` entry (a
  buffered PerformanceObserver) and what its element was, ``first-contentful-paint``, and the bytes transferred
  (Resource Timing ``transferSize`` of the document and every resource, same origin).
* **Report**: medians per page, each page ÷ the title-only page (anonymous pages against the anonymous title-only
  page, logged-in pages against the logged-in one), machine, load average and date, as markdown on stdout (and in
  ``--out``); with ``--before``, a table per tree and the median of the per-round ratios, before → after. Goal: every key page's largest paint within 1.2× the title-only page's.
"""

import argparse
import collections
import datetime
import os
import shutil
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peer  # noqa: E402  (bench/peer.py: building our site, gunicorn start/stop)
from world import machine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [  # tests/browser/conftest.py
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
# Lighthouse's slow 4G (lighthouse-core/config/constants.js, mobileSlow4G): 150 ms RTT, 1.6 × 1024 kbit/s down,
# 750 kbit/s up; the DevTools protocol takes bytes per second.
SLOW_4G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}
CPU_SLOWDOWN = 4

# Media as nginx serves it in production (deploy/nginx/academy.conf: location /media/, expires 7d).
URLS = """
from django.conf import settings
from django.urls import re_path
from django.views.static import serve
from academy.urls import urlpatterns as site_urlpatterns

def media(request, path):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "max-age=604800"
    return response

urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), *site_urlpatterns]
"""

# The largest paint so far and what painted it; first contentful paint; bytes over the wire.
READ = """
() => new Promise((resolve) => {
  const describe = (element) => {
    if (!element) return "(element gone)";
    let text = element.tagName.toLowerCase();
    if (element.id) text += "#" + element.id;
    if (element.classList.length) text += "." + [...element.classList].join(".");
    return text;
  };
  const finish = (entry) => {
    const navigation = performance.getEntriesByType("navigation")[0];
    const resources = performance.getEntriesByType("resource");
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    resolve({
      lcp: entry ? entry.startTime : null,
      element: entry ? describe(entry.element) : "(none)",
      text: entry && entry.element && !entry.url ? entry.element.textContent.trim().slice(0, 24) : "",
      url: entry ? entry.url.replace(location.origin, "") : "",
      size: entry ? entry.size : 0,
      fcp: fcp ? fcp.startTime : null,
      html: navigation.transferSize,
      html_decoded: navigation.decodedBodySize,
      bytes: navigation.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
      requests: 1 + resources.length,
      fetched: 1 + resources.filter((r) => r.transferSize > 0).length,
    });
  };
  new PerformanceObserver((list) => {
    const entries = list.getEntries();
    finish(entries[entries.length - 1]);
  }).observe({type: "largest-contentful-paint", buffered: true});
  setTimeout(() => finish(null), 2000);
})
"""


def pages_of(site: dict) -> dict[str, tuple[str, bool]]:
    """Label → (path, logged in)."""
    p = site["pages"]
    return {
        "title-only": (p["bare"], False),
        "home": (p["home"], False),
        "catalogue": (p["catalogue"], False),
        "course": (p["course"], False),
        "event": (p["event"], False),
        "news": (p["news"], False),
        "search": (site["search"], False),
        "title-only, logged in": (p["bare"], True),
        "lesson, logged in": (p["lesson, logged in"], True),
    }


def only(pages: dict, labels: list[str]) -> dict:
    """The pages named, with the title-only page (anonymous or logged in) each is compared with, in report order."""
    unknown = set(labels) - set(pages)
    if unknown:
        sys.exit(f"unknown pages {', '.join(sorted(unknown))}; known: {', '.join(pages)}")
    wanted = set(labels) | {"title-only, logged in" if pages[label][1] else "title-only" for label in labels}
    return {label: value for label, value in pages.items() if label in wanted}


def load(browser, base: str, path: str, cookie: str, dpr: float) -> tuple[dict, dict]:
    """One cold load in a fresh context, then a warm one of the same address in that context."""
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=dpr, is_mobile=True, has_touch=True, locale="zh-CN", base_url=base
    )
    try:
        if cookie:
            name, value = cookie.split("=", 1)
            context.add_cookies([{"name": name, "value": value, "url": base}])
        page = context.new_page()
        page.set_default_timeout(60_000)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_4G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        results = []
        for _visit in ("cold", "warm"):
            response = page.goto(path, wait_until="load")
            if response is None or response.status != 200:
                raise RuntimeError(f"{path}: {response.status if response else 'no response'}")
            page.wait_for_load_state("networkidle")
            results.append(page.evaluate(READ))
        return results[0], results[1]
    finally:
        context.close()


def measure(sites: list[dict], args) -> dict:
    """Samples per (site name, page label, visit). With two sites (``--before``) each page of a round is loaded from
    both, in an order that alternates from round to round and page to page, so both see the same machine."""
    from playwright.sync_api import sync_playwright

    samples = {
        (site["name"], label, visit): [] for site in sites for label in site["measured"] for visit in ("cold", "warm")
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            for site in sites:  # warm each server (page cache, templates), unthrottled
                for path, logged_in in site["measured"].values():
                    context = browser.new_context(base_url=site["base"])
                    if logged_in:
                        name, value = site["cookie"].split("=", 1)
                        context.add_cookies([{"name": name, "value": value, "url": site["base"]}])
                    context.new_page().goto(path)
                    context.close()
            labels = list(sites[0]["measured"])
            for round_ in range(args.rounds):
                order = labels[round_ % len(labels) :] + labels[: round_ % len(labels)]
                for number, label in enumerate(order):
                    turn = sites if (round_ + number) % 2 == 0 else sites[::-1]
                    for site in turn:
                        path, logged_in = site["measured"][label]
                        cookie = site["cookie"] if logged_in else ""
                        cold, warm = load(browser, site["base"], path, cookie, args.dpr)
                        samples[(site["name"], label, "cold")].append(cold)
                        samples[(site["name"], label, "warm")].append(warm)
                        print(
                            f"round {round_ + 1} {site['name']} {label}: LCP {cold['lcp']:.0f} / {warm['lcp']:.0f} ms"
                            f" ({cold['element']} {cold['url'] or cold['text']})",
                            file=sys.stderr,
                        )
        finally:
            browser.close()
    return samples


def median(values) -> float:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def element_of(loads: list[dict]) -> str:
    """The element that was the largest paint most often, with its image or first words."""
    described = collections.Counter(
        f"`{one['element']}`" + (f" `{one['url']}`" if one["url"] else f" “{one['text']}”" if one["text"] else "")
        for one in loads
    )
    (most, count), *_ = described.most_common(1)
    return most + (f" ({count} of {len(loads)})" if count < len(loads) else "")


def report(samples: dict, pages: dict, args, loads: list[tuple], started: str, note: str) -> str:
    def base_of(label: str) -> str:
        return "title-only, logged in" if pages[label][1] else "title-only"

    lines = [
        f"- Date: {started}; machine: {machine()}",
        f"- Load average (1/5/15 min) at the start: {' / '.join(f'{x:.1f}' for x in loads[0])}; at the end:"
        f" {' / '.join(f'{x:.1f}' for x in loads[1])} (the machine is shared: absolute figures are noisy, the ratios"
        " of interleaved rounds much less so).",
        f"- Command: `.venv/bin/python bench/lcp.py --rounds {args.rounds} --dpr {args.dpr:g}"
        + (f" --pages {args.pages}" if args.pages else "")
        + (f" --before {args.before}" if args.before else "")
        + "`"
        + note,
        f"- Chromium {args.chromium_version}, headless, {PHONE['width']}×{PHONE['height']} at {args.dpr:g}× device"
        " pixels, touch; DevTools protocol: `Network.emulateNetworkConditions` 150 ms latency, 1.6 Mbit/s down,"
        f" 750 kbit/s up; `Emulation.setCPUThrottlingRate` {CPU_SLOWDOWN}. gunicorn 2 sync workers"
        " (bench/gunicorn_bench.conf.py, app preloaded), production settings, `GZIP_RESPONSES=1`, full-page cache"
        f" on, SQLite with the demo data. {args.rounds} interleaved rounds; medians. Cold: a fresh browser context"
        " (empty cache); warm: the same address again in that context.",
        "",
        "| Page | LCP cold, ms | ÷ title-only | FCP cold, ms | LCP warm, ms | ÷ title-only | KB cold (HTML) |"
        " LCP element (cold) | ≤ 1.2×? |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for label, (path, _logged_in) in pages.items():
        cold, warm = samples[(label, "cold")], samples[(label, "warm")]
        base_cold, base_warm = samples[(base_of(label), "cold")], samples[(base_of(label), "warm")]
        lcp, lcp_warm = median(x["lcp"] for x in cold), median(x["lcp"] for x in warm)
        ratio = lcp / median(x["lcp"] for x in base_cold)
        ratio_warm = lcp_warm / median(x["lcp"] for x in base_warm)
        kb, html = median(x["bytes"] for x in cold) / 1024, median(x["html"] for x in cold) / 1024
        verdict = "—" if label == base_of(label) else ("met" if max(ratio, ratio_warm) <= 1.2 else "**not met**")
        lines.append(
            f"| {label} (`{path}`) | {lcp:,.0f} | {ratio:.2f} | {median(x['fcp'] for x in cold):,.0f} |"
            f" {lcp_warm:,.0f} | {ratio_warm:.2f} | {kb:,.1f} ({html:,.1f}) | {element_of(cold)} | {verdict} |"
        )
    return "\n".join(lines)


def ratios(samples: dict, sites: list[dict]) -> str:
    """Median of the per-round ratios (each page ÷ its title-only page loaded in the same round), before → after."""
    lines = [
        "Median of the per-round ratios (a page ÷ the title-only page of the same round and tree), before → after:",
        "",
    ]
    pages = sites[0]["measured"]
    for label, (_path, logged_in) in pages.items():
        base = "title-only, logged in" if logged_in else "title-only"
        if label == base:
            continue
        cells = []
        for visit in ("cold", "warm"):
            medians = []
            for site in sites:
                mine, theirs = samples[(site["name"], label, visit)], samples[(site["name"], base, visit)]
                medians.append(
                    median(a["lcp"] / b["lcp"] for a, b in zip(mine, theirs, strict=True) if a["lcp"] and b["lcp"])
                )
            cells.append(f"{visit} {medians[0]:.2f} → {medians[1]:.2f}")
        lines.append(f"- {label}: " + ", ".join(cells))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--dpr", type=float, default=2.0, help="device pixels per CSS pixel (default 2)")
    parser.add_argument("--ports", metavar="FIRST-LAST", default="55650-55659", help="loopback ports to listen on")
    parser.add_argument(
        "--pages",
        metavar="LABEL,...",
        help="measure only these pages (labels as in the report, e.g. course,catalogue); the title-only page each"
        " is compared with is always measured",
    )
    parser.add_argument(
        "--before",
        metavar="REV",
        help="also serve the tree of this commit (git archive) and load each page from both in every round",
    )
    parser.add_argument("--note", default="", help="text appended to the command line in the report")
    parser.add_argument("--out", type=Path, help="also write the markdown report to this file")
    args = parser.parse_args()
    first, last = (int(part) for part in args.ports.split("-"))
    peer.PORTS.extend(range(first, last + 1))
    peer.args_ports_given = True
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install chromium")
    args.chromium_version = peer.run([CHROMIUM, "--version"]).stdout.split()[1]
    started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    loads = [os.getloadavg()]
    workdir = Path(tempfile.mkdtemp(prefix="bench-lcp-"))
    servers = []
    try:
        sites = []
        if args.before:
            tree = peer.export_tree(args.before, workdir / "before-tree")
            sites.append(peer.build_ours("before", tree, workdir))
        sites.append(peer.build_ours("after" if args.before else "ours", ROOT, workdir))
        preload = {"BENCH_PRELOAD": "1", "BENCH_ON_STARTING": "academy.preload:before_fork", "GZIP_RESPONSES": "1"}
        for site in sites:
            (workdir / site["name"] / "bench_site_urls.py").write_text(URLS)
            site["env"] = {**site["env"], **preload}
            site["measured"] = pages_of(site)
            if args.pages:
                site["measured"] = only(site["measured"], args.pages.split(","))
            server, site["base"] = peer.start(site)
            servers.append(server)
            peer.wait_until_up(site["base"] + site["pages"]["bare"])
        started_at = time.monotonic()
        samples = measure(sites, args)
        loads.append(os.getloadavg())
        print(f"measured in {time.monotonic() - started_at:.0f} s", file=sys.stderr)
        parts = []
        for site in sites:
            mine = {(label, visit): value for (name, label, visit), value in samples.items() if name == site["name"]}
            note = args.note
            if args.before:
                parts.append(
                    f"#### {site['name'].capitalize()}"
                    + (f": commit {args.before}" if site["name"] == "before" else ": this checkout")
                )
                parts.append("")
                note += f" ({site['name']}; both trees served at once, each page of each round loaded from both in alternating order)"
            parts.append(report(mine, site["measured"], args, loads, started, note))
            parts.append("")
        if args.before:
            parts.append(ratios(samples, sites))
        text = "\n".join(parts).rstrip()
        print(textwrap.dedent(text))
        if args.out:
            args.out.write_text(text + "\n")
        return 0
    finally:
        for server in servers:
            peer.stop(server)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
