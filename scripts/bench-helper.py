#!/usr/bin/env python3
"""Helpers for scripts/bench.

  bench-helper.py layout DIR TAG MIB[,MIB...]
      Writes an OCI image layout in DIR holding one image tagged TAG, with one uncompressed tar
      layer per size (random, hence incompressible, bytes). Layers are streamed to disk and
      hashed as they are written, so the generator itself stays small in memory.

  bench-helper.py table RESULTS.tsv PEAK_SMALL_TAG PEAK_BIG_TAG
      Reads the per-repetition measurements (tool, op, image, rep, wall, user, sys, maxrss_kib)
      and prints the markdown report: medians per tool and op, peak RSS, the ratio of regctl to
      the fastest peer, the targets, and regctl's 512 MiB vs 2 GiB peak RSS.
"""

import hashlib
import io
import json
import os
import statistics
import sys
import tarfile

MIB = 1 << 20


class RandomReader(io.RawIOBase):
    """`size` random bytes, read on demand: tarfile copies from it in chunks."""

    def __init__(self, size):
        self.left = size

    def readable(self):
        return True

    def readinto(self, buf):
        n = min(len(buf), self.left)
        if n == 0:
            return 0
        buf[:n] = os.urandom(n)
        self.left -= n
        return n


class HashingWriter(io.RawIOBase):
    """A file that hashes what is written to it, so no second read is needed for the digest."""

    def __init__(self, path):
        self.f = open(path, "wb")
        self.h = hashlib.sha256()
        self.n = 0

    def writable(self):
        return True

    def write(self, b):
        self.f.write(b)
        self.h.update(b)
        self.n += len(b)
        return len(b)

    def close(self):
        self.f.close()
        super().close()


