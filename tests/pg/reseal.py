#!/usr/bin/env python3
# reseal.py IMAGE OLD NEW: replaces the first OLD in a snapshot image with
# NEW (as long) and recomputes its checksums, as store/image_check.c's
# image_seal does: an image forged so that only `audit verify`, which
# compares it with the tables, can tell (tests/pg/t0090).
import struct
import sys

M = (1 << 64) - 1
P1, P2 = 0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F
BLOCK = 16384
SUM_AT = 944  # offsetof(struct image_header, sum) on x86-64, CHIMG006


def rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & M


def image_sum(b):
    n = len(b)
    l0, l1, l2, l3 = P1, P2, ~P1 & M, ~P2 & M
    w = struct.unpack_from("<%dQ" % (n // 8), b)
    i = 0
    while i + 4 <= len(w):
        l0 = ((l0 ^ w[i]) * P1) & M
        l1 = ((l1 ^ w[i + 1]) * P1) & M
        l2 = ((l2 ^ w[i + 2]) * P1) & M
        l3 = ((l3 ^ w[i + 3]) * P1) & M
        i += 4
    while i < len(w):
        l0 = ((l0 ^ w[i]) * P1) & M
        i += 1
    for c in b[len(w) * 8:]:
        l1 = ((l1 ^ c) * P1) & M
    h = (n * P2) & M
    for lane in (l0, l1, l2, l3):
        h = ((rotl(h, 27) ^ ((lane * P2) & M)) * P1) & M
    return h ^ (h >> 29)


path, old, new = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
assert len(old) == len(new)
data = bytearray(open(path, "rb").read())
at = data.find(old, BLOCK)
assert at > 0, "not found"
data[at:at + len(old)] = new
data_end = struct.unpack_from("<Q", data, 112)[0]
for b in range(1, data_end // BLOCK):
    struct.pack_into("<Q", data, data_end + 8 * b,
                     image_sum(bytes(data[b * BLOCK:(b + 1) * BLOCK])))
struct.pack_into("<Q", data, 120, image_sum(bytes(data[data_end:])))
struct.pack_into("<Q", data, SUM_AT, image_sum(bytes(data[:SUM_AT])))
open(path, "wb").write(data)
