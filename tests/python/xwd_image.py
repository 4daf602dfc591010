"""Reads an X window dump (xwd -root) into RGB rows and writes PNG files, with the standard
library only: the viewer test's screenshot, as a person would take it, without ImageMagick."""

import struct
import zlib


def read_xwd(path):
    """(width, height, rows) with rows a list of bytes objects, 3 bytes (R, G, B) per pixel."""
    with open(path, "rb") as f:
        data = f.read()
    fields = struct.unpack(">25I", data[:100])
    header_size, _, _, depth, width, height = fields[:6]
    byte_order, bits_per_pixel, bytes_per_line = fields[7], fields[11], fields[12]
    ncolors = fields[19]
    if bits_per_pixel not in (24, 32) or depth < 24:
        raise ValueError(f"{path}: {bits_per_pixel} bits per pixel, depth {depth}; "
                         "expected a 24-bit TrueColor screen")
    step = bits_per_pixel // 8
    offset = header_size + ncolors * 12
    rows = []
    for y in range(height):
        line = data[offset + y * bytes_per_line: offset + y * bytes_per_line + width * step]
        rgb = bytearray(width * 3)
        if byte_order == 0:  # LSBFirst: B, G, R (, pad)
            rgb[0::3], rgb[1::3], rgb[2::3] = line[2::step], line[1::step], line[0::step]
        else:  # MSBFirst: (pad,) R, G, B
            o = step - 3
            rgb[0::3], rgb[1::3], rgb[2::3] = line[o::step], line[o + 1::step], line[o + 2::step]
        rows.append(bytes(rgb))
    return width, height, rows


def write_png(path, width, height, rows):
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + row for row in rows)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 6)))
        f.write(chunk(b"IEND", b""))
