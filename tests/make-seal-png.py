#!/usr/bin/env python3
"""Writes a demo seal PNG: a red ring and star on a transparent background
(RGBA, 8-bit, with every PNG row filter in use).  Usage: OUT.png [SIZE]"""
import math, struct, sys, zlib

size = int(sys.argv[2]) if len(sys.argv) > 2 else 96
rows = []
c = (size - 1) / 2
for y in range(size):
    row = bytearray()
    for x in range(size):
        r = math.hypot(x - c, y - c)
        ang = math.atan2(y - c, x - c)
        star = r < size * 0.22 * (0.6 + 0.4 * abs(math.cos(2.5 * ang)))
        ring = size * 0.38 < r < size * 0.47
        row += bytes((200, 16, 24, 255)) if ring or star else bytes((255, 255, 255, 0))
    rows.append(row)

def filt(t, cur, prev):
    out = bytearray([t])
    for i, v in enumerate(cur):
        a = cur[i - 4] if i >= 4 else 0
        b = prev[i] if prev else 0
        c_ = prev[i - 4] if prev and i >= 4 else 0
        if t == 0: p = 0
        elif t == 1: p = a
        elif t == 2: p = b
        elif t == 3: p = (a + b) // 2
        else:
            pa, pb, pc = abs(b - c_), abs(a - c_), abs(a + b - 2 * c_)
            p = a if pa <= pb and pa <= pc else b if pb <= pc else c_
        out.append((v - p) & 255)
    return out

raw = bytearray()
for y, row in enumerate(rows):
    raw += filt(y % 5, row, rows[y - 1] if y else None)

def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)

png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
