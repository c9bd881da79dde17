"""The PNG writer for rows that repeat (a QR code's): the image is exactly its runs of rows."""

from __future__ import annotations

import struct
import zlib

from png_pixels import read_png

from site_builder.png import grey_png


def test_runs_of_rows_are_stored_in_their_order_each_as_often_as_its_count() -> None:
    runs = [(b"\x00" + bytes([0xFF]) * 124, 88), (b"\x00" + bytes([0x0F, 0xF0]) * 62, 22), (b"\x00\x01", 1),
            (b"\x00\x01", 3), (b"\x00\x01\x02", 1)]  # fmt: skip
    data = grey_png(8, 115, 1, runs)
    start = data.index(b"IDAT") + 4
    (length,) = struct.unpack(">I", data[start - 8 : start - 4])
    assert zlib.decompress(data[start : start + length]) == b"".join(row * count for row, count in runs)


def test_a_grey_png_is_the_image_its_rows_describe() -> None:
    white, stripes = b"\x00" + b"\xff" * 2, b"\x00" + b"\xaa" * 2  # 16 pixels a row, one bit each
    image = read_png(grey_png(16, 5, 1, [(white, 2), (stripes, 3)]))
    assert (image.width, image.height) == (16, 5)
    assert image.pixels[:16] == b"\xff" * 16
    assert image.pixels[2 * 16 : 3 * 16] == b"\xff\x00" * 8


def test_every_chunk_carries_its_own_checksum() -> None:
    data = grey_png(8, 2, 1, [(b"\x00\x55", 2)])
    position = 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind_and_body = data[position + 4 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind_and_body)
        position += 12 + length
    assert position == len(data)