def put_blob(blobs, data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return "sha256:" + digest, len(data)


def layout(out, tag, sizes):
    blobs = os.path.join(out, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)
    layers, diff_ids = [], []
    for i, mib in enumerate(sizes):
        tmp = os.path.join(blobs, f".layer{i}.tmp")
        w = HashingWriter(tmp)
        # One file per layer; the tar is uncompressed so the bytes on the wire are the random
        # bytes themselves (no tool gets to skip work by (de)compressing).
        with tarfile.open(fileobj=w, mode="w|", format=tarfile.PAX_FORMAT) as tar:
            info = tarfile.TarInfo(f"layer{i}/data.bin")
            info.size = mib * MIB
            info.mtime = 0
            tar.addfile(info, RandomReader(info.size))
        w.close()
        digest = w.h.hexdigest()
        os.replace(tmp, os.path.join(blobs, digest))
        layers.append(
            {
                "mediaType": "application/vnd.oci.image.layer.v1.tar",
                "digest": "sha256:" + digest,
                "size": w.n,
            }
        )
        diff_ids.append("sha256:" + digest)  # uncompressed: diff_id == digest
    config = {
        "architecture": "amd64",
        "os": "linux",
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }
    cdigest, csize = put_blob(blobs, json.dumps(config, sort_keys=True).encode())
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": cdigest,
            "size": csize,
        },
        "layers": layers,
    }
    mdigest, msize = put_blob(blobs, json.dumps(manifest, sort_keys=True).encode())
    index = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [
            {
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": mdigest,
                "size": msize,
                "annotations": {"org.opencontainers.image.ref.name": tag},
            }
        ],
    }
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f)
    with open(os.path.join(out, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    print(mdigest)


def fmt(x, nd=2):
    return "—" if x is None else f"{x:.{nd}f}"


def table(path, small, big):
    rows = {}
    with open(path) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            tool, op, image, _rep, wall, user, sys_, rss = line.split("\t")
            rows.setdefault((tool, op, image), []).append(
                (float(wall), float(user) + float(sys_), int(rss) / 1024)
            )

    def stats(key):
        v = rows.get(key)
        if not v:
            return None
        walls = [r[0] for r in v]
        cpus = [r[1] for r in v]
        return {
            "n": len(v),
            "wall": statistics.median(walls),
            "wall_min": min(walls),
            "wall_max": max(walls),
            "cpu": statistics.median(cpus),
            "rss": max(r[2] for r in v),
        }

    tools = ["regctl"] if any(k[0] == "regctl" for k in rows) else []
    for tool, _, _ in rows:
        if tool not in tools:
            tools.append(tool)
    out = []
    out.append(f"### {small} image: medians over repetitions (peak RSS = max over repetitions)\n")
    out.append(
        "| tool | op | reps | median wall s | wall min–max s | median CPU s (user+sys) "
        "| peak RSS MiB | regctl/fastest peer wall | regctl/fastest peer CPU |"
    )
    out.append("|---|---|---|---|---|---|---|---|---|")
    verdict = []
    ours = lambda t: t == "regctl" or t.startswith("regctl-")  # regctl-c3: another setting
    for op in ("pull", "push"):
        peers = [
            (t, stats((t, op, small)))
            for t in tools
            if not ours(t) and stats((t, op, small))
        ]
        best_wall = min(peers, key=lambda p: p[1]["wall"]) if peers else None
        best_cpu = min(peers, key=lambda p: p[1]["cpu"]) if peers else None
        for t in tools:
            s = stats((t, op, small))
            if not s:
                continue
            rw = rc = ""
            if ours(t) and best_wall:
                rw = f"{s['wall'] / best_wall[1]['wall']:.2f}× (vs {best_wall[0]})"
                rc = f"{s['cpu'] / best_cpu[1]['cpu']:.2f}× (vs {best_cpu[0]})"
            if t == "regctl" and best_wall:
                wall_target = 0.7 if op == "pull" else 1.0
                ratio = s["wall"] / best_wall[1]["wall"]
                verdict.append(
                    f"- {op} wall ≤ {wall_target}× fastest peer: "
                    f"{'MET' if ratio <= wall_target else 'MISSED'} ({ratio:.2f}×)"
                )
                cratio = s["cpu"] / best_cpu[1]["cpu"]
                verdict.append(
                    f"- {op} CPU ≤ fastest peer's: "
                    f"{'MET' if cratio <= 1.0 else 'MISSED'} ({cratio:.2f}×)"
                )
                verdict.append(
                    f"- {op} peak RSS ≤ 64 MiB: "
                    f"{'MET' if s['rss'] <= 64 else 'MISSED'} ({s['rss']:.1f} MiB)"
                )
            out.append(
                f"| {t} | {op} | {s['n']} | {fmt(s['wall'])} | {fmt(s['wall_min'])}–{fmt(s['wall_max'])} "
                f"| {fmt(s['cpu'])} | {fmt(s['rss'], 1)} | {rw} | {rc} |"
            )
    out.append("")
    out.append("### regctl against the project's targets\n")
    out.extend(verdict)
    out.append("")
    big_rows = [k for k in rows if k[2] == big]
    out.append(f"### regctl peak RSS, {small} vs {big} image\n")
    if big_rows:
        out.append(f"| op | {small} peak RSS MiB | {big} peak RSS MiB | {big} median wall s | flat? |")
        out.append("|---|---|---|---|---|")
        for op in ("pull", "push"):
            s, b = stats(("regctl", op, small)), stats(("regctl", op, big))
            if s and b:
                # "No more for 2 GiB": allow 1 MiB of allocator/page-accounting jitter.
                flat = "yes" if b["rss"] <= s["rss"] + 1 else "NO"
                out.append(
                    f"| {op} | {fmt(s['rss'], 1)} | {fmt(b['rss'], 1)} | {fmt(b['wall'])} | {flat} |"
                )
    else:
        out.append(f"(not measured: run with --big)")
    print("\n".join(out))


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "layout" and len(sys.argv) == 5:
        layout(sys.argv[2], sys.argv[3], [int(s) for s in sys.argv[4].split(",")])
    elif cmd == "table" and len(sys.argv) == 5:
        table(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
