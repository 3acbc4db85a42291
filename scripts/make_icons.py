"""Write the app icons (static/img/icon-192.png, icon-512.png): a white "L" on Legwork's green.

Plain zlib and struct, so no imaging library is needed: `python scripts/make_icons.py`.
"""

import struct
import zlib
from pathlib import Path

GREEN, WHITE = (11, 110, 79), (255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "static" / "img"


def pixel(x, y, size):
    # The "L" sits inside the maskable safe zone (the middle 80 %).
    u, v = x / size, y / size
    stem = 0.34 <= u <= 0.46 and 0.25 <= v <= 0.75
    foot = 0.34 <= u <= 0.68 and 0.63 <= v <= 0.75
    return WHITE if stem or foot else GREEN


def png(size):
    raw = b"".join(b"\x00" + b"".join(bytes(pixel(x, y, size)) for x in range(size)) for y in range(size))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    for size in (192, 512):
        (OUT / f"icon-{size}.png").write_bytes(png(size))
