#!/usr/bin/env python3
"""Writes a demo seal PNG: a red ring and star on a transparent background,
8-bit, with every PNG row filter in use.  Usage: OUT.png [SIZE] [MODE]
MODE: rgba (default), rgb (white background), gray, graya, palette (with
tRNS)."""
import math, struct, sys, zlib

size = int(sys.argv[2]) if len(sys.argv) > 2 else 96
mode = sys.argv[3] if len(sys.argv) > 3 else "rgba"
rows = []
c = (size - 1) / 2
for y in range(size):
    row = bytearray()
    for x in range(size):
        r = math.hypot(x - c, y - c)
        ang = math.atan2(y - c, x - c)
        star = r < size * 0.22 * (0.6 + 0.4 * abs(math.cos(2.5 * ang)))
        ring = size * 0.38 < r < size * 0.47
        on = ring or star
        if mode == "rgba": row += bytes((200, 16, 24, 255) if on else (255, 255, 255, 0))
        elif mode == "rgb": row += bytes((200, 16, 24) if on else (255, 255, 255))
        elif mode == "gray": row += bytes((40,) if on else (255,))
        elif mode == "graya": row += bytes((40, 255) if on else (255, 0))
        else: row += bytes((1,) if on else (0,))
    rows.append(row)
bpp = {"rgba": 4, "rgb": 3, "gray": 1, "graya": 2, "palette": 1}[mode]
ctype = {"rgba": 6, "rgb": 2, "gray": 0, "graya": 4, "palette": 3}[mode]

def filt(t, cur, prev):
    out = bytearray([t])
    for i, v in enumerate(cur):
        a = cur[i - bpp] if i >= bpp else 0
        b = prev[i] if prev else 0
        c_ = prev[i - bpp] if prev and i >= bpp else 0
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

png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, ctype, 0, 0, 0))
if mode == "palette":
    png += chunk(b"PLTE", bytes((255, 255, 255, 200, 16, 24))) + chunk(b"tRNS", bytes((0,)))
png += chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
