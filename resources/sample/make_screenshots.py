"""Draw the four FICTIONAL screenshots of the sample case with Pillow.

The sample case (Fictional Corp. v. John Does 1-22) needs web-page captures
like those attached to the Kelihos declarations: a fake antivirus page, an
online-pharmacy spam page, a stock-scam page, and the network-activity page of
a malware analysis ("sandbox") listing the domains the botnet's malware queried
(the command-and-control domains and the 100 subdomains of Appendix B, read
from domains.txt). Real captures of real sites
cannot be shipped, so this script draws look-alikes: a browser frame whose
address bar shows the (fictional) URL, a "FICTIONAL SAMPLE - NOT A REAL SITE"
banner, and a flat-colour page. Flat colours keep each PNG well under 150 KB.

The output is deterministic: no randomness, no clock, no PNG text chunks, so
running it twice (same Pillow, same fonts) gives byte-identical files, which
tests/sample checks.

    python resources/sample/make_screenshots.py [OUTDIR]

OUTDIR defaults to the screenshots/ folder beside this script.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1280, 800
BANNER_TEXT = "FICTIONAL SAMPLE \u2014 NOT A REAL SITE"
FOOTER_TEXT = (
    "Fictional sample drawn for the evbundle demonstration case "
    "(Fictional Corp. v. John Does 1-22). Not a real website; every name is invented."
)

# (regular, bold) font files, first pair present wins; Pillow's default otherwise.
FONT_CANDIDATES: tuple[tuple[str, str], ...] = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
     "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"),
)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def font_files() -> tuple[str, str] | None:
    """The (regular, bold) TrueType files this machine will use, or None for Pillow's default."""
    for regular, bold in FONT_CANDIDATES:
        if Path(regular).is_file() and Path(bold).is_file():
            return regular, bold
    return None


class Fonts:
    """Sized fonts, cached, from the first available family."""

    def __init__(self) -> None:
        self._files = font_files()
        self._cache: dict[tuple[int, bool], Font] = {}

    def get(self, size: int, bold: bool = False) -> Font:
        key = (size, bold)
        if key not in self._cache:
            if self._files is None:
                self._cache[key] = ImageFont.load_default(size)
            else:
                self._cache[key] = ImageFont.truetype(self._files[1 if bold else 0], size)
        return self._cache[key]


def text_width(draw: ImageDraw.ImageDraw, text: str, font: Font) -> int:
    left, _, right, _ = draw.textbbox((0, 0), text, font=font)
    return int(right - left)


def centred(draw: ImageDraw.ImageDraw, y: int, text: str, font: Font, fill: str,
            left: int = 0, right: int = WIDTH) -> None:
    x = left + (right - left - text_width(draw, text, font)) // 2
    draw.text((x, y), text, font=font, fill=fill)


def browser_frame(draw: ImageDraw.ImageDraw, fonts: Fonts, url: str, tab_title: str) -> int:
    """Draw tab strip, address bar and the fictional-sample banner; return the page's top y."""
    # Tab strip with one active tab.
    draw.rectangle((0, 0, WIDTH, 38), fill="#dee1e6")
    draw.rounded_rectangle((8, 6, 300, 44), radius=8, fill="#ffffff")
    draw.ellipse((20, 16, 34, 30), fill="#9aa0a6")
    draw.text((44, 14), tab_title, font=fonts.get(14), fill="#202124")
    draw.text((276, 13), "\u00d7", font=fonts.get(15), fill="#5f6368")
    draw.text((314, 10), "+", font=fonts.get(20), fill="#5f6368")
    # Toolbar: back, forward, reload, address field, menu.
    draw.rectangle((0, 38, WIDTH, 82), fill="#ffffff")
    for i, glyph in enumerate(("\u2190", "\u2192", "\u21bb")):
        draw.text((16 + i * 36, 48), glyph, font=fonts.get(20), fill="#5f6368")
    draw.rounded_rectangle((124, 45, WIDTH - 60, 75), radius=15, fill="#f1f3f4")
    draw.text((142, 52), "\u26a0 Not secure", font=fonts.get(14), fill="#c5221f")
    draw.line((248, 51, 248, 69), fill="#9aa0a6", width=1)
    draw.text((260, 51), url, font=fonts.get(16), fill="#202124")
    draw.text((WIDTH - 38, 48), "\u22ee", font=fonts.get(20), fill="#5f6368")
    draw.line((0, 82, WIDTH, 82), fill="#dadce0", width=1)
    # The banner that says what this is, on every screenshot.
    draw.rectangle((0, 83, WIDTH, 125), fill="#ffd400")
    draw.rectangle((0, 83, WIDTH, 86), fill="#000000")
    draw.rectangle((0, 122, WIDTH, 125), fill="#000000")
    centred(draw, 92, BANNER_TEXT, fonts.get(22, bold=True), "#000000")
    return 126


