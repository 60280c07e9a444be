#!/usr/bin/env python3
"""Writes a PDF of N pages (default 112) of about SIZE bytes (default the
issue's 742 KB reference), with an empty signature field on the last page
(mutool sign can only fill an existing field).  Usage: OUT.pdf [N] [SIZE]"""
import sys

out_path = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 112
size = int(sys.argv[3]) if len(sys.argv) > 3 else 742 * 1024
per_page = max(200, size // n - 300)

objs = {}
objs[1] = b"<</Type/Catalog/Pages 2 0 R/AcroForm<</Fields[4 0 R]>>>>"
objs[3] = b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"
kids = []
num = 5
for p in range(n):
    line = b"(Gazette bench page %d line %%d: the quick brown fox jumps over the lazy dog) Tj T*\n" % (p + 1)
    body = b"BT /F1 9 Tf 11 TL 40 800 Td\n"
    i = 0
    while len(body) < per_page:
        body += line % i
        i += 1
    body += b"ET\n"
    cnum, pnum = num, num + 1
    num += 2
    objs[cnum] = b"<</Length %d>>\nstream\n" % len(body) + body + b"\nendstream"
    annots = b"/Annots[4 0 R]" if p == n - 1 else b""
    objs[pnum] = (b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 3 0 R>>>>"
                  b"/Contents %d 0 R%s>>" % (cnum, annots))
    kids.append(pnum)
objs[2] = b"<</Type/Pages/Count %d/Kids[%s]>>" % (n, b" ".join(b"%d 0 R" % k for k in kids))
objs[4] = b"<</Type/Annot/Subtype/Widget/FT/Sig/T(bench)/Rect[0 0 0 0]/F 132/P %d 0 R>>" % kids[-1]

out = bytearray(b"%PDF-1.7\n%\xb5\xb6\n")
offs = {}
for k in sorted(objs):
    offs[k] = len(out)
    out += b"%d 0 obj\n" % k + objs[k] + b"\nendobj\n"
x = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % num
for k in range(1, num):
    out += b"%010d 00000 n \n" % offs[k]
out += b"trailer\n<</Size %d/Root 1 0 R/ID[<0123456789ABCDEF0123456789ABCDEF><0123456789ABCDEF0123456789ABCDEF>]>>\nstartxref\n%d\n%%%%EOF\n" % (num, x)
open(out_path, "wb").write(out)
