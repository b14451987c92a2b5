"""Screenshots of a served Odoo (scripts/run) in headless Chromium, as a user sees it.

    python scripts/screenshots.py --url http://localhost:8069 --db ecom_crm --login admin --password admin \
        --out docs/screenshots shot NAME PATH [--wait CSS] [--click CSS|text=LABEL ...] [--scroll CSS] \
        [--settle SECONDS] ...

Each shot logs in (one session for all), opens PATH (e.g. /odoo/crm), waits until the CSS selector
given by --wait is on the page, clicks the --click selectors (or ``text=`` a button's label) in turn,
waiting for each, scrolls the element --scroll names up to the window's bottom edge (a block taller
than the window shown down to that element), lets the page settle (1.5 s, or --settle: a dashboard
loads its figures after its frame) and saves NAME.png. It drives Chromium through the DevTools protocol
(websocket-client, a test dependency): no browser download, the system's /usr/bin/chromium.
"""

import argparse
import base64
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import requests
import websocket

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


class Page:
    """One tab of a headless Chromium, driven through the DevTools protocol."""

    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=60, suppress_origin=True)
        self.ids = itertools.count(1)

    def call(self, method, **params):
        call_id = next(self.ids)
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result.get("result", {}).get("value")

    def wait_for(self, selector, timeout=30):
        deadline = time.monotonic() + timeout
        found = f"!!document.querySelector({json.dumps(selector)})"
        while not self.evaluate(found):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{selector!r} did not appear within {timeout}s")
            time.sleep(0.25)

    def click(self, selector):
        """Click the element ``selector`` names; ``text=…`` names the visible button or link with that text."""
        if selector.startswith("text="):
            text = json.dumps(selector[5:])
            find = (f"[...document.querySelectorAll('button, a')].find(e => e.offsetParent !== null"
                    f" && e.textContent.trim() === {text})")
            deadline = time.monotonic() + 30
            while not self.evaluate(f"!!({find})"):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no button or link {text} within 30s")
                time.sleep(0.25)
            self.evaluate(f"({find}).click()")
            return
        self.wait_for(selector)
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")


def start_chromium(width, height):
    profile = tempfile.mkdtemp(prefix="ecom_shots_")
    proc = subprocess.Popen(
        [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", f"--window-size={width},{height}", "--remote-debugging-port=0",
         "about:blank"],
        stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        match = re.search(r"DevTools listening on (ws://\S+)", line)
        if match:
            return proc, profile, match.group(1)
    raise RuntimeError("Chromium did not start")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default=os.environ.get("ECOM_DB", "ecom_crm"))
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("shots", nargs=argparse.REMAINDER,
                        help="shot NAME PATH [--wait CSS] [--click CSS]... [--scroll CSS] [--settle SECONDS]")
    args = parser.parse_args()
    if not CHROMIUM:
        sys.exit("no Chromium found (apt-get install chromium)")
    shots, current = [], None
    words = iter(args.shots)
    for word in words:
        if word == "shot":
            current = {"name": next(words), "path": next(words), "wait": None, "clicks": [], "scroll": None,
                       "settle": 1.5}
            shots.append(current)
        elif word == "--wait":
            current["wait"] = next(words)
        elif word == "--click":
            current["clicks"].append(next(words))
        elif word == "--scroll":
            current["scroll"] = next(words)
        elif word == "--settle":
            current["settle"] = float(next(words))
        else:
            sys.exit(f"unexpected {word!r}")
    session = requests.post(f"{args.url}/web/session/authenticate", json={
        "jsonrpc": "2.0", "params": {"db": args.db, "login": args.login, "password": args.password}}, timeout=60)
    session.raise_for_status()
    if "error" in session.json():
        sys.exit(f"login failed: {session.json()['error']}")
    session_id = session.cookies["session_id"]
    os.makedirs(args.out, exist_ok=True)
    proc, profile, browser_ws = start_chromium(args.width, args.height)
    try:
        version = requests.get(browser_ws.replace("ws://", "http://").rsplit("/devtools/", 1)[0]
                               + "/json/list", timeout=30).json()
        page = Page(next(t["webSocketDebuggerUrl"] for t in version if t["type"] == "page"))
        page.call("Network.enable")
        host = re.sub(r"^https?://([^:/]+).*$", r"\1", args.url)
        page.call("Network.setCookie", name="session_id", value=session_id, domain=host, path="/")
        page.call("Emulation.setDeviceMetricsOverride", width=args.width, height=args.height, deviceScaleFactor=1,
                  mobile=False)
        for shot in shots:
            page.call("Page.navigate", url=args.url + shot["path"])
            time.sleep(1)
            page.wait_for(shot["wait"] or ".o_action_manager .o_view_controller")
            for selector in shot["clicks"]:
                page.click(selector)
                time.sleep(1)
            if shot["scroll"]:
                page.wait_for(shot["scroll"])
                page.evaluate(f"document.querySelector({json.dumps(shot['scroll'])}).scrollIntoView({{block: 'end'}})")
            time.sleep(shot["settle"])  # let the last rendering settle
            png = page.call("Page.captureScreenshot", format="png")["data"]
            path = os.path.join(args.out, f"{shot['name']}.png")
            with open(path, "wb") as out:
                out.write(base64.b64decode(png))
            print(path)
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
