"""The report URL fetcher, called directly: only our own assets and data: images, nothing else.

Plus the guards around it: WeasyPrint ≥ 70, the CSS lint (no overflow-wrap:anywhere or
word-break:break-all), report templates that never put a value into a style or a URL, and a
bilingual glossary.
"""
from __future__ import annotations

import base64
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import weasyprint

from maturity.reports import assets
from maturity.reports.pdf import RefusedURL, ReportFetcher

REPORT_TEMPLATES = Path(__file__).resolve().parents[2] / "maturity" / "reports" / "templates" / "reports"
PNG = base64.b64encode(bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                                     "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")).decode()


class Canary(ThreadingHTTPServer):
    """A loopback HTTP server that counts every request; /redirect answers 302 to file:///etc/passwd."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                canary.hits.append(self.path)
                self.send_response(302 if self.path == "/redirect" else 200)
                self.send_header("Location", "file:///etc/passwd")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def canary():
    server = Canary()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def fetcher() -> ReportFetcher:
    return ReportFetcher()


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "file:" + str(assets.ASSETS_DIR / "fonts" / "DejaVuSans.ttf"),  # even our own files, by path
    "http://169.254.169.254/latest/meta-data/",
    "https://example.com/x.css",
    "ftp://127.0.0.1/x",
    "gopher://127.0.0.1:70/x",
    "jar:file:///etc/passwd!/",
    "data:text/css,@import url(http://127.0.0.1:9/x)",
    "data:text/html,<link rel=attachment href=file:///etc/passwd>",
    "data:application/octet-stream;base64,AAAA",
    "report-asset:../maturity/config.py",
    "report-asset:fonts/../../maturity/config.py",
    "report-asset:../static/css/app.css",              # a stylesheet, but outside reports/
    "report-asset:fonts/../../static/css/app.css",
    "report-asset:%2e%2e/setup.cfg",
    "report-asset:/etc/passwd",
    "report-asset://etc/passwd",
    "report-asset:fonts/LICENSE",          # inside reports/, but not a kind of asset we serve
    "report-asset:glossary.yaml",
    "report-asset:fonts/missing.ttf",
    "report-asset:fonts/DejaVuSans.ttf?x=1",
    "relative/path.css",
])
def test_the_fetcher_refuses_everything_but_our_assets(fetcher, url):
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)


def test_the_fetcher_makes_no_request_to_any_host(fetcher, canary):
    for path in ("/x", "/redirect"):
        for scheme_url in (canary.base + path, canary.base.replace("http", "https") + path,
                           canary.base.replace("http", "ftp") + path):
            with pytest.raises(RefusedURL):
                fetcher.fetch(scheme_url)
            with pytest.raises(RefusedURL):
                fetcher(scheme_url)  # WeasyPrint calls the fetcher itself
    assert canary.hits == []


def test_a_redirect_is_never_followed_even_by_the_openers_own_path(fetcher, canary):
    # urllib's opener (the parent class) is never used for http; had it been, the 302 to
    # file:///etc/passwd would have been followed. The canary proves no request left at all.
    with pytest.raises(RefusedURL):
        fetcher.open(canary.base + "/redirect")
    assert canary.hits == []
    assert not any(type(h).__name__ == "HTTPRedirectHandler" for h in fetcher.handlers)


def test_a_symlink_out_of_reports_is_refused(tmp_path):
    root = tmp_path / "reports"
    (root / "fonts").mkdir(parents=True)
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    (root / "fonts" / "link.css").symlink_to(secret)
    (root / "ok.css").write_text("p {}")
    fetcher = ReportFetcher(root)
    with pytest.raises(RefusedURL):
        fetcher.fetch("report-asset:fonts/link.css")
    assert fetcher.fetch("report-asset:ok.css").read() == b"p {}"


def test_the_fetcher_serves_our_fonts_stylesheet_and_data_images(fetcher):
    font = fetcher.fetch("report-asset:fonts/DejaVuSans.ttf")
    assert font.content_type == "font/ttf" and font.read()[:4] == b"\x00\x01\x00\x00"
    assert b"@font-face" in fetcher.fetch("report-asset:print.css").read()
    image = fetcher.fetch(f"data:image/png;base64,{PNG}")
    assert image.content_type == "image/png" and image.read()[:4] == b"\x89PNG"


def test_weasyprint_is_at_least_70():
    # 70.0 fixed GHSA-jf6q-chmf-3h3v (stylesheets=[url] and xmp_metadata bypassed the fetcher).
    assert int(weasyprint.__version__.split(".")[0]) >= 70


def _report_css_sources() -> list[tuple[str, str]]:
    sources = [(p.name, p.read_text()) for p in sorted(assets.ASSETS_DIR.glob("*.css"))]
    for template in sorted(REPORT_TEMPLATES.glob("*.html")):
        for block in re.findall(r"<style[^>]*>(.*?)</style>", template.read_text(), flags=re.S | re.I):
            sources.append((template.name, block))
    return sources


def test_report_css_has_no_pathological_line_breaking():
    """overflow-wrap:anywhere / word-break:break-all made a 56-page report take 118 s instead of 3.6 s."""
    sources = _report_css_sources()
    assert any(name == "print.css" for name, _ in sources)
    for name, css in sources:
        flat = re.sub(r"/\*.*?\*/", "", css, flags=re.S).replace(" ", "").lower()
        assert "overflow-wrap:anywhere" not in flat, name
        assert "word-wrap:anywhere" not in flat, name
        assert "word-break:break-all" not in flat, name
        assert "position:fixed" not in flat, name  # page furniture lives in @page margin boxes


def test_report_css_reaches_only_our_assets():
    for name, css in _report_css_sources():
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css):
            assert url.startswith(f"{assets.SCHEME}:"), (name, url)
        assert "@import" not in css, name


@pytest.mark.parametrize("template", sorted(p.name for p in REPORT_TEMPLATES.glob("plan*.html")))
def test_the_report_template_puts_values_only_in_text(template):
    html = re.sub(r"\{#.*?#\}", "", (REPORT_TEMPLATES / template).read_text(), flags=re.S)  # comments may name tags
    assert not re.search(r"<(style|link|img|script|object|embed|iframe|base)\b", html, flags=re.I)
    assert not re.search(r"\sstyle\s*=", html, flags=re.I)
    assert not re.search(r"\ssrc\s*=", html, flags=re.I)
    # hrefs only ever carry the programme registry's checked https:// URLs
    assert set(re.findall(r'href="([^"]*)"', html)) <= {"{{ programme.url }}"}
    assert "|safe" not in html and "autoescape false" not in html


def test_the_glossary_says_every_term_in_both_languages():
    entries = assets.glossary_entries()
    assert len(entries) >= 8
    for entry in entries:
        for field in ("term", "text"):
            assert entry[field]["es"].strip() and entry[field]["en"].strip(), entry
    terms = {e["term"]["es"].split(" ")[0] for e in entries}
    assert {"RUC", "SUNAT", "CPE", "MYPE", "CITE", "UIT"} <= terms


def test_the_bundled_fonts_are_small_and_licensed():
    fonts = assets.ASSETS_DIR / "fonts"
    assert (fonts / "LICENSE").read_text().count("Bitstream") > 3
    assert sum(f.stat().st_size for f in fonts.iterdir()) < 2 * 1024 * 1024
