#!/usr/bin/python3
"""An independent RFC 9162 Merkle tree (hashlib only), to check chancery's,
and an independent C2SP signed-note checker (python3-cryptography's
Ed25519).

    merkle_check.py dump FILE
        FILE holds the lines test-merkle writes for MERKLE_SIZES (leaf i is
        the text "leaf i"): "root N N H", "inclusion I N H...",
        "consistency M N H...". Each is recomputed here; a difference is
        printed and the exit is 1.

    merkle_check.py checkpoint DB FILE [PUB]
        FILE is chancery's checkpoint; its root must be the root of the
        first N leaf hashes the registry DB keeps (tlog_leaves, 32 a row), and
        with PUB (a C2SP verifier key) its signature must verify.
    merkle_check.py export DIR FILE [PUB]
        DIR is chancery's export: each entry of DIR/changelog.jsonl is
        re-encoded (encoding 2), its BLAKE2b chain hash recomputed, and the
        root of their leaves must be FILE's (a checkpoint, its signature
        checked with PUB).
    merkle_check.py inclusion DB SEQ SIZE PROOF
    merkle_check.py consistency DB M N PROOF
        PROOF (base64 hashes one a line) must be the proof recomputed here.

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


def db_leaves(db):
    import sqlite3
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT chunk, hashes FROM tlog_leaves ORDER BY chunk")
    leaves = []
    for chunk, hashes in rows:
        if chunk * 32 != len(leaves) or len(hashes) % 32:
            sys.exit("leaf %d missing" % len(leaves))
        hashes = bytes(hashes)
        leaves.extend(hashes[i:i + 32] for i in range(0, len(hashes), 32))
    return leaves


def verify_note(text, pub):
    """The note's text if pub's signature on it verifies, else exit."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import \
        Ed25519PublicKey
    name, key_id, key = pub.strip().split("+", 2)
    typed = base64.b64decode(key, validate=True)
    if typed[0] != 1 or len(typed) != 33:
        sys.exit("not an Ed25519 verifier key")
    want_id = hashlib.sha256(name.encode() + b"\n" + typed).digest()[:4]
    if want_id.hex() != key_id:
        sys.exit("key ID %s, computed %s" % (key_id, want_id.hex()))
    body, sigs = text.rsplit("\n\n", 1)
    body += "\n"
    for line in sigs.splitlines():
        dash, signer, blob = line.split(" ")
        if dash != "\u2014" or signer != name:
            continue
        blob = base64.b64decode(blob, validate=True)
        if blob[:4] != want_id:
            continue
        Ed25519PublicKey.from_public_bytes(typed[1:]).verify(
            blob[4:], body.encode())
        return body
    sys.exit("no signature by %s" % name)


def verify_cosigned(text, pub):
    """Exit unless pub's cosignature/v1 line on text verifies."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import \
        Ed25519PublicKey
    name, key_id, key = pub.strip().split("+", 2)
    typed = base64.b64decode(key, validate=True)
    cid = hashlib.sha256(name.encode() + b"\n\x04" + typed[1:]).digest()[:4]
    body, sigs = text.rsplit("\n\n", 1)
    body += "\n"
    for line in sigs.splitlines():
        dash, signer, blob = line.split(" ")
        blob = base64.b64decode(blob, validate=True)
        if signer != name or blob[:4] != cid:
            continue
        t = int.from_bytes(blob[4:12], "big")
        msg = ("cosignature/v1\ntime %d\n" % t + body).encode()
        Ed25519PublicKey.from_public_bytes(typed[1:]).verify(blob[12:], msg)
        return 0
    sys.exit("no cosignature by %s" % name)


def check_checkpoint(db, file, pub):
    text = open(file, encoding="utf-8").read()
    if pub:
        text = verify_note(text, open(pub).read())
    origin, size, root = text.splitlines()[:3]
    size = int(size)
    want = mth(db_leaves(db)[:size])
    if base64.b64decode(root) != want:
        print("root %s, recomputed %s" % (root, b64(want)))
        return 1
    return 0


FIELDS = ("recorded", "actor", "op", "entity", "key", "before", "after",
          "reason")


def encode(entry):
    """Encoding 2 (docs/registry.md): 0x02, seq as 8 bytes big-endian, then
    each field absent (0x00) or 0x01, its length (4 bytes), its bytes."""
    out = b"\x02" + entry["seq"].to_bytes(8, "big")
    for name in FIELDS:
        value = entry[name]
        if value is None:
            out += b"\x00"
        else:
            data = value.encode()
            out += b"\x01" + len(data).to_bytes(4, "big") + data
    return out


def check_export(folder, file, pub):
    import json
    text = open(file, encoding="utf-8").read()
    if pub:
        text = verify_note(text, open(pub).read())
    origin, size, root = text.splitlines()[:3]
    leaves, prev = [], b""
    for n, line in enumerate(open(folder + "/changelog.jsonl",
                                  encoding="utf-8"), 1):
        entry = json.loads(line)
        if entry["seq"] != n:
            print("line %d holds change %d" % (n, entry["seq"]))
            return 1
        enc = encode(entry)
        prev = hashlib.blake2b(prev + enc, digest_size=32).digest()
        if prev.hex() != entry["hash"]:
            print("change %d: chain hash differs" % n)
            return 1
        leaves.append(leaf_hash(enc))
    if len(leaves) != int(size) or mth(leaves) != base64.b64decode(root):
        print("%d leaves, root %s; checkpoint %s, %s" %
              (len(leaves), b64(mth(leaves)), size, root))
        return 1
    return 0


def check_proof(want, file):
    got = open(file).read().split()
    if got != [b64(h) for h in want]:
        print("proof differs:\n%s\nrecomputed:\n%s" %
              ("\n".join(got), "\n".join(b64(h) for h in want)))
        return 1
    return 0


def main():
    what, args = sys.argv[1], sys.argv[2:]
    if what == "dump":
        sys.exit(1 if check_dump(args[0]) else 0)
    if what == "checkpoint":
        sys.exit(check_checkpoint(args[0], args[1],
                                  args[2] if len(args) > 2 else None))
    if what == "export":
        sys.exit(check_export(args[0], args[1],
                              args[2] if len(args) > 2 else None))
    if what == "cosigned":
        sys.exit(verify_cosigned(open(args[0], encoding="utf-8").read(),
                                 open(args[1]).read()))
    if what == "inclusion":
        leaves = db_leaves(args[0])[:int(args[2])]
        sys.exit(check_proof(path(int(args[1]) - 1, leaves), args[3]))
    if what == "consistency":
        leaves = db_leaves(args[0])[:int(args[2])]
        sys.exit(check_proof(consistency(int(args[1]), leaves), args[3]))
    sys.exit("usage: merkle_check.py dump|checkpoint|inclusion|consistency")


if __name__ == "__main__":
    main()
