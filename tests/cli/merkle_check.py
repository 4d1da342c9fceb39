#!/usr/bin/python3
"""An independent RFC 9162 Merkle tree (hashlib only), to check chancery's.

    merkle_check.py dump FILE
        FILE holds the lines test-merkle writes for MERKLE_SIZES (leaf i is
        the text "leaf i"): "root N N H", "inclusion I N H...",
        "consistency M N H...". Each is recomputed here; a difference is
        printed and the exit is 1.

Written from the RFC's definitions (MTH, PATH, SUBPROOF), not from
chancery's code, so that the two can only agree by both being right.
"""
import base64
import hashlib
import sys


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves):
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = split(len(leaves))
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def path(m, leaves):
    if len(leaves) <= 1:
        return []
    k = split(len(leaves))
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def subproof(m, leaves, b):
    n = len(leaves)
    if m == n:
        return [] if b else [mth(leaves)]
    k = split(n)
    if m <= k:
        return subproof(m, leaves[:k], b) + [mth(leaves[k:])]
    return subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


def consistency(m, leaves):
    if m == 0 or m == len(leaves):
        return []
    return subproof(m, leaves, True)


def check_dump(file):
    bad = 0
    leaves = []
    for line in open(file):
        what, a, n, *hashes = line.split()
        a, n = int(a), int(n)
        while len(leaves) < n:
            leaves.append(leaf_hash(b"leaf %d" % len(leaves)))
        tree = leaves[:n]
        if what == "root":
            want = [mth(tree)]
        elif what == "inclusion":
            want = path(a, tree)
        else:
            want = consistency(a, tree)
        if [h.hex() for h in want] != hashes:
            print("differs: %s" % line.strip())
            bad += 1
    return bad


def b64(h):
    return base64.b64encode(h).decode()


def main():
    if sys.argv[1] == "dump":
        sys.exit(1 if check_dump(sys.argv[2]) else 0)
    sys.exit("usage: merkle_check.py dump FILE")


if __name__ == "__main__":
    main()
