"""The font size that applies to the element holding the filing number (seed 002: 字体不小于12像素)."""

from __future__ import annotations

import pytest

from icpcheck.facts.site import parse_html
from icpcheck.fontsize import font_px

NUMBER = "<a href='https://beian.miit.gov.cn/'>京ICP备2020012345号-1</a>"


def _px(html: str) -> float | None:
    page = parse_html(html, "page.html")
    link = next(lk for lk in page.links if "ICP" in lk.text)
    return font_px(link.path, page.styles, page.external_css)


F = f"<footer>{NUMBER}</footer>"


@pytest.mark.parametrize(
    ("css", "markup", "px"),
    [
        ("", F, 16.0),  # no stylesheet: the browser default
        (".footer small{font-size:10px}", f"<footer class=footer><small>©</small>{NUMBER}</footer>", 16.0),
        ("footer a{font-size:11px} footer p a{font-size:13px}", f"<footer><p>{NUMBER}</p></footer>", 13.0),
        ("#f a{font-size:11px} footer p a{font-size:13px}", f"<footer id=f><p>{NUMBER}</p></footer>", 11.0),
        ("a{font-size:11px} a{font-size:12px}", F, 12.0),  # the later rule wins
        ("a{font-size:11px!important}", "<footer><a style='font-size:14px'>京ICP备1号</a></footer>", 11.0),
        ("", f"<footer style='font-size:10px'><p style='font-size:1.2em'>{NUMBER}</p></footer>", 12.0),
        ("html{font-size:10px} footer{font-size:1.1rem}", F, 11.0),
        ("footer{font-size:75%}", f"<footer><small>{NUMBER}</small></footer>", 10.0),
        ("footer{font:italic 9pt/1.5 Arial}", F, 12.0),
        ("footer{font-size:x-small}", F, 10.0),
        ("@media (max-width:600px){footer{font-size:8px}}", F, 16.0),
        ("@media screen{footer{font-size:8px}}", F, 8.0),
        ("footer a:hover{font-size:8px}", F, 16.0),
        ("li+li{font-size:8px}", F, 16.0),
        ("body > a{font-size:8px}", f"<body>{F}</body>", 16.0),
        ("body > footer > a{font-size:9pt}", f"<body>{F}</body>", 12.0),
        # Undecidable: unknown, never a guess
        ("footer a:first-child{font-size:8px}", F, None),
        ("p + a{font-size:8px}", F, None),
        ("footer{font-size:2vw}", F, None),
        ("", f"<link rel=stylesheet href=/s.css>{F}", None),
        (
            "",
            "<link rel=stylesheet href=/s.css><footer><a style='font-size:12px'>京ICP备1号</a></footer>",
            12.0,
        ),
    ],
)
def test_font_size_that_applies(css: str, markup: str, px: float | None) -> None:
    got = _px((f"<style>{css}</style>" if css else "") + markup)
    assert got == pytest.approx(px) if px is not None else got is None


def test_long_selectors_on_deep_pages_stay_bounded() -> None:
    # Descendant selectors are matched with memoisation: 40 compounds against 200 ancestors must not
    # backtrack exponentially (this would not finish otherwise).
    html = "<style>" + "div " * 40 + "span{font-size:8px}</style>" + "<div>" * 200 + NUMBER + "</div>" * 200
    assert _px(html) == pytest.approx(16.0)
