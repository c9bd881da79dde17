"""The PNG writer for rows that repeat (a QR code's): the image is exactly its runs of rows, repeats kept small."""

from __future__ import annotations

import struct
import zlib

from png_pixels import read_png

from site_builder.png import grey_png


def test_runs_of_rows_are_stored_in_their_order_each_as_often_as_its_count() -> None:
    runs = [(bytes([0xFF]) * 124, 88), (bytes([0x0F, 0xF0]) * 62, 22), (bytes([0x01]) * 124, 1),
            (bytes([0x01]) * 124, 3), (bytes(range(124)), 1)]  # fmt: skip
    image = read_png(grey_png(124 * 8, 115, 1, runs))
    rows = [image.pixels[y * image.width : (y + 1) * image.width] for y in range(image.height)]
    expected = [row for row, count in runs for _ in range(count)]
    assert [_bits(row) for row in rows] == [_bits_of(row) for row in expected]


def test_a_repeated_row_is_stored_as_its_difference_from_the_row_above() -> None:
    row = bytes([0x5A]) * 30
    stream = zlib.decompress(_image_data(grey_png(240, 40, 1, [(row, 40)])))  # zlib checks the Adler-32 too
    assert stream == b"\x00" + row + (b"\x02" + bytes(30)) * 39


def test_repeats_cost_a_few_bytes_however_many_there_are() -> None:
    row = bytes([0x5A]) * 30
    forty, four_hundred = (len(_image_data(grey_png(240, count, 1, [(row, count)]))) for count in (40, 400))
    assert forty < len(row) + 80, "the first row as it is, its 39 repeats in a few dozen bytes"
    assert four_hundred - forty < 60, "360 more rows, 11 KB of them, in a few dozen bytes"


def test_a_row_longer_than_a_stored_block_holds_is_split_across_blocks() -> None:
    row = bytes(range(256)) * 300  # 76,800 bytes: a stored deflate block holds at most 65,535
    stream = zlib.decompress(_image_data(grey_png(len(row) * 8, 3, 1, [(row, 1), (row[::-1], 2)])))
    assert stream == b"\x00" + row + b"\x00" + row[::-1] + b"\x02" + bytes(len(row))


def _image_data(png: bytes) -> bytes:
    start = png.index(b"IDAT") + 4
    (length,) = struct.unpack(">I", png[start - 8 : start - 4])
    return png[start : start + length]


def test_a_grey_png_is_the_image_its_rows_describe() -> None:
    white, stripes = b"\xff" * 2, b"\xaa" * 2  # 16 pixels a row, one bit each
    image = read_png(grey_png(16, 5, 1, [(white, 2), (stripes, 3)]))
    assert (image.width, image.height) == (16, 5)
    assert image.pixels[:16] == b"\xff" * 16
    assert image.pixels[2 * 16 : 3 * 16] == b"\xff\x00" * 8
    assert image.pixels[4 * 16 :] == b"\xff\x00" * 8


def _bits(pixels: bytes) -> str:
    return "".join("1" if pixel else "0" for pixel in pixels)


def _bits_of(row: bytes) -> str:
    return "".join(f"{byte:08b}" for byte in row)


def test_every_chunk_carries_its_own_checksum() -> None:
    data = grey_png(8, 2, 1, [(b"\x55", 2)])
    position = 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind_and_body = data[position + 4 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind_and_body)
        position += 12 + length
    assert position == len(data)
