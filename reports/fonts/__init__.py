"""Fonts shipped with tidtam for the charts and the PDFs: TLWG Laksaman, regular and bold.

Laksaman is a free Thai font in the style of TH Sarabun, from the Thai Linux
Working Group's fonts-tlwg 0.7.3 (Debian package fonts-tlwg-laksaman-ttf
1:0.7.3-1; files unchanged).

Copyright 2010-2011 Software Industry Promotion Agency (Public Organization) (SIPA),
2014-2015 Theppitak Karoonboonyanan. License: GPL-2+ with the font exception (full
text in ``LICENSE`` next to the fonts):

    As a special exception, if you create a document which uses this font, and
    embed this font or unaltered portions of this font into the document, this
    font does not by itself cause the resulting document to be covered by the GNU
    General Public License. This exception does not however invalidate any other
    reasons why the document might be covered by the GNU General Public License.
    If you modify this font, you may extend this exception to your version of the
    font, but you are not obligated to do so. If you do not wish to do so, delete
    this exception statement from your version.

sha256: Laksaman.ttf 209be675a45c2abc79405bbaa68b4def83738ba65f1449d4629a85cba1040a37,
Laksaman-Bold.ttf 5c7a5a8e0e10db603db2257777a67fc94770241377a585eff898cf76c23c0c45.
"""

from pathlib import Path
from typing import Final

__all__ = ["FONTS_DIR", "FONT_FILES"]

FONTS_DIR: Final = Path(__file__).resolve().parent
#: Regular and bold. Here, not beside the charts, so that what draws a PDF (the bot's
#: document worker) does not import matplotlib and pandas to find them.
FONT_FILES: Final = (FONTS_DIR / "Laksaman.ttf", FONTS_DIR / "Laksaman-Bold.ttf")
