#!/usr/bin/env python3
"""textcheck.py - no required text cut: reads the words poppler finds on a
page with their boxes (pdftotext -bbox) and checks, label by label, that
each required field is drawn whole (the words of the label, in reading
order, hold the field's text), that every word lies inside its label and
that none overlaps the symbol.

    textcheck.py HTML LABEL_W LABEL_H COUNT NAME REG OPERATOR USCC_LINE ROWS SYMBOX SYM [APPROVAL]

APPROVAL: the approval document number line (核准文号 ...), when the
labels were laid out with approval-no. SYMBOX: "x y w h" of label 1's symbol box in mm from the page's corner (A4,
10 mm margins, 3 mm gaps). ROWS: the CSV's rows (code,url,...). Prints what
is wrong and exits 1.
"""
import html
import re
import sys

PT = 25.4 / 72


def main():
    (path, w, h, count, name, reg, operator, uscc, rows, symbox, sym) = sys.argv[1:12]
    approval = sys.argv[12] if len(sys.argv) > 12 else ""
    w, h, count = float(w), float(h), int(count)
    sx, sy, sw, sh = (float(v) for v in symbox.split())
    sx, sy = sx - 10, sy - 10
    if sym == "code128":
        sx, sw = 0, w
    codes = [r.split(",")[0] for r in open(rows, encoding="utf-8").read().split("\n") if r]
    words = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                         r'yMax="([\d.]+)">([^<]*)</word>', open(path, encoding="utf-8").read()):
        x0, y0, x1, y1 = (float(m.group(i)) * PT for i in range(1, 5))
        words.append((x0, y0, x1, y1, html.unescape(m.group(5))))
    cols = int((190 + 3) // (w + 3))
    problems = []
    for i in range(count):
        lx, ly = 10 + (i % cols) * (w + 3), 10 + (i // cols) * (h + 3)
        mine = [t for t in words
                if lx <= (t[0] + t[2]) / 2 <= lx + w and ly <= (t[1] + t[3]) / 2 <= ly + h]
        for (x0, y0, x1, y1, text) in mine:
            if x0 < lx - 0.2 or x1 > lx + w + 0.2 or y0 < ly - 0.2 or y1 > ly + h + 0.2:
                problems.append("label %d: '%s' crosses the label's edge" % (i + 1, text))
            # the text's box is the font's (ascent to descent): overlap by
            # more than 0.3 mm means ink on the symbol
            if (x0 < lx + sx + sw - 0.3 and x1 > lx + sx + 0.3 and y0 < ly + sy + sh - 0.3
                    and y1 > ly + sy + 0.3):
                problems.append("label %d: '%s' overlaps the symbol" % (i + 1, text))
            if "\u2026" in text:
                problems.append("label %d: '%s' is cut with an ellipsis" % (i + 1, text))
        mine.sort(key=lambda t: (round(t[1] * 2), t[0]))
        joined = "".join(t[4] for t in mine)
        for what, field in (("GI name", name), ("registration number", reg),
                            ("operator", operator), ("USCC", uscc), ("serial", codes[i]),
                            ("approval number", approval)):
            if field and field.replace(" ", "") not in joined:
                problems.append("label %d: %s '%s' not drawn whole (read: %s)"
                                % (i + 1, what, field, joined))
    if problems:
        print("; ".join(problems[:4]))
        sys.exit(1)


main()
