#!/usr/bin/env python3
"""Writes a 2-page PDF whose last page has an indirect /Annots array (a
link) and whose catalog has an indirect /AcroForm with a text field: the
shapes `gazette sign` must extend rather than replace.  Usage: OUT.pdf"""
import sys

objs = [
    b"<</Type/Catalog/Pages 2 0 R/AcroForm 7 0 R>>",
    b"<</Type/Pages/Count 2/Kids[3 0 R 4 0 R]>>",
    b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 5 0 R>>",
    b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 5 0 R/Annots 6 0 R>>",
    b"<</Length 0>>\nstream\n\nendstream",
    b"[8 0 R 9 0 R]",
    b"<</Fields[9 0 R]/DA(/Helv 0 Tf 0 g)>>",
    b"<</Type/Annot/Subtype/Link/Rect[10 10 50 50]/Border[0 0 0]>>",
    b"<</Type/Annot/Subtype/Widget/FT/Tx/T(note)/V(hello)/Rect[100 100 200 120]/P 4 0 R>>",
]
out = bytearray(b"%PDF-1.7\n%\xb5\xb6\n")
offs = []
for i, o in enumerate(objs, 1):
    offs.append(len(out))
    out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
x = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for o in offs:
    out += b"%010d 00000 n \n" % o
out += b"trailer\n<</Size %d/Root 1 0 R/ID[<00112233445566778899AABBCCDDEEFF><00112233445566778899AABBCCDDEEFF>]>>\nstartxref\n%d\n%%%%EOF" % (len(objs) + 1, x)
open(sys.argv[1], "wb").write(out)