def footer(draw: ImageDraw.ImageDraw, fonts: Fonts) -> None:
    draw.rectangle((0, HEIGHT - 30, WIDTH, HEIGHT), fill="#202124")
    centred(draw, HEIGHT - 23, FOOTER_TEXT, fonts.get(13), "#ffd400")


def button(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], label: str,
           font: Font, fill: str, ink: str = "#ffffff") -> None:
    draw.rounded_rectangle(box, radius=8, fill=fill)
    _, top, _, bottom = draw.textbbox((0, 0), label, font=font)
    y = box[1] + (box[3] - box[1] - (bottom - top)) // 2 - top
    centred(draw, y, label, font, ink, left=box[0], right=box[2])


def fake_antivirus(draw: ImageDraw.ImageDraw, fonts: Fonts, top: int) -> None:
    draw.rectangle((0, top, WIDTH, HEIGHT), fill="#0b2a4a")
    # A "system scan" window.
    win = (140, top + 30, WIDTH - 140, HEIGHT - 60)
    draw.rectangle(win, fill="#f4f6f8", outline="#6b7a8f", width=2)
    draw.rectangle((win[0], win[1], win[2], win[1] + 36), fill="#1f4e8c")
    draw.text((win[0] + 14, win[1] + 8), "SampleGuard Antivirus 2026 \u2014 System Scan",
              font=fonts.get(16, bold=True), fill="#ffffff")
    draw.rectangle((win[0] + 20, win[1] + 56, win[2] - 20, win[1] + 120), fill="#c5221f")
    centred(draw, win[1] + 62, "WARNING! Your computer is infected!", fonts.get(28, bold=True),
            "#ffffff", win[0], win[2])
    centred(draw, win[1] + 96, "27 threats found. Your files and passwords are at risk.",
            fonts.get(16), "#ffffff", win[0], win[2])
    # Progress bar.
    draw.text((win[0] + 20, win[1] + 136), "Scanning C:\\Windows\\System32 ... 87%",
              font=fonts.get(15), fill="#202124")
    bar = (win[0] + 20, win[1] + 160, win[2] - 20, win[1] + 182)
    draw.rectangle(bar, fill="#d0d7de")
    draw.rectangle((bar[0], bar[1], bar[0] + (bar[2] - bar[0]) * 87 // 100, bar[3]), fill="#2da44e")
    # Threat table.
    cols = (win[0] + 20, win[0] + 380, win[0] + 720)
    y = win[1] + 200
    draw.rectangle((win[0] + 20, y, win[2] - 20, y + 28), fill="#dfe5ec")
    for x, head in zip(cols, ("Threat", "Location", "Risk")):
        draw.text((x + 8, y + 5), head, font=fonts.get(15, bold=True), fill="#202124")
    threats = (
        ("Trojan.SampleFake.A", "C:\\Users\\Public\\sample.dll", "CRITICAL"),
        ("Worm.Exemplar.Kx", "C:\\Windows\\Temp\\example.tmp", "CRITICAL"),
        ("Spyware.NotReal.22", "Browser cookies (412)", "HIGH"),
        ("Rootkit.Fictional.B", "Boot sector", "HIGH"),
        ("Adware.Placeholder", "Start menu", "MEDIUM"),
    )
    for i, (name, where, risk) in enumerate(threats):
        ry = y + 30 + i * 30
        if i % 2:
            draw.rectangle((win[0] + 20, ry, win[2] - 20, ry + 30), fill="#eef1f4")
        draw.text((cols[0] + 8, ry + 6), name, font=fonts.get(15), fill="#202124")
        draw.text((cols[1] + 8, ry + 6), where, font=fonts.get(15), fill="#202124")
        draw.text((cols[2] + 8, ry + 6), risk, font=fonts.get(15, bold=True),
                  fill="#c5221f" if risk == "CRITICAL" else "#b35900")
    button(draw, (win[0] + 20, win[3] - 78, win[0] + 520, win[3] - 22),
           "REMOVE ALL THREATS NOW", fonts.get(20, bold=True), "#2da44e")
    draw.text((win[0] + 545, win[3] - 72), "Download the full version ($59.95):",
              font=fonts.get(15), fill="#202124")
    draw.text((win[0] + 545, win[3] - 48), "sample-av-download-example.net/setup",
              font=fonts.get(15), fill="#1a0dab")


def pharmacy(draw: ImageDraw.ImageDraw, fonts: Fonts, top: int) -> None:
    draw.rectangle((0, top, WIDTH, HEIGHT), fill="#ffffff")
    draw.rectangle((0, top, WIDTH, top + 80), fill="#0a7d5a")
    draw.text((40, top + 14), "Example Sample Pharmacy", font=fonts.get(30, bold=True), fill="#ffffff")
    draw.text((42, top + 52), "No prescription needed \u2022 Discreet worldwide shipping \u2022 Fictional prices",
              font=fonts.get(15), fill="#d7f5e9")
    button(draw, (WIDTH - 220, top + 22, WIDTH - 40, top + 58), "Cart (0)", fonts.get(16, bold=True),
           "#ffffff", "#0a7d5a")
    draw.rectangle((0, top + 80, WIDTH, top + 124), fill="#fff4cc")
    centred(draw, top + 91, "TODAY ONLY: 80% OFF all orders \u2014 free bonus pills with every order!",
            fonts.get(18, bold=True), "#8a5a00")
    products = (
        ("Samplacillin 50 mg", "$0.99 / pill", "#cfe8ff"),
        ("Examplex 100 mg", "$1.25 / pill", "#ffd9d9"),
        ("Fictonal 20 mg", "$0.79 / pill", "#e4d9ff"),
        ("Placebrium 10 mg", "$0.59 / pill", "#d9f7e1"),
        ("Notarealin 250 mg", "$1.49 / pill", "#ffe9cc"),
        ("Demonstratol 5 mg", "$0.89 / pill", "#f0f0f0"),
    )
    card_w, card_h = 360, 224
    for i, (name, price, tint) in enumerate(products):
        x = 60 + (i % 3) * (card_w + 40)
        y = top + 148 + (i // 3) * (card_h + 16)
        draw.rounded_rectangle((x, y, x + card_w, y + card_h), radius=10, fill="#ffffff",
                               outline="#d0d7de", width=2)
        draw.rounded_rectangle((x + 20, y + 16, x + card_w - 20, y + 98), radius=8, fill=tint)
        # A pill shape on each card.
        draw.rounded_rectangle((x + 130, y + 41, x + 230, y + 73), radius=16, fill="#ffffff",
                               outline="#8c959f", width=2)
        draw.line((x + 180, y + 41, x + 180, y + 73), fill="#8c959f", width=2)
        draw.text((x + 20, y + 108), name, font=fonts.get(19, bold=True), fill="#202124")
        draw.text((x + 20, y + 137), price, font=fonts.get(17), fill="#c5221f")
        button(draw, (x + 20, y + 168, x + card_w - 20, y + 208), "ORDER NOW",
               fonts.get(16, bold=True), "#0a7d5a")


def stock_scam(draw: ImageDraw.ImageDraw, fonts: Fonts, top: int) -> None:
    draw.rectangle((0, top, WIDTH, HEIGHT), fill="#101418")
    draw.text((40, top + 20), "HOT STOCK ALERT", font=fonts.get(40, bold=True), fill="#ff3b30")
    draw.text((40, top + 72), "Example Sample Mining Corp. (ticker: XMPL, fictional)",
              font=fonts.get(22, bold=True), fill="#ffffff")
    draw.text((40, top + 104), "Insiders expect a 900% jump before Monday. Buy now, before the news breaks!",
              font=fonts.get(17), fill="#c9d1d9")
    # Price chart: a fixed, made-up series.
    chart = (40, top + 150, 820, HEIGHT - 60)
    draw.rectangle(chart, fill="#161b22", outline="#30363d", width=2)
    for i in range(1, 5):
        gy = chart[1] + (chart[3] - chart[1]) * i // 5
        draw.line((chart[0], gy, chart[2], gy), fill="#30363d", width=1)
    prices = (0.41, 0.39, 0.44, 0.42, 0.47, 0.52, 0.49, 0.58, 0.66, 0.63, 0.79, 0.95, 0.91, 1.18, 1.42, 1.87)
    lo, hi = 0.3, 2.0
    step = (chart[2] - chart[0] - 40) / (len(prices) - 1)
    points = [
        (int(chart[0] + 20 + i * step), int(chart[3] - 20 - (p - lo) / (hi - lo) * (chart[3] - chart[1] - 40)))
        for i, p in enumerate(prices)
    ]
    draw.line(points, fill="#3fb950", width=4)
    for px, py in points:
        draw.ellipse((px - 4, py - 4, px + 4, py + 4), fill="#3fb950")
    draw.text((chart[0] + 16, chart[1] + 10), "XMPL \u2014 last 16 sessions (USD)",
              font=fonts.get(15), fill="#8b949e")
    # Sidebar with "targets".
    side = (850, top + 150, WIDTH - 40, HEIGHT - 60)
    draw.rectangle(side, fill="#1c2128", outline="#30363d", width=2)
    rows = (
        ("Current price", "$0.47"),
        ("7-day target", "$2.10"),
        ("30-day target", "$4.50"),
        ("Expected gain", "+900%"),
    )
    for i, (label, value) in enumerate(rows):
        y = side[1] + 20 + i * 62
        draw.text((side[0] + 20, y), label, font=fonts.get(16), fill="#8b949e")
        draw.text((side[0] + 20, y + 22), value, font=fonts.get(26, bold=True),
                  fill="#3fb950" if value.startswith("+") else "#ffffff")
    button(draw, (side[0] + 20, side[3] - 86, side[2] - 20, side[3] - 30), "GET THE FREE REPORT",
           fonts.get(18, bold=True), "#ff3b30")


DOMAINS_FILE = Path(__file__).resolve().parent / "domains.txt"
CONTROL_HOSTS = ("kelihos-sample-c2-01.com", "kelihos-sample-c2-02.com", "kelihos-sample-c2-03.net",
                 "kelihos-sample-c2-04.cc", "kelihos-sample-c2-05.tv", "sample-update-example.cc",
                 "sample-stock-alert-example.com")
PROVIDER = "free-subdomains-sample.cc"


def fallback_hosts() -> list[str]:
    """The provider's subdomains, in the order domains.txt lists them."""
    lines = DOMAINS_FILE.read_text(encoding="ascii").splitlines()
    return [line.strip() for line in lines if line.strip().endswith("." + PROVIDER)]


def sandbox_report(draw: ImageDraw.ImageDraw, fonts: Fonts, top: int) -> None:
    draw.rectangle((0, top, WIDTH, HEIGHT), fill="#f6f8fa")
    draw.rectangle((0, top, WIDTH, top + 50), fill="#24292f")
    draw.text((20, top + 13), "Example Sandbox (fictional)  \u2014  Analysis 7F31: kelihos-sample.exe  \u2014  "
              "Network activity", font=fonts.get(18, bold=True), fill="#ffffff")
    hosts = fallback_hosts()
    y = top + 60
    draw.text((20, y), f"DNS queries made by the sample while it ran, isolated, on 2026-10-16: "
              f"{len(CONTROL_HOSTS) + len(hosts)} names", font=fonts.get(14), fill="#57606a")
    y += 28
    draw.text((20, y), "Command-and-control and update hosts", font=fonts.get(16, bold=True), fill="#cf222e")
    y += 26
    columns = 4
    for i, name in enumerate(CONTROL_HOSTS):
        draw.text((30 + (i % columns) * 310, y + (i // columns) * 21), name, font=fonts.get(13), fill="#24292f")
    y += 21 * ((len(CONTROL_HOSTS) + columns - 1) // columns) + 14
    draw.text((20, y), f"Fallback hosts at {PROVIDER} ({len(hosts)})", font=fonts.get(16, bold=True),
              fill="#cf222e")
    y += 26
    columns = 5
    rows = (len(hosts) + columns - 1) // columns
    for i, name in enumerate(hosts):
        draw.text((30 + (i // rows) * 248, y + (i % rows) * 21), name, font=fonts.get(12), fill="#24292f")


SCREENSHOTS: tuple[tuple[str, str, str, Callable[[ImageDraw.ImageDraw, Fonts, int], None]], ...] = (
    ("01-fake-antivirus.png",
     "http://sample-antivirus-scan-example.com/scan/index.html?id=7731",
     "System Scan - Threats Found", fake_antivirus),
    ("02-online-pharmacy.png",
     "http://km78py.free-subdomains-sample.cc/shop/",
     "Example Sample Pharmacy", pharmacy),
    ("03-stock-scam.png",
     "http://sample-stock-video-example.tv/alert/xmpl",
     "HOT STOCK ALERT: XMPL", stock_scam),
    ("04-sandbox-dns-queries.png",
     "https://sandbox.example.org/analysis/7f31/network",
     "Analysis 7F31 - Network", sandbox_report),
)


def render(url: str, tab_title: str, page: Callable[[ImageDraw.ImageDraw, Fonts, int], None],
           fonts: Fonts) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), "#ffffff")
    draw = ImageDraw.Draw(image)
    top = browser_frame(draw, fonts, url, tab_title)
    page(draw, fonts, top)
    footer(draw, fonts)
    return image


def make_all(outdir: Path) -> list[Path]:
    """Write the screenshots into outdir; return their paths in exhibit order."""
    outdir.mkdir(parents=True, exist_ok=True)
    fonts = Fonts()
    written = []
    for name, url, title, page in SCREENSHOTS:
        path = outdir / name
        render(url, title, page, fonts).save(path, format="PNG", optimize=True)
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    outdir = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent / "screenshots"
    for path in make_all(outdir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
