"""Make bot/figures/fonts/NotoSansSC-subset.otf, the font the charts are drawn with (issue 25), from
Noto Sans CJK SC Regular (SIL OFL 1.1).

The source file comes from the PyPI wheel ``mplfonts`` (only downloaded, never a dependency):

    pip download --no-deps mplfonts==0.0.11 -d /tmp/x
    cd /tmp/x && unzip -o mplfonts-0.0.11-py3-none-any.whl 'mplfonts/fonts/NotoSansCJKsc-Regular.otf'
    .venv/bin/python tools/subset_font.py /tmp/x/mplfonts/fonts/NotoSansCJKsc-Regular.otf

Kept: ASCII, Latin-1, general punctuation, CJK symbols and punctuation, full-width forms, the 6,763 hanzi
of GB2312, and every character of examples/org.yaml, the grade and duty labels and the chart's own words.
Dropped: hinting, the layout tables (GSUB/GPOS: matplotlib lays text out glyph by glyph), vertical
metrics, the signature. The family is renamed (a Modified Version under the OFL, and a name that cannot
be mistaken for a system-wide Noto Sans CJK SC in the fallback list). The output is deterministic for a
given source file and fontTools version.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bot" / "figures" / "fonts" / "NotoSansSC-subset.otf"
FAMILY = "Yuqing Noto Sans SC"
# Files whose every character is kept: the sample organisation, the labels a chart shows, the chart itself.
TEXT_FILES = ("examples/org.yaml", "bot/domain/grade.py", "bot/domain/kinds.py", "bot/figures/chart.py")
RANGES = ((0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2190, 0x21FF), (0x2460, 0x24FF),
          (0x25A0, 0x25FF), (0x3000, 0x303F), (0xFF00, 0xFFEF))


def gb2312_hanzi() -> list[str]:
    """The 6,763 hanzi of GB2312 (rows 16–87), decoded one code point at a time."""
    out = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:  # the five empty cells at the end of row 55
                pass
    return out


def wanted() -> set[int]:
    """Every code point the subset keeps."""
    points = {p for lo, hi in RANGES for p in range(lo, hi + 1)}
    points |= {ord(c) for c in gb2312_hanzi()}
    for name in TEXT_FILES:
        path = ROOT / name
        if path.exists():
            points |= {ord(c) for c in path.read_text(encoding="utf-8") if ord(c) >= 0x20}
    return points


def rename(font: TTFont) -> None:
    """The subset's own family name (names 1, 4, 6, 16 and the CFF's)."""
    ps = FAMILY.replace(" ", "") + "-Regular"
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID == 4:
            record.string = f"{FAMILY} Regular"
        elif record.nameID == 6:
            record.string = ps
        elif record.nameID == 3:
            record.string = f"{ps};subset of NotoSansCJKsc-Regular 1.004"
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [ps]
        top = cff.topDictIndex[0]
        top.FullName, top.FamilyName = f"{FAMILY} Regular", FAMILY


def make(source: Path, out: Path = OUT) -> int:
    """Write the subset of ``source`` to ``out``; returns its size in bytes."""
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.desubroutinize = False
    options.drop_tables += ["GSUB", "GPOS", "BASE", "VORG", "vhea", "vmtx", "DSIG", "JSTF", "MATH"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 11, 13, 14, 16, 17]
    options.notdef_outline = True
    options.recalc_timestamp = False  # deterministic: keep the source's head.modified
    font = subset.load_font(str(source), options, dontLoadGlyphNames=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted())
    subsetter.subset(font)
    rename(font)
    out.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(out), options)
    return out.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="NotoSansCJKsc-Regular.otf (from the mplfonts wheel)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    size = make(args.source, args.out)
    print(f"{args.out}: {size:,} bytes, {len(TTFont(args.out)['cmap'].getBestCmap()):,} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
