"""The checks in headless Chromium, against a local ``http.server`` on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--mute-audio",
)
PROBE_PATH = "/__browser_check_probe__.html"


_PROBE = """<!doctype html><html><head><meta charset="utf-8"><title>probe</title></head>
<body style="margin:0"><iframe id="page" style="width:1280px;height:2400px;border:0"></iframe>
<script>
const frame = document.getElementById("page");
function report(result) {
  const out = document.createElement("pre");
  out.id = "probe-result";
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
}
function hasBox(el) { return !!el && el.getClientRects().length > 0 &&
  (typeof el.checkVisibility !== "function" || el.checkVisibility()); }
frame.onload = () => setTimeout(() => {
  try {
    const d = frame.contentDocument, w = frame.contentWindow;
    const sols = [...d.querySelectorAll("div.cell.tag_solution")].map((cell) => {
      const det = cell.querySelector("details");
      const pre = cell.querySelector(".cell_input pre");
      const before = {open: det ? det.open : null, visible: hasBox(pre)};
      let after = null;
      if (det) { det.open = true; after = hasBox(pre); det.open = false; }
      return {...before, visibleWhenOpened: after};
    });
    const article = d.querySelector("article") || d.body;
    const wide = [...article.querySelectorAll("table, pre, div.output, div.cell_output > div")]
      .filter((e) => e.scrollWidth > e.clientWidth + 4 && e.clientWidth > 0)
      .map((e) => (e.closest(".cell_input") ? "code " : e.closest(".cell_output") ? "output "
        : "") + e.tagName.toLowerCase() + " " + e.scrollWidth + " px in " + e.clientWidth
        + " px: " + JSON.stringify(e.textContent.trim().split("\\n")[0].slice(0, 50)));
    const boxes = [...d.querySelectorAll("div.selfcheck")];
    const nameOf = (box) => JSON.parse(box.dataset.selfcheck).exercise;
    const selfchecks = boxes.map((box) => ({exercise: nameOf(box),
      before: box.querySelector(".selfcheck-result").textContent,
      inputShown: hasBox(box.querySelector("input"))}));
    const tries = JSON.parse(new URLSearchParams(location.search).get("tries") || "[]");
    const tried = tries.map((t) => {
      const box = boxes.find((b) => nameOf(b) === t.exercise);
      if (!box) return {...t, found: false};
      const inputs = [...box.querySelectorAll("input[data-field]")];
      t.values.forEach((v, i) => { inputs[i].value = v; });
      box.querySelector("form").requestSubmit();
      const verdict = box.querySelector(".selfcheck-result [data-outcome]");
      return {...t, found: true, outcome: verdict ? verdict.dataset.outcome : null,
              text: verdict ? verdict.textContent : "", shown: hasBox(verdict)};
    });
    report({ok: true, title: d.title, selfchecks: selfchecks, tried: tried,
            themeRan: d.documentElement.hasAttribute("data-theme"),
            pageWidth: d.documentElement.scrollWidth, viewWidth: w.innerWidth,
            solutions: sols, wide: wide,
            dom: d.documentElement.outerHTML});
  } catch (e) { report({ok: false, error: String(e)}); }
}, 1500);
frame.src = new URLSearchParams(location.search).get("page");
</script></body></html>"""


class _Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the name http.server expects)
        if urlsplit(self.path).path == PROBE_PATH:
            body = _PROBE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


class Server:
    """http.server on 127.0.0.1, a free port, serving the built book in a thread."""

    def __init__(self, html_dir: Path) -> None:
        handler = functools.partial(_Handler, directory=str(html_dir))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def find_chromium() -> str | None:
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return shutil.which(explicit) or (explicit if Path(explicit).exists() else None)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _chromium(binary: str, profile: str, *args: str, timeout: int = 90) -> str:
    result = subprocess.run(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"chromium exited with {result.returncode}: {result.stderr[-500:]}")
    return result.stdout


def probe(binary: str, profile: str, server_url: str, rel: str, tries: list | None = None) -> dict:
    """The page's DOM after JavaScript ran, and what the browser laid out, via --dump-dom.

    ``tries``: answers to type into the page's self-checks, ``{"exercise", "values"}`` each;
    the result says what each showed.
    """
    from urllib.parse import quote

    url = f"{server_url}{PROBE_PATH.lstrip('/')}?page={quote('/' + rel)}"
    if tries:
        url += "&tries=" + quote(json.dumps(tries))
    dom = _chromium(binary, profile, "--virtual-time-budget=15000", "--dump-dom", url)
    match = re.search(r'<pre id="probe-result">(.*?)</pre>', dom, re.S)
    if not match:
        return {"ok": False, "error": "the probe did not report (page did not load?)"}
    import html as _html

    return json.loads(_html.unescape(match.group(1)))


def screenshot(binary: str, profile: str, url: str, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    _chromium(
        binary,
        profile,
        f"--screenshot={out}",
        "--window-size=1280,2400",
        "--virtual-time-budget=5000",
        url,
    )
    if not out.exists() or out.stat().st_size == 0:
        raise RuntimeError(f"no screenshot written to {out}")


# ------------------------------------------------------------------------------------------
