#!/usr/bin/python3
"""End-to-end in headless Chromium, with JavaScript DISABLED in the pages.

Debian's /usr/bin/chromium driven by Debian's chromedriver through Debian's
python3-selenium (run with /usr/bin/python3, whose dist-packages hold it):
open home, search 规范性文件, open a document, download the issue PDF,
upload a tampered PDF to the verify page and see it rejected, upload the
downloaded one and see it accepted; full-page screenshots of each step
(desktop and phone).  Browser console errors and failed requests fail it.

    web_e2e.py BASE_URL OUTDIR TAMPERED.pdf

Writes OUTDIR/downloaded.pdf and OUTDIR/*.png; exits non-zero on failure.
"""
import base64
import json
import os
import shutil
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

WANT_NAME = "2023年第7期（第2版）.pdf"


class Run:
    def __init__(self, base, outdir):
        self.base, self.outdir = base, outdir
        self.checks = self.failures = 0
        self.problems = []
        self.urls = {}  # request id → URL, for failed-request reports
        self.status = {}  # document URL → HTTP status
        self.profile = tempfile.mkdtemp(prefix="profile-", dir=outdir)
        self.downloads = os.path.join(outdir, "downloads")
        os.makedirs(self.downloads, exist_ok=True)
        o = webdriver.ChromeOptions()
        o.binary_location = "/usr/bin/chromium"
        for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync",
                  "--user-data-dir=" + self.profile, "--window-size=1200,900",
                  # hermetic: no host name resolves but the test server's
                  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
            o.add_argument(a)
        o.add_experimental_option("prefs", {
            # the site must work without script
            "profile.managed_default_content_settings.javascript": 2,
            "download.default_directory": self.downloads,
            "download.prompt_for_download": False,
        })
        o.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        self.d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
        self.d.set_page_load_timeout(60)
        self.d.execute_cdp_cmd("Page.setDownloadBehavior",
                               {"behavior": "allow", "downloadPath": self.downloads})
        # what the browser loaded on its own before the test's first page
        # (its new-tab page, which the host rules keep off the network) is
        # not the site's
        self.drain_logs()
        self.problems = []

    def check(self, cond, what):
        self.checks += 1
        if not cond:
            self.failures += 1
            print("FAIL: " + what, file=sys.stderr)

    def drain_logs(self):
        """Console errors, failed requests and document statuses since the
        last call."""
        for e in self.d.get_log("browser"):
            if e.get("level") == "SEVERE":
                self.problems.append("console: " + e.get("message", ""))
        for e in self.d.get_log("performance"):
            m = json.loads(e["message"])["message"]
            p = m.get("params", {})
            if m.get("method") == "Network.requestWillBeSent":
                self.urls[p["requestId"]] = p["request"]["url"]
            elif m.get("method") == "Page.frameStartedNavigating":
                self.urls[p["loaderId"]] = p["url"]
            elif m.get("method") == "Network.responseReceived" and p.get("type") == "Document":
                self.status[p["response"]["url"]] = p["response"]["status"]
            elif m.get("method") == "Network.loadingFailed":
                url = self.urls.get(p.get("requestId"), "request %s" % p.get("requestId"))
                # a download ends its navigation as an aborted request
                if not url.endswith(".pdf"):
                    self.problems.append("request failed: %s (%s, %s)" % (
                        url, p.get("errorText"), p.get("type")))

    def shot(self, name):
        """A full-page screenshot: the page's whole height, not the window."""
        size = self.d.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        png = self.d.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"],
                     "scale": 1}})["data"]
        with open(os.path.join(self.outdir, name + ".png"), "wb") as f:
            f.write(base64.b64decode(png))
        self.drain_logs()

    def follow(self, el):
        """Clicks el and waits until the page it was on has been replaced."""
        old = self.d.find_element(By.TAG_NAME, "html")
        el.click()
        WebDriverWait(self.d, 60).until(expected_conditions.staleness_of(old))

    def css(self, sel):
        return self.d.find_elements(By.CSS_SELECTOR, sel)

    def text(self, sel):
        els = self.css(sel)
        return els[0].get_attribute("textContent") if els else ""

    def status_of(self, url):
        """HTTP status of the last document loaded from url."""
        self.drain_logs()
        return self.status.get(url)

    def wait_download(self, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            done = [f for f in os.listdir(self.downloads) if not f.endswith(".crdownload")]
            if done and not any(f.endswith(".crdownload") for f in os.listdir(self.downloads)):
                return done[0]
            time.sleep(0.1)
        return None

    def upload(self, path):
        self.d.get(self.base + "/verify")
        self.check(len(self.css("label[for=file]")) == 1, "upload field has a label")
        self.d.find_element(By.ID, "file").send_keys(os.path.abspath(path))
        self.follow(self.css("form[enctype] button")[0])
        return self.text("section.verdict")

    def close(self):
        self.d.quit()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    base, outdir, tampered = sys.argv[1:4]
    r = Run(base, outdir)
    d = r.d
    try:
        # home
        d.get(base + "/")
        r.check(r.status_of(base + "/") == 200, "home status")
        r.check(d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN", "lang zh-CN")
        r.check("最新各期" in r.text("h1"), "home heading")
        r.check(len(r.css("header nav a")) >= 4, "navigation")
        r.shot("1-home")

        # search from the header form (a plain GET form)
        d.find_element(By.ID, "q-top").send_keys("规范性文件")
        r.follow(r.css("form.quick button")[0])
        r.check("/search?q=" in d.current_url, "search URL " + d.current_url)
        hits = len(r.css("ol.results li"))
        r.check(hits >= 3, "search hits: %d" % hits)
        marks = [m.get_attribute("textContent") for m in r.css("ol.results mark")]
        r.check(marks and all(t in "规范性文件" or "规范" in t for t in marks),
                "highlighted matches: " + ",".join(marks[:5]))
        r.shot("2-search")

        # open the first result
        r.follow(r.css("ol.results li a")[0])
        r.check("/docs/" in d.current_url, "document URL " + d.current_url)
        doc_url = d.current_url
        title = r.text("article h1")
        r.check(len(title) > 5, "document title")
        r.check(len(r.css("table.meta th[scope=row]")) >= 9, "catalog table")
        r.check("校验码" in r.text("main"), "verification code shown")
        r.shot("3-document")

        # its issue, then download the current signed PDF
        r.follow(d.find_element(By.PARTIAL_LINK_TEXT, "2023年第7期"))
        r.check(d.current_url.endswith("/issues/2023/7"), "issue URL " + d.current_url)
        r.shot("4-issue")
        d.find_element(By.PARTIAL_LINK_TEXT, "下载签名PDF").click()
        name = r.wait_download()
        r.check(name is not None and name.endswith(WANT_NAME), "download file name %r" % name)
        saved = os.path.join(outdir, "downloaded.pdf")
        if name:
            shutil.move(os.path.join(r.downloads, name), saved)
            with open(saved, "rb") as f:
                r.check(f.read(5) == b"%PDF-", "downloaded a PDF")
        r.drain_logs()

        # verify page: a tampered file is rejected
        verdict = r.upload(tampered)
        r.check("✘" in verdict, "tampered PDF rejected: " + verdict[:80])
        r.check(len(r.css("section.verdict.bad")) == 1, "rejection styled as bad")
        r.shot("5-verify-tampered")

        # the downloaded file is recognised (current version 2; one document repealed)
        verdict = r.upload(saved)
        r.check("文件真实" in verdict, "downloaded PDF recognised: " + verdict[:80])
        r.check("有效：1 个签名" in r.text("main"), "signature valid")
        r.shot("6-verify-downloaded")

        # the same pages on a phone
        d.set_window_size(390, 844)
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                          {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
        d.get(base + "/issues/2023/7")
        r.shot("7-phone-issue")
        # 文号, page ranges, dates, versions stay on one line; the tables
        # scroll inside their wrapper and the page itself does not
        # (WebDriver's own script, not the page's)
        lines_js = """return [...document.querySelectorAll('td.nw, th.nw')]
            .filter(e => !e.querySelector('br')).map(e => {
              const g = document.createRange(); g.selectNodeContents(e);
              const st = getComputedStyle(e);
              const lh = parseFloat(st.lineHeight) || 1.7 * parseFloat(st.fontSize);
              return [e.textContent, g.getBoundingClientRect().height / lh]; })"""
        for page in (base + "/issues/2023/7", doc_url):
            d.get(page)
            cells = d.execute_script(lines_js)
            r.check(len(cells) >= 2, "phone %s: unbreakable cells marked (%d)" % (page, len(cells)))
            broken = [t for t, n in cells if n >= 1.5]   # lines of text in the cell
            r.check(not broken, "phone %s: cells broken across lines: %r" % (page, broken))
            over = d.execute_script("return document.documentElement.scrollWidth")
            r.check(over <= 390, "phone %s: the page scrolls sideways (%dpx)" % (page, over))
        d.get(base + "/issues/2023/7")
        wide = d.execute_script("return [...document.querySelectorAll('.scroll')]"
                                ".some(e => e.scrollWidth > e.clientWidth)")
        r.check(wide, "phone: the contents table scrolls inside its wrapper")
        d.get(base + "/")
        r.shot("8-phone-home")

        # the browser really ran pages without script: a page that would
        # set its title from a script keeps its own
        d.get("data:text/html,<title>off</title><script>document.title='on'</script>")
        r.check(d.title == "off", "JavaScript disabled in the pages (title %r)" % d.title)
        r.drain_logs()
        r.check(not r.problems, "browser errors: " + " | ".join(r.problems))
    finally:
        r.close()
    print("%d passed, %d failed" % (r.checks - r.failures, r.failures))
    return 1 if r.failures else 0


if __name__ == "__main__":
    sys.exit(main())
