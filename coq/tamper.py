#!/usr/bin/env python3
"""coq/tamper.py - a tampered proof fails in Coq as it fails in the C checker.

usage: coq/tamper.py PCCF EXPORT F.pcc OUTDIR [B]

For each byte of the object's proof section in turn (up to a bound), write
a copy with that byte changed; keep the copies the C checker ('PCCF check')
rejects, export them with 'EXPORT --no-verify-proof' and require that
tools/coq-check.sh check rejects every one that exports.  Prints
"N passed, M failed".  Untrusted test tooling.
"""
import os, struct, subprocess, sys

def main():
    pccf, export, obj, outdir = sys.argv[1:5]
    b = sys.argv[5] if len(sys.argv) > 5 else "build"
    data = bytearray(open(obj, "rb").read())
    c, r, a, p = struct.unpack_from("<IIII", data, 8)
    start = 24 + c + r + a
    os.makedirs(outdir, exist_ok=True)
    ok = bad = 0
    tried = 0
    step = max(1, p // 12)
    for i in range(start, start + p, step):
        for delta in (1, 0x80):
            t = bytearray(data)
            t[i] = (t[i] + delta) & 0xff
            f = os.path.join(outdir, "tamper_%d_%d.pcc" % (i, delta))
            open(f, "wb").write(t)
            if subprocess.run([pccf, "check", f, "-q"], capture_output=True).returncode == 0:
                os.remove(f)
                continue            # still valid (e.g. an equivalent proof): not a tamper
            v = f[:-4] + ".v"
            e = subprocess.run(export.split() + [f, "-o", v, "--no-verify-proof"], capture_output=True)
            if not os.path.exists(v):
                print("byte %d (+%d): C rejects, not exportable (undecodable)" % (i - start, delta))
                ok += 1
                continue
            res = subprocess.run(["tools/coq-check.sh", "check", v, b], capture_output=True, text=True)
            why = [l for l in (res.stdout + res.stderr).splitlines()
                   if l.startswith("Error") or "rejects" in l]
            if res.returncode != 0:
                ok += 1
                print("byte %d (+%d): C rejects, Coq rejects: %s" % (i - start, delta, " / ".join(why)[:150]))
            else:
                bad += 1
                print("byte %d (+%d): C rejects but Coq ACCEPTS" % (i - start, delta))
            tried += 1
            break
    print("%d passed, %d failed" % (ok, bad))
    sys.exit(1 if bad or ok == 0 else 0)

main()
