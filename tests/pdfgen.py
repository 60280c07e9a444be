#!/usr/bin/env python3
"""Writes small test PDFs with exact xref offsets.

  pdfgen.py base OUT.pdf      one page, an empty signature field (object 5)
  pdfgen.py certify OUT.pdf   the same with a text field too (object 7)
  pdfgen.py plain OUT.pdf     one page, no form at all
  pdfgen.py pages OUT.pdf N [PAD_KB [LABEL]]
                              N pages, no form, plus PAD_KB of random bytes
                              in an unreferenced stream (archive tests that
                              need real, distinct PDFs of a given size) and
                              the string GAZETTE-MARKER-LABEL-END
"""
import os, sys, zlib


def build(objs, root=1, header=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"):
    out = bytearray(header)
    offs = {}
    for num, body in objs:
        offs[num] = len(out)
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    x = len(out)
    size = max(offs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for n in range(1, size):
        if n in offs:
            out += b"%010d 00000 n \n" % offs[n]
        else:
            out += b"0000000000 65535 f \n"
    out += b"trailer\n<</Size %d/Root %d 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (size, root, x)
    return bytes(out)


def stream(dict_, data):
    return b"<<" + dict_ + b"/Length %d>>\nstream\n" % len(data) + data + b"\nendstream"


def plain():
    """One page, no form: what placeholder-only signers (@signpdf) expect."""
    content = b"BT /F1 24 Tf 72 700 Td (Official gazette 2026 No. 1) Tj ET"
    return build([
        (1, b"<</Type/Catalog/Pages 2 0 R>>"),
        (2, b"<</Type/Pages/Kids[3 0 R]/Count 1>>"),
        (3, b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
            b"/Resources<</Font<</F1 5 0 R>>>>>>"),
        (4, stream(b"/Filter/FlateDecode", zlib.compress(content))),
        (5, b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"),
    ])


def base(with_text_field=False):
    content = b"BT /F1 24 Tf 72 700 Td (Official gazette 2026 No. 1) Tj ET"
    fields = b"[5 0 R 7 0 R]" if with_text_field else b"[5 0 R]"
    annots = fields
    objs = [
        (1, b"<</Type/Catalog/Pages 2 0 R/AcroForm<</Fields " + fields + b">>>>"),
        (2, b"<</Type/Pages/Kids[3 0 R]/Count 1>>"),
        (3, b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
            b"/Resources<</Font<</F1 6 0 R>>>>/Annots " + annots + b">>"),
        (4, stream(b"/Filter/FlateDecode", zlib.compress(content))),
        (5, b"<</Type/Annot/Subtype/Widget/FT/Sig/T(Signature1)/Rect[0 0 0 0]/F 132/P 3 0 R>>"),
        (6, b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"),
    ]
    if with_text_field:
        objs.append((7, b"<</Type/Annot/Subtype/Widget/FT/Tx/T(Amount)/V(100)"
                        b"/Rect[72 600 300 620]/F 4/P 3 0 R>>"))
    return build(objs)


def pages(n, pad_kb=0, label=None):
    kids = b" ".join(b"%d 0 R" % (10 + 2 * i) for i in range(n))
    objs = [(1, b"<</Type/Catalog/Pages 2 0 R>>"),
            (2, b"<</Type/Pages/Kids[" + kids + b"]/Count %d>>" % n),
            (3, b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>")]
    for i in range(n):
        content = b"BT /F1 24 Tf 72 700 Td (Page %d) Tj ET" % (i + 1)
        objs.append((10 + 2 * i, b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]"
                                 b"/Contents %d 0 R/Resources<</Font<</F1 3 0 R>>>>>>" % (11 + 2 * i)))
        objs.append((11 + 2 * i, stream(b"", content)))
    if pad_kb:
        objs.append((4, stream(b"", os.urandom(pad_kb * 1024))))
    if label:
        objs.append((5, b"(GAZETTE-MARKER-" + label.encode() + b"-END)"))
    objs.sort()
    return build(objs)


if __name__ == "__main__":
    kind, out = sys.argv[1], sys.argv[2]
    if kind == "pages":
        data = pages(int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 0,
                     sys.argv[5] if len(sys.argv) > 5 else None)
        open(out, "wb").write(data)
        sys.exit(0)
    data = {"base": lambda: base(False), "certify": lambda: base(True), "plain": plain}[kind]()
    open(out, "wb").write(data)
