"""Every script the publisher prints: a book in Arabic, Persian, Urdu, Simplified and Traditional
Chinese, Hindi and Bengali, each built in every format with EPUBCheck, then read back: the words
of its PDFs (pdftotext, as a reader's tools get them), its direction (the EPUB's spine, the PDFs'
reading order, the side of the first body page's gutter), Ace, and no English generated word.

Arabic and Simplified Chinese are the sample books; the others are a short chapter each, written
here, with a heading, a quotation, a note and a number inside the text.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pikepdf
import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import ROOT, build_in, epub_files, unavailable
from test_accessibility import ace_failures
from test_languages import english_only_words, epub_words, pdf_words

CHAPTERS = {
    "fa": ("شورای کارخانه", "دفتر شورا", """\
کارگران کارخانهٔ نساجی در زمستان سال ۱۳۰۰ شورایی برگزیدند که هر هفته در حیاط کارخانه گرد می‌آمد.
نخستین تصمیم شورا ساده بود: هر نماینده‌ای را می‌توان در هر زمان بازخواند.[^1]

> هیچ توافقی امضا نمی‌شود مگر آنکه پیش از آن در جمع خوانده شود.
>
> — نخستین مصوبهٔ شورا

صورت‌جلسه‌ها را با دست رونویسی می‌کردند و بر در کارگاه می‌آویختند، و گاهی نام Marx را در حاشیه می‌نوشتند.

[^1]: این خواسته در جنبش کارگری کهن بود، اما برای آن کارگران تازه می‌نمود.
"""),
    "ur": ("مزدوروں کا اخبار", "پہلا شمارہ", """\
سن ۱۹۲۴ کی سردیوں میں چھاپہ خانے کے چھ کارکنوں نے طے کیا کہ وہ رات کو اپنا اخبار چھاپیں گے۔
اخبار کے چار صفحے تھے اور ہر ہفتے تین سو نسخے بانٹے جاتے تھے۔[^1]

> ہم وہی خبر چھاپیں گے جس کی ہم نے خود تصدیق کی ہو۔
>
> — پہلے صفحے پر لکھا ہوا عہد

قارئین کے خط آخری صفحے پر اسی طرح چھپتے تھے جیسے وہ آتے تھے۔

[^1]: یہ نسخے صبح کی شفٹ کے مزدور قریبی چائے خانوں تک لے جاتے تھے۔
"""),
    "zh-Hant": ("工廠夜校", "第一個冬天", """\
一九二八年的冬天，紡織廠的女工們下了夜班以後，常常在食堂裡多坐一會兒。她們請附近小學的一位教員來教
識字，第一課只教了十個字。[^1]

> 我們白天織布，晚上識字；布是給別人穿的，字是給自己用的。
>
> ——寫在第一本練習簿封面上的話

到了年底，來上課的人從十一個增加到了六十多個。

[^1]: 當時廠裡能讀報的女工不到十分之一。
"""),
    "hi": ("कारखाने की रात्रि-पाठशाला", "पहली सर्दी", """\
सन 1928 की सर्दियों में कपड़ा मिल की मज़दूरिनों ने रात की पाली के बाद पढ़ना सीखने का निश्चय किया।
पहले पाठ में केवल दस शब्द सिखाए गए, जिनसे एक पूरा वाक्य लिखा जा सकता था।[^1]

> हम दिन में कपड़ा बुनते हैं और रात में अक्षर; कपड़ा दूसरों के लिए है, अक्षर अपने लिए।
>
> — पहली अभ्यास-पुस्तिका के आवरण पर लिखे शब्द

साल के अंत तक कक्षा में साठ से अधिक लोग आने लगे।

[^1]: उस समय मिल में दस में से एक मज़दूरिन भी अख़बार नहीं पढ़ पाती थी।
"""),
    "bn": ("কারখানার নৈশবিদ্যালয়", "প্রথম শীত", """\
