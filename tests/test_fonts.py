"""Every script in fonts the package or the project declares, never the machine's.

One module-scoped build of the small fixture project with Korean, Japanese, Chinese,
Greek, Cyrillic and Arabic in a brief's title, a note body, a source title and an
option; the declared fonts are Debian's Noto Serif CJK and Noto Naskh Arabic (`make
build` installs them). The other tests stop before any PDF is laid out.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen import pipeline
from tests.checkers import Chromium
from tests.conftest import MINIMAL, copy_project

pytestmark = pytest.mark.build  # every test here renders a PDF (or checks one)

SCRIPTS = "한국 日本 中国 Ελλάδα Россия مصر"
# A long Japanese paragraph with a Latin word in it: breaks between characters, never
# inside the word.
CJK_PARAGRAPH = (
    "日本と韓国は情報共有の協定について長い間話し合ってきたが、"
    "両国の担当者によれば interoperability の課題は今も残っている。"
    "協定の範囲、期間、そして情報の扱い方について、両国の意見はまだ一致していない。"
    "次の会合では、これらの点を一つずつ確かめることになる。"
)
NOTE_LANG_LINE = "    holder: Officials\n    lang: zh-Hant\n"
CJK = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
NASKH = Path("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf")
# What a PDF may embed: the packaged fonts and the two declared ones.
ALLOWED = re.compile(
    r"^[A-Z]{6}\+(Caladea|Noto-Serif-Greek-Cyrillic|Noto-Serif-CJK-(JP|KR|SC|TC|HK)"
    r"|Noto-Naskh-Arabic)(-Bold|-Italic|-BoldItalic)?$"
)


def test_the_declared_fonts_are_installed() -> None:
    """The scripts tests need Debian's Noto fonts; `make build` installs them. A machine
    without them fails here, once, rather than skipping the checks that need them."""
    missing = [str(p) for p in (CJK, NASKH) if not p.is_file()]
    assert not missing, f"install fonts-noto-cjk and fonts-noto-core (make build does): {missing}"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def fonts_table(*files: Path | str, pins: dict[str, str] | None = None) -> str:
    entries = []
    for file in files:
        pin = (pins or {}).get(str(file)) or sha256(Path(file))
        entries.append(f'  {{ path = "{file}", sha256 = "{pin}" }},')
    return "\n[fonts]\nfiles = [\n" + "\n".join(entries) + "\n]\n"


def scripts_project(target: Path, fonts: str) -> Path:
    """The minimal project, one decision memo, every script in four kinds of place."""
    root = copy_project(MINIMAL, target)
    for other in ("one.md", "issue.md"):
        (root / "content" / "briefs" / other).unlink()
    content = root / "content"
    replace_once(content / "briefs" / "memo.md", "title: Test memo", f"title: Test memo {SCRIPTS}")
    replace_once(
        content / "briefs" / "memo.md",
        "Whether to share more [@share-2014].",
        "Whether to share more [@share-2014]. Officials called it a [>@first-step].",
    )
    replace_once(
        content / "briefs" / "memo.md", "None recorded.", f"None recorded.\n\n{CJK_PARAGRAPH}"
    )
    replace_once(
        content / "notes" / "test-notes.yaml",
        "body: Officials called it a first step.",
        f"body: Officials in {SCRIPTS} called it a first step.",
    )
    replace_once(
        content / "options" / "do-more.yaml", "title: Do more", f"title: Do more {SCRIPTS}"
    )
    # A note of its own language: Traditional Chinese forms for its body and quote.
    replace_once(content / "notes" / "test-notes.yaml", "    holder: Officials\n", NOTE_LANG_LINE)
    text = content / "sources" / "test-source.txt"
    replace_once(text, "A Test Title", f"A Test Title {SCRIPTS}")
    record = content / "sources" / "test-source.yaml"
    replace_once(record, "value: A Test Title", f"value: A Test Title {SCRIPTS}")
    old_pin = re.search(r"sha256: (\w+)", record.read_text(encoding="utf-8"))
    assert old_pin is not None
    replace_once(record, old_pin.group(1), sha256(text))
    replace_once(record, "kind: article", "kind: article\nlanguage: ko")  # Korean Han forms
    with open(root / "briefgen.toml", "a", encoding="utf-8") as settings:
        settings.write(fonts)
    return root


def pdf_fonts(pdf: Path) -> list[str]:
    lines = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return [line.split()[0] for line in lines[2:]]


@pytest.fixture(scope="module")
def scripts_build(tmp_path_factory: pytest.TempPathFactory) -> pipeline.Result:
    root = scripts_project(tmp_path_factory.mktemp("scripts") / "project", fonts_table(CJK, NASKH))
    return pipeline.build(root, strict=True)


@pytest.fixture(scope="module")
def arabic_build(tmp_path_factory: pytest.TempPathFactory) -> pipeline.Result:
    """The same project in a language written right to left: `[project] language = "ar"`."""
    root = scripts_project(tmp_path_factory.mktemp("arabic") / "project", fonts_table(CJK, NASKH))
    replace_once(root / "briefgen.toml", 'language = "en"', 'language = "ar"')
    return pipeline.build(root, strict=True)


def test_every_script_builds_strict_in_declared_fonts_only(scripts_build: pipeline.Result) -> None:
    assert scripts_build.written, [d.format() for d in scripts_build.diagnostics.sorted()]
    assert not scripts_build.diagnostics.sorted()
    output = scripts_build.diagnostics.root / "output"
    pdfs = sorted(output.rglob("*.pdf"))
    assert len(pdfs) == 2
    for pdf in pdfs:
        names = pdf_fonts(pdf)
        assert names, pdf
        assert all(ALLOWED.match(name) for name in names), (pdf, names)
        # Each script is set in a face made for it.
        assert any("CJK" in name for name in names), names
        assert any("Noto-Naskh-Arabic" in name for name in names), names
        assert any("Greek-Cyrillic" in name for name in names), names
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        for word in ("한국", "日本", "中国", "Ελλάδα", "Россия"):
            assert word in text, (pdf, word)


def test_hiding_the_machines_fonts_changes_no_byte(
    scripts_build: pipeline.Result,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fresh copy built where fontconfig finds no font at all gives the same PDFs."""
    first = scripts_build.diagnostics.root
    second = copy_project(first, tmp_path / "project")
    empty = tmp_path / "empty.conf"
    empty.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n', encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))
    monkeypatch.setenv("FONTCONFIG_PATH", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    result = pipeline.build(second, strict=True)
    assert result.written, [d.format() for d in result.diagnostics.sorted()]
    for pdf in sorted((first / "output").rglob("*.pdf")):
        twin = second / "output" / pdf.relative_to(first / "output")
        assert twin.read_bytes() == pdf.read_bytes(), pdf.name


def test_a_character_in_no_font_is_one_located_error_before_layout(tmp_path: Path) -> None:
    """Devanagari is in no declared font: one diagnostic at the note's line, naming the
    character and the setting, once for both editions; no PDF is laid out."""
    root = scripts_project(tmp_path / "project", fonts_table(CJK, NASKH))
    notes = root / "content" / "notes" / "test-notes.yaml"
    replace_once(notes, "body: Critics found it too little.", "body: Critics in भारत found it.")
    result = pipeline.build(root, formats=("html",))
    found = [d for d in result.diagnostics.sorted() if d.code == "fonts.uncovered"]
    assert len(found) == 1, [d.format() for d in result.diagnostics.sorted()]
    line = (
        notes.read_text(encoding="utf-8").splitlines().index("    body: Critics in भारत found it.")
    )
    assert (found[0].path, found[0].line) == ("content/notes/test-notes.yaml", line + 1)
    assert "'भ' (U+092D DEVANAGARI LETTER BHA)" in found[0].message
    assert "[fonts] files" in found[0].message
    assert ".notdef" not in found[0].message


def test_a_changed_or_missing_font_is_located_at_its_entry(tmp_path: Path) -> None:
    root = copy_project(MINIMAL, tmp_path / "project")
    fonts = root / "fonts"
    fonts.mkdir()
    packaged = Path(pipeline.__file__).parent / "assets" / "fonts"
    good = fonts / "good.ttf"
    shutil.copyfile(packaged / "Caladea-Regular.ttf", good)
    changed = fonts / "changed.ttf"
    shutil.copyfile(packaged / "Caladea-Bold.ttf", changed)
    (fonts / "notes.ttf").write_text("not a font", encoding="utf-8")
    (fonts / "link.ttf").symlink_to(good)
    table = fonts_table(
        "fonts/good.ttf",
        "fonts/changed.ttf",
        "fonts/gone.ttf",
        "fonts/notes.ttf",
        "fonts/link.ttf",
        "../outside.ttf",
        pins={
            "fonts/good.ttf": sha256(good),
            "fonts/changed.ttf": sha256(good),
            "fonts/gone.ttf": "0" * 64,
            "fonts/notes.ttf": sha256(fonts / "notes.ttf"),
            "fonts/link.ttf": sha256(good),
            "../outside.ttf": "0" * 64,
        },
    )
    with open(root / "briefgen.toml", "a", encoding="utf-8") as settings:
        settings.write(table)
    lines = (root / "briefgen.toml").read_text(encoding="utf-8").splitlines()
    line = {
        name: 1 + next(i for i, t in enumerate(lines) if f'"{name}"' in t)
        for name in (
            "fonts/changed.ttf",
            "fonts/gone.ttf",
            "fonts/notes.ttf",
            "fonts/link.ttf",
            "../outside.ttf",
        )
    }
    result = pipeline.check(root)
    got = {(d.code, d.line) for d in result.diagnostics.errors if d.path == "briefgen.toml"}
    assert got == {
        ("fonts.changed", line["fonts/changed.ttf"]),
        ("fonts.missing", line["fonts/gone.ttf"]),
        ("fonts.invalid", line["fonts/notes.ttf"]),
        ("fonts.invalid", line["fonts/link.ttf"]),
        ("fonts.invalid", line["../outside.ttf"]),
    }, [d.format() for d in result.diagnostics.sorted()]
    changed_error = next(d for d in result.diagnostics.errors if d.code == "fonts.changed")
    assert sha256(changed) in changed_error.message


def test_a_right_to_left_title_is_isolated_from_the_text_around_it(
    scripts_build: pipeline.Result,
) -> None:
    """The annex's opening sentence quotes the title: isolated, the Arabic at its end
    neither reverses the date after it nor moves the closing quotation mark."""
    annex = scripts_build.diagnostics.root / "output" / "annex"
    page = (annex / "memo.html").read_text(encoding="utf-8")
    assert (
        f'the brief “<bdi>Test memo {SCRIPTS}</bdi>” (<time datetime="2016-01-03">'
        "January 3, 2016</time>)"
    ) in page
    assert f"<bdi>Do more {SCRIPTS}</bdi>" in page  # an option's title
    assert '<bdi lang="ko">A Test Title' in page  # a source's title in the notes
    text = subprocess.run(
        ["pdftotext", str(annex / "memo.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    # In logical order, not "2016 ,3 January" (the words joined across a line wrap).
    assert "January 3, 2016)" in " ".join(text.split()), text[:800]


def test_han_characters_take_the_forms_of_their_language(scripts_build: pipeline.Result) -> None:
    """The source is Korean: its title in the annex is marked lang="ko" and set in the
    Korean family; the brief's own title (no language of its own) in the Japanese one."""
    annex = scripts_build.diagnostics.root / "output" / "annex"
    page = (annex / "memo.html").read_text(encoding="utf-8")
    assert f'<cite><bdi lang="ko">A Test Title {SCRIPTS}</bdi></cite>' in page
    assert re.search(
        r":lang\(ko\) \{ font-family: [^}]*?'Noto Serif CJK KR', 'Noto Serif CJK JP'", page
    )
    names = pdf_fonts(annex / "memo.pdf")
    assert any("Noto-Serif-CJK-KR" in name for name in names), names
    assert any("Noto-Serif-CJK-JP" in name for name in names), names


def test_a_page_inlines_the_packaged_faces_its_characters_need(
    scripts_build: pipeline.Result,
) -> None:
    """The Greek and Cyrillic faces (600 kB) ride only in pages that print those
    scripts; a Latin page carries Caladea alone, so it is not twice the size."""
    output = scripts_build.diagnostics.root / "output"
    scripts_page = (output / "memo.html").read_text(encoding="utf-8")
    assert scripts_page.count("font-family: 'Noto Serif Greek Cyrillic'; font-style") == 4
    latin = copy_project(MINIMAL, scripts_build.diagnostics.root.parent / "latin")
    result = pipeline.build(latin, formats=("html",))
    assert result.written, [d.format() for d in result.diagnostics.sorted()]
    page = (latin / "output" / "memo.html").read_text(encoding="utf-8")
    assert page.count("font-family: 'Caladea'; font-style") == 4
    assert "font-family: 'Noto Serif Greek Cyrillic'; font-style" not in page
    assert "briefgen-faces-" not in page + scripts_page


def test_a_notes_lang_marks_its_body_and_quote_wherever_they_print(
    scripts_build: pipeline.Result,
) -> None:
    """The note 'first-step' says `lang: zh-Hant`: its body in the annex, its quote in the
    annex and in the option that quotes it in the brief carry that lang (not the Korean source's),
    and the annex PDF sets its Han characters in the Traditional Chinese family."""
    output = scripts_build.diagnostics.root / "output"
    annex = (output / "annex" / "memo.html").read_text(encoding="utf-8")
    assert f'<span lang="zh-Hant">Officials in {SCRIPTS} called it a first step.</span>' in annex
    assert '“<bdi lang="zh-Hant">good first step</bdi>”' in annex
    reader = (output / "memo.html").read_text(encoding="utf-8")
    assert '<span class="quote" lang="zh-Hant">“good first step”</span>' in reader
    names = pdf_fonts(output / "annex" / "memo.pdf")
    assert any("Noto-Serif-CJK-TC" in name for name in names), names


def test_a_notes_lang_must_be_a_language_tag(tmp_path: Path) -> None:
    root = copy_project(MINIMAL, tmp_path / "project")
    notes = root / "content" / "notes" / "test-notes.yaml"
    replace_once(notes, "    holder: Officials\n", "    holder: Officials\n    lang: Korean\n")
    line = notes.read_text(encoding="utf-8").splitlines().index("    lang: Korean") + 1
    result = pipeline.check(root)
    found = [d for d in result.diagnostics.errors if d.path == "content/notes/test-notes.yaml"]
    assert [(d.code, d.line) for d in found] == [("schema.invalid", line)], [
        d.format() for d in result.diagnostics.sorted()
    ]
    assert "'Korean' is not a language tag" in found[0].message


def test_a_brief_in_a_right_to_left_language_lays_out_right_to_left(
    arabic_build: pipeline.Result, scripts_build: pipeline.Result
) -> None:
    """`language = "ar"`: both editions' <html> say dir="rtl" and both PDFs /Lang (ar);
    the page's styles use logical sides (start, end), so they mirror. An English brief
    says no dir."""
    from pypdf import PdfReader

    assert arabic_build.written, [d.format() for d in arabic_build.diagnostics.sorted()]
    output = arabic_build.diagnostics.root / "output"
    for page in (output / "memo.html", output / "annex" / "memo.html"):
        html = page.read_text(encoding="utf-8")
        assert '<html lang="ar" dir="rtl">' in html, page
        assert "border-inline-start: 3px" in html and "border-left" not in html
        assert '@top-right { content: "Test memo' in html  # the running title mirrored
    for pdf in (output / "memo.pdf", output / "annex" / "memo.pdf"):
        assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "ar", pdf
    english = scripts_build.diagnostics.root / "output" / "memo.html"
    assert '<html lang="en">' in english.read_text(encoding="utf-8")


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_cjk_text_breaks_between_characters_never_inside_a_latin_word(
    scripts_build: pipeline.Result,
) -> None:
    """The Japanese paragraph runs over several lines, each break between two characters
    (no hyphen added, nothing lost: the lines joined are the paragraph), and the Latin
    word inside it is whole on one line."""
    text = pdf_text(scripts_build.diagnostics.root / "output" / "memo.pdf")
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(CJK_PARAGRAPH[:8]))
    end = next(
        i
        for i in range(first, len(lines))
        if lines[i].endswith("。") and "".join(lines[first : i + 1]).endswith(CJK_PARAGRAPH[-8:])
    )
    printed = lines[first : end + 1]
    assert len(printed) >= 3, printed
    assert "".join(printed) == CJK_PARAGRAPH, printed
    assert any(" interoperability " in line for line in printed), printed


def test_cjk_and_arabic_pages_pass_vnu_axe_and_pdfua(
    scripts_build: pipeline.Result, arabic_build: pipeline.Result, browser: Chromium
) -> None:
    """The accessibility checks of tests/test_accessibility.py, on the scripts builds:
    left to right and right to left, with Korean, Japanese, Chinese and Arabic text."""
    from tests.checkers import WIDTHS, axe, pdfua, vnu
    from tests.pdf_structure import findings

    artifacts = [a for b in (scripts_build, arabic_build) for a in b.artifacts]
    pages = [a.path for a in artifacts if a.format == "html"]
    pdfs = [a.path for a in artifacts if a.format == "pdf"]
    assert len(pages) == len(pdfs) == 4
    # The Arabic build is the English fixture with `language = "ar"` (it tests layout):
    # vnu's language detector rightly says its pages read as English, and says only that.
    arabic = {a.path.name for a in arabic_build.artifacts if a.format == "html"}
    looks_english = 'appears to be written in English but the “html” start tag has “lang="ar"”'
    assert [
        m for m in vnu(pages) if not (m.split(":", 1)[0] in arabic and looks_english in m)
    ] == []
    assert [f for pdf in pdfs for f in (*pdfua(pdf), *findings(pdf))] == []
    for page in pages:
        for width in WIDTHS:
            result = axe(browser, page, width)
            assert result["violations"] == [], (page, width, result["violations"])
            assert result["passes"] >= 25, (page, width)


def test_which_languages_are_written_right_to_left() -> None:
    from briefgen.text.direction import direction

    rtl = ("ar", "ar-EG", "he", "fa", "ur", "yi", "az-Arab", "pa-Arab")
    ltr = ("en", "en-GB", "ja", "ko", "zh-Hant", "ru", "ug-Cyrl", "az")
    assert {tag: direction(tag) for tag in rtl + ltr} == {
        **dict.fromkeys(rtl, "rtl"),
        **dict.fromkeys(ltr, "ltr"),
    }


def test_a_build_run_in_the_project_folder_sets_cjk_in_the_declared_font(tmp_path: Path) -> None:
    """`briefgen build` run in the project (root ".") once gave the render workers a
    relative FONTCONFIG_FILE, which fontconfig looks up in /etc/fonts: every PDF printed
    "Fontconfig error: Cannot load default config file" three times and saw none of the
    declared fonts."""
    root = scripts_project(tmp_path / "project", fonts_table(CJK, NASKH))
    done = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "--strict"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Fontconfig" not in done.stdout + done.stderr
    names = pdf_fonts(root / "output" / "memo.pdf")
    assert any("CJK" in name for name in names), names
    assert all(ALLOWED.match(name) for name in names), names
