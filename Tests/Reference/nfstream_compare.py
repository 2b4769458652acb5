"""Compares NFStream's CSV with flowcsv's --schema nfstream CSV, every column but id: flows
matched by (src_ip, src_port, dst_ip, dst_port, protocol, first_seen_ms); numbers with 1e-9
relative tolerance, the rest as text. Prints one JSON line of counts.
Usage: nfstream_compare.py NFSTREAM.csv FLOWCSV.csv"""
import csv, json, math, sys

def rows(path):
    with open(path, newline="") as f:
        r = list(csv.reader(f))
    return r[0], r[1:]

def key(h, row):
    return tuple(row[h.index(c)] for c in ("src_ip", "src_port", "dst_ip", "dst_port", "protocol", "bidirectional_first_seen_ms"))

def same(a, b):
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)

hn, rn = rows(sys.argv[1])
hf, rf = rows(sys.argv[2])
out = {"header_equal": hn == hf, "nfstream_flows": len(rn), "flowcsv_flows": len(rf),
       "matched": 0, "equal": 0, "columns_differing": {}}
mine = {}
for row in rf:
    mine.setdefault(key(hf, row), []).append(row)
for row in rn:
    k = key(hn, row)
    if not mine.get(k):
        continue
    other = mine[k].pop(0)
    out["matched"] += 1
    bad = [c for i, c in enumerate(hn) if c != "id" and c in hf and not same(row[i], other[hf.index(c)])]
    if not bad:
        out["equal"] += 1
    for c in bad:
        out["columns_differing"][c] = out["columns_differing"].get(c, 0) + 1
print(json.dumps(out, sort_keys=True))