১৯২৮ সালের শীতে কাপড়ের কলের মেয়েরা রাতের পালার পরে পড়তে শেখার সিদ্ধান্ত নিলেন।
প্রথম পাঠে মাত্র দশটি শব্দ শেখানো হয়েছিল, যা দিয়ে একটি পুরো বাক্য লেখা যায়।[^1]

> আমরা দিনে কাপড় বুনি, রাতে অক্ষর; কাপড় অন্যের জন্য, অক্ষর নিজেদের জন্য।
>
> — প্রথম খাতার মলাটে লেখা কথা

বছরের শেষে ষাটজনেরও বেশি মানুষ ক্লাসে আসতে শুরু করলেন।

[^1]: তখন কলের দশজন মেয়ের মধ্যে একজনও খবরের কাগজ পড়তে পারতেন না।
"""),
}
AUTHORS = {"fa": "مریم کاظمی", "ur": "سلمیٰ حداد", "zh-Hant": "林秀雲", "hi": "सुनीता वर्मा", "bn": "অনিতা সেন"}
SAMPLES = {"ar": "sawt-al-matbaa", "zh-Hans": "gongchang-yexiao"}
FIRST_CHAPTERS = {"ar": "sawt-al-matbaa/01-al-adad-al-awwal.md", "zh-Hans": "gongchang-yexiao/01-diyige-dongtian.md",
                  **{tag: f"{tag}.md" for tag in CHAPTERS}}
LANGUAGES = ["ar", "fa", "ur", "zh-Hans", "zh-Hant", "hi", "bn"]
RIGHT_TO_LEFT = {"ar", "fa", "ur"}
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def manifest(tag: str) -> str:
    title, chapter, _ = CHAPTERS[tag]
    return (f"title: {title}\ncreators: [{{name: {AUTHORS[tag]}, role: author}}]\nlanguage: {tag}\n"
            f"date: 2026-11-01\nfront: [halftitle, titlepage, copyright, contents]\n"
            f"body:\n  - part: {chapter}\n    chapters: [texts/{tag}.md]\nback: [notes, colophon]\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("scripts")
    books = root / "books"
    (books / "texts").mkdir(parents=True)
    for tag, slug in SAMPLES.items():
        shutil.copy(ROOT / "books" / f"{slug}.yaml", books)
        shutil.copytree(ROOT / "books/texts" / slug, books / "texts" / slug)
    for tag, (_, chapter, text) in CHAPTERS.items():
        (books / f"book-{tag}.yaml").write_text(manifest(tag), encoding="utf-8")
        (books / "texts" / f"{tag}.md").write_text(f"# {chapter}\n\n{text}", encoding="utf-8")
    formats = ("--format", "epub", "--format", "screen-pdf", "--format", "print-pdf", "--format", "web")
    assert build_in(root, *formats, "--check", "--strict") == 0  # EPUBCheck 0/0, no warning at all
    return root


def slug(tag: str) -> str:
    return SAMPLES.get(tag, f"book-{tag}")


def body_words(root: Path, tag: str) -> list[str]:
    """The words of the book's first chapter as written (Markdown marks, notes and quotations
    left out), in their normal form."""
    text = (root / "books/texts" / FIRST_CHAPTERS[tag]).read_text(encoding="utf-8").split("\n---\n", 1)[-1]
    prose = [line for line in text.splitlines() if line and not line.startswith(("#", ">", "[^", "-", "    "))]
    words = re.findall(r"\w+", re.sub(r"\[\^[^\]]+\]", "", " ".join(prose)))
    return [unicodedata.normalize("NFC", w) for w in words]


def pdftotext(path: Path) -> str:
    if not shutil.which("pdftotext"):
        unavailable("pdftotext is not installed (Debian poppler-utils, see .ci/run)")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout
    # pdftotext marks where a left-to-right run (a number, a Latin word) sits in a right-to-left
    # line, and may put the space beside it on the run's other side: the mark is a word boundary
    return unicodedata.normalize("NFC", BIDI_MARKS.sub(" ", text))


@pytest.mark.parametrize("tag", LANGUAGES)
@pytest.mark.parametrize("edition", ["screen", "print"])
def test_the_pdfs_give_back_the_words_as_written(built, tag, edition):
    """Arabic's joined forms, Devanagari's conjuncts and Bengali's vowel signs map back to the
    characters written: every word of the first chapter is found in pdftotext's text (Chinese,
    without spaces, by its runs of characters; line ends removed)."""
    text = pdftotext(built / "build" / slug(tag) / f"{slug(tag)}-{edition}.pdf")
    flat = re.sub(r"\s+", "", text) if tag.startswith("zh") else text
    found = set(re.findall(r"\w+", text))
    words = body_words(built, tag)
    assert len(words) >= (5 if tag.startswith("zh") else 20)  # Chinese: runs between punctuation
    missing = [w for w in words if (w not in flat if tag.startswith("zh") else w not in found)]
    assert not missing, missing[:20]


@pytest.mark.parametrize("tag", LANGUAGES)
def test_no_missing_glyph_and_only_the_themes_fonts(built, tag):
    """Every font in the PDFs is one of the theme's (nothing fell back to a box or to a font of
    this machine) and embedded."""
    for edition in ("screen", "print"):
        with pikepdf.open(built / "build" / slug(tag) / f"{slug(tag)}-{edition}.pdf") as pdf:
            for page in pdf.pages:
                for font in (page.Resources.get("/Font") or {}).values():
                    name = re.sub(r"^[A-Z]{6}\+", "", str(font.BaseFont)[1:])
                    assert name.startswith(("Charis", "Noto")), (edition, name)
                    descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                    assert any(k in descendant.FontDescriptor for k in ("/FontFile2", "/FontFile3")), name


def first_body_page(pdf: Path) -> int:
    labels = PdfReader(pdf).page_labels
    return labels.index("1")


def text_extent(pdf: Path, page: int) -> tuple[float, float, float]:
    """(left gap, right gap, page width) of the words on a page, in points (pdftotext -bbox)."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page + 1), "-l", str(page + 1), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', html)[1])
    boxes = [(float(a), float(b)) for a, b in re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', html)]
    return min(a for a, _ in boxes), width - max(b for _, b in boxes), width


@pytest.mark.parametrize("tag", LANGUAGES)
def test_direction_spine_reading_order_and_the_gutters_side(built, tag):
    rtl = tag in RIGHT_TO_LEFT
    files = epub_files(built / "build" / slug(tag) / f"{slug(tag)}.epub")
    spine = etree.fromstring(files["EPUB/content.opf"]).find("{http://www.idpf.org/2007/opf}spine")
    assert spine.get("page-progression-direction") == ("rtl" if rtl else None)
    chapter = next(data.decode() for name, data in files.items() if name.endswith(".xhtml") and "<h1" in data.decode()
                   and "epub:type=\"bodymatter\"" in data.decode())
    assert f'lang="{tag}"' in chapter and f'dir="{"rtl" if rtl else "ltr"}"' in chapter
    pages = sorted((built / "build" / slug(tag) / "web").glob("*.html"))  # the web edition's
    assert len(pages) >= 5
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert re.search(f'<html lang="{tag}" dir="{"rtl" if rtl else "ltr"}"', html), page.name
    for edition in ("screen", "print"):
        with pikepdf.open(built / "build" / slug(tag) / f"{slug(tag)}-{edition}.pdf") as pdf:
            direction = (pdf.Root.get("/ViewerPreferences") or {}).get("/Direction")
            assert direction == ("/R2L" if rtl else None), edition
    # The first body page is a recto: on the left of its spread in a book bound on the right, so
    # its gutter (the wider inner margin) is on its right; on the left otherwise.
    pdf = built / "build" / slug(tag) / f"{slug(tag)}-print.pdf"
    left, right, _ = text_extent(pdf, first_body_page(pdf))
    assert (right > left + 5) if rtl else (left > right + 5), (left, right)


@pytest.mark.parametrize("tag", LANGUAGES)
def test_no_english_generated_word_in_any_format(built, tag):
    english = english_only_words(tag)
    assert {"Contents", "Notes", "Published", "Cover"} <= english
    for path, found in ((f"{slug(tag)}.epub", epub_words), (f"{slug(tag)}-screen.pdf", pdf_words),
                        (f"{slug(tag)}-print.pdf", pdf_words)):
        leaked = found(built / "build" / slug(tag) / path) & english
        assert not leaked, (path, sorted(leaked))


@pytest.mark.parametrize("tag", LANGUAGES)
def test_ace_finds_no_violation(built, tag, tmp_path):
    assert ace_failures(built / "build" / slug(tag) / f"{slug(tag)}.epub", tmp_path) == []


def test_persian_folios_and_note_numbers_in_persian_digits(built):
    pdf = built / "build/book-fa/book-fa-print.pdf"
    pages = pdftotext(pdf).split("\f")
    part, chapter = pages[first_body_page(pdf)], pages[first_body_page(pdf) + 2]
    assert part.split()[-1] == "۱" and chapter.split()[-1] == "۳"  # the folios
    assert re.search(r"۱\W*این خواسته", chapter)  # the note's number, before its text
    assert not re.search(r"[0-9]", part + chapter)  # no European digit, though the source wrote none either


def test_an_rtl_book_for_ingramspark_is_reversed_and_refused_by_kdp(built, tmp_path, capsys):
    """IngramSpark takes a book bound on the right last page first, its cover's front on the left
    (the barcode on the back, now on the right, beside the spine, its digits in their own order);
    KDP does not print such a book."""
    shutil.copytree(built / "books", tmp_path / "books")
    manifest = tmp_path / "books/sawt-al-matbaa.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "isbn: {print: 978-0-306-40615-7}\n", encoding="utf-8")
    assert build_in(tmp_path, "books/sawt-al-matbaa.yaml", "--pod", "ingram") == 0
    package = tmp_path / "build/sawt-al-matbaa/pod-ingram"
    interior = pdftotext(package / "interior.pdf").split("\f")[:-1]
    reading = pdftotext(tmp_path / "build/sawt-al-matbaa/sawt-al-matbaa-print.pdf").split("\f")[:-1]
    assert len(interior) % 2 == 0
    assert interior[-1].strip() == reading[0].strip() == "صوت المطبعة"  # the half title, last
    assert [page.strip() for page in interior[-len(reading):]] == [page.strip() for page in reversed(reading)]
    spec = (package / "spec.txt").read_text(encoding="utf-8")
    assert "Binding:      right (reverse): interior last page first, front cover on the left" in spec
    cover = subprocess.run(["pdftotext", "-bbox", str(package / "cover.pdf"), "-"], capture_output=True, text=True).stdout
    words = [(float(x0), float(y1) - float(y0), word) for x0, y0, y1, word
             in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)</word>', cover)]
    width = float(re.search(r'<page width="([\d.]+)"', cover)[1])
    title = max(words, key=lambda word: word[1])  # the largest type: the front's title
    isbn = next(word for word in words if word[2] == "978-0-306-40615-7")
    assert title[0] < width / 2 < isbn[0]  # front on the left, back (and barcode) on the right
    assert re.search(r"9\s+780306\s+406157", pdftotext(package / "cover.pdf"))
    capsys.readouterr()
    assert build_in(tmp_path, "books/sawt-al-matbaa.yaml", "--pod", "kdp") == 1
    assert ("error[P011]: a book written right to left is bound on the right, which Amazon KDP does not print"
            in capsys.readouterr().err)
    assert not (tmp_path / "build/sawt-al-matbaa/pod-kdp").exists()
