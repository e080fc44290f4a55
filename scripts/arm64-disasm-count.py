#!/usr/bin/env python3
"""Finds the hot loop in .NET JIT ARM64 listings and counts its instructions by class.

Used by scripts/arm64-disasm.sh (see docs/ARM64-KERNELS.md); also runs on its own:

  arm64-disasm-count.py split   --listing ALL.asm --method 'NAME=PATTERN[|...]' ... --out DIR
  arm64-disasm-count.py analyze --listing NAME.asm --unit-macs 16 --unit "16 channels x 1 tap" [--loop G_M000_IG05]
  arm64-disasm-count.py report  --root docs/arm64-disasm --paths a76-dp,a76-nodp,a53,a72=a53 \
                                --method 'NAME=PATTERN|MACS|UNIT|LOOP' ... > SUMMARY.md

Input: the text that DOTNET_JitDisasm=... DOTNET_JitStdOutFile=... writes (one or more
"; Assembly listing for method ..." sections; DOTNET_JitDisasmDiffable=1 keeps addresses out).

The hot loop: every branch to a label at or above it closes a loop [label, branch]. Among the
innermost loops (no other loop inside), the one with the most multiply-accumulate instructions
is taken (ties: the first in the listing); --loop names another. Counted per loop iteration:

  load        ld* (ldr, ldp, ldrsb, ld1, ...); "null-check" = a load into wzr/xzr, which the JIT
              emits to fault on a null reference (not a bounds check)
  store       st*
  simd-mac    multiplies and widening accumulates of the int8 kernels: smull/smlal(2), umull/umlal(2),
              sdot/udot/usdot, smmla, saddw(2)/uaddw(2), sadalp/uadalp, and mul/mla/mls on 8- or
              16-bit lanes (a mul on 32-bit lanes is the requantization's scaling: simd-other)
  simd-other  any other instruction on a SIMD&FP register; "copies" = mov vA.16b, vB.16b
  scalar      integer / address arithmetic and compares on x/w registers
  branch      b, b.cond, cbz/cbnz, tbz/tbnz, bl/blr/br, ret

MACs per iteration are read off the code, not assumed: a smull/smlal/mul/mla gives one MAC per
destination lane (8 for .8h, 4 for .4s), an sdot four per destination lane (16 for .4s); saddw
and sadalp only add. Counts are then scaled to one unit of --unit-macs MACs (16 = 16 channels x
1 tap of a depthwise conv; 256 for a GEMM).

Bounds checks: a call (bl/blr) inside the loop, or a branch from the loop to a block that calls a
CORINFO_HELP_*THROW* / RNGCHKFAIL helper or a ThrowHelper method, is reported.
"""
import argparse
import fnmatch
import os
import re
import sys

HEADER = "; Assembly listing for method "
CONDS = "eq ne cs hs cc lo mi pl vs vc hi ls ge lt gt le al nv".split()
BRANCHES = {"b", "bl", "blr", "br", "ret", "cbz", "cbnz", "tbz", "tbnz"} | {"b" + c for c in CONDS} | {"b." + c for c in CONDS}
CALLS = {"bl", "blr"}
UNCONDITIONAL_END = {"b", "br", "ret", "brk"}
MAC_ALWAYS = {
    "smull", "smull2", "umull", "umull2", "smlal", "smlal2", "umlal", "umlal2", "smlsl", "smlsl2",
    "sdot", "udot", "usdot", "sudot", "smmla", "ummla", "usmmla",
    "saddw", "saddw2", "uaddw", "uaddw2", "sadalp", "uadalp",
}
MAC_SMALL_LANES = {"mul", "mla", "mls"}          # MAC-class only on 8/16-bit lanes
ADD_ONLY = {"saddw", "saddw2", "uaddw", "uaddw2", "sadalp", "uadalp"}
DOT = {"sdot", "udot", "usdot", "sudot"}
# Not CORINFO_HELP_FAIL_FAST: that is the stack-cookie check of a method with stackalloc, at its exit.
THROW_RE = re.compile(r"CORINFO_HELP_(RNGCHKFAIL|\w*THROW\w*|OVERFLOW)|ThrowHelper|::?Throw", re.I)
SIMD_RE = re.compile(r"\bv\d+\.|\bv\d+\b|\b[qdshb]\d+\b")
ARRANGEMENT_RE = re.compile(r"\bv\d+\.(\d+)([bhsd])\b")
LANE_BITS = {"b": 8, "h": 16, "s": 32, "d": 64}
CLASSES = ["load", "store", "simd-mac", "simd-other", "scalar", "branch"]


class Insn:
    def __init__(self, index, label, mnemonic, operands, text):
        self.index, self.label, self.mnemonic, self.operands, self.text = index, label, mnemonic, operands, text
        self.cls = classify(mnemonic, operands)

    @property
    def target(self):
        if self.mnemonic in BRANCHES and self.mnemonic not in ("ret", "blr", "br"):
            m = re.search(r"(G_M\d+_IG\d+)", self.operands)
            return m.group(1) if m else None
        return None


def dest_lanes(operands):
    m = ARRANGEMENT_RE.search(operands)
    return (int(m.group(1)), LANE_BITS[m.group(2)]) if m else (0, 0)


def classify(mnemonic, operands):
    if mnemonic in BRANCHES:
        return "branch"
    if mnemonic.startswith("ld"):
        return "load"
    if mnemonic.startswith("st"):
        return "store"
    if SIMD_RE.search(operands):
        if mnemonic in MAC_ALWAYS:
            return "simd-mac"
        if mnemonic in MAC_SMALL_LANES and dest_lanes(operands)[1] in (8, 16):
            return "simd-mac"
        return "simd-other"
    return "scalar"


def macs_of(insn):
    """MACs one instruction performs (0 for a widening add)."""
    if insn.cls != "simd-mac" or insn.mnemonic in ADD_ONLY:
        return 0
    lanes, _ = dest_lanes(insn.operands)
    return lanes * 4 if insn.mnemonic in DOT else lanes


def is_null_check(insn):
    return insn.cls == "load" and re.match(r"\s*[wx]zr\b", insn.operands) is not None


def is_vector_copy(insn):
    return insn.mnemonic == "mov" and re.fullmatch(r"\s*v\d+\.\d+[bhsd],\s*v\d+\.\d+[bhsd]\s*", insn.operands) is not None


def split_listings(text):
    """[(method name, listing text)] for each '; Assembly listing for method' section."""
    out, name, buf = [], None, []
    for line in text.splitlines(keepends=True):
        if line.startswith(HEADER):
            if name is not None:
                out.append((name, "".join(buf)))
            name = line[len(HEADER):].strip()
            name = re.sub(r"\s*\((Tier\w*|FullOpts|MinOpts|Instrumented[^)]*|OSR[^)]*)\)\s*$", "", name)
            buf = [line]
        elif name is not None:
            buf.append(line)
    if name is not None:
        out.append((name, "".join(buf)))
    return out


def method_matches(name, pattern):
    """The JIT's method-set syntax, roughly: [Class:]Method, '*' wildcards, class with namespace."""
    head = name.split("(", 1)[0]
    cls, _, meth = head.rpartition(":")
    for pat in pattern.split():
        if ":" in pat:
            cpat, mpat = pat.rsplit(":", 1)
            if fnmatch.fnmatchcase(cls, cpat) and fnmatch.fnmatchcase(meth, mpat):
                return True
        elif fnmatch.fnmatchcase(meth, pat):
            return True
    return False


def parse(listing):
    insns, labels, label = [], {}, None
    for line in listing.splitlines():
        s = line.strip()
        if not s or s.startswith(";"):
            continue
        m = re.match(r"^(G_M\d+_IG\d+):", s)
        if m:
            label = m.group(1)
            labels[label] = len(insns)
            continue
        code = re.split(r"\s//|\s;", s, maxsplit=1)[0].strip()
        parts = code.split(None, 1)
        mnemonic = parts[0].lower()
        if mnemonic == "align":
            continue
        insns.append(Insn(len(insns), label, mnemonic, parts[1] if len(parts) > 1 else "", code))
    return insns, labels


def find_loops(insns, labels):
    loops = []
    for i in insns:
        t = i.target
        if t in labels and labels[t] <= i.index:
            loops.append((labels[t], i.index))
    loops = sorted(set(loops))
    inner = [l for l in loops if not any(o != l and l[0] <= o[0] and o[1] <= l[1] for o in loops)]
    return loops, inner


def throws_from(insns, labels, label, seen=None):
    """Whether the block at label (and what an unconditional b from it reaches) calls a throw helper.
    The JIT puts each throw in a block of its own that is only branched to."""
    seen = seen or set()
    if label in seen or label not in labels:
        return None
    seen.add(label)
    for insn in insns[labels[label]:]:
        if insn.label != label:
            return None
        if insn.mnemonic in CALLS and THROW_RE.search(insn.operands):
            return insn.text
        if insn.mnemonic == "b":
            return throws_from(insns, labels, insn.target, seen)
        if insn.mnemonic in UNCONDITIONAL_END:
            return None
    return None


def analyze(listing, unit_macs, unit, loop_label=None):
    insns, labels = parse(listing)
    loops, inner = find_loops(insns, labels)
    res = {"loops": [], "unit_macs": unit_macs, "unit": unit}
    for (a, b) in loops:
        body = insns[a:b + 1]
        res["loops"].append({"from": insns[a].label, "to": insns[b].label, "count": len(body),
                             "mac": sum(1 for x in body if x.cls == "simd-mac"), "inner": (a, b) in inner})
    if not loops:
        res["error"] = "no loop (no backward branch) in this listing"
        return res
    if loop_label:
        chosen = [l for l in loops if insns[l[0]].label == loop_label]
        if not chosen:
            res["error"] = f"no loop starts at {loop_label}"
            return res
        a, b = min(chosen, key=lambda l: l[1] - l[0])
    else:
        a, b = max(inner, key=lambda l: (sum(1 for x in insns[l[0]:l[1] + 1] if x.cls == "simd-mac"), -l[0]))
    body = insns[a:b + 1]
    counts = {c: sum(1 for x in body if x.cls == c) for c in CLASSES}
    macs = sum(macs_of(x) for x in body)
    mac_kinds = {}
    for x in body:
        if macs_of(x):
            key = f"{x.mnemonic} ({macs_of(x)})"
            mac_kinds[key] = mac_kinds.get(key, 0) + 1
    last_mac = max((x.index for x in body if x.cls == "simd-mac"), default=None)
    # The epilogue inside the loop: after the last multiply-accumulate, less the loop control
    # (the backward branch, its compare and the counter step, when they sit at the very end).
    tail = [x for x in body if last_mac is not None and x.index > last_mac]
    control = 0
    for x in reversed(tail):
        if x.cls in ("branch", "scalar") and control < 3:
            control += 1
        else:
            break
    epilogue = tail[:len(tail) - control] if control else tail
    calls = [x.text for x in body if x.mnemonic in CALLS]
    throws = []
    for x in body:
        t = x.target
        if t and t in labels and not (a <= labels[t] <= b):
            why = throws_from(insns, labels, t)
            if why:
                throws.append(f"{x.text}  ->  {t}: {why}")
    res.update({
        "from": body[0].label, "to": body[-1].label, "count": len(body), "classes": counts,
        "null_checks": sum(1 for x in body if is_null_check(x)),
        "copies": sum(1 for x in body if is_vector_copy(x)),
        "macs": macs, "mac_kinds": mac_kinds,
        "epilogue": {c: sum(1 for x in epilogue if x.cls == c) for c in CLASSES}, "epilogue_count": len(epilogue),
        "calls": calls, "throws": throws,
        "body": [(x.label, x.cls + ("/null-check" if is_null_check(x) else "/copy" if is_vector_copy(x) else ""), x.text) for x in body],
    })
    return res


def per_unit(n, res):
    return n * res["unit_macs"] / res["macs"] if res.get("macs") else float("nan")


def fmt(x):
    return f"{x:.2f}".rstrip("0").rstrip(".") if x == x else "n/a"


def verdict(res):
    if "error" in res:
        return "n/a"
    if res["throws"]:
        return "BOUNDS/THROW CHECK IN LOOP"
    if res["calls"]:
        return "call in loop"
    return "none"


def text_report(name, res):
    out = [f"method: {name}"]
    out.append("loops (label range, instructions, multiply-accumulate instructions; * = innermost):")
    for l in res["loops"]:
        out.append(f"  {'*' if l['inner'] else ' '} {l['from']} .. {l['to']}: {l['count']} instructions, {l['mac']} simd-mac")
    if "error" in res:
        out.append("error: " + res["error"])
        return "\n".join(out) + "\n"
    kinds = ", ".join(f"{n} x {k}" for k, n in sorted(res["mac_kinds"].items()))
    out.append(f"hot loop: {res['from']} .. {res['to']}, {res['count']} instructions per iteration")
    out.append(f"MACs per iteration, from the code: {res['macs']}  ({kinds}; MACs per instruction in parentheses)")
    unit = res['unit'] if res['unit'] == f"{res['unit_macs']} MACs" else f"{res['unit']} = {res['unit_macs']} MACs"
    out.append(f"unit: {unit}, so one iteration = {fmt(res['macs'] / res['unit_macs'])} units")
    out.append("")
    out.append(f"{'class':<12} {'per iteration':>14} {'per unit':>10}")
    for c in CLASSES:
        out.append(f"{c:<12} {res['classes'][c]:>14} {fmt(per_unit(res['classes'][c], res)):>10}")
    out.append(f"{'total':<12} {res['count']:>14} {fmt(per_unit(res['count'], res)):>10}")
    out.append(f"  of the loads, null checks (ldr* wzr/xzr):     {res['null_checks']}")
    out.append(f"  of simd-other, register copies (mov v, v):   {res['copies']}")
    ep = res["epilogue"]
    out.append(f"  after the last multiply-accumulate (epilogue in the loop, less loop control): {res['epilogue_count']} "
               f"({', '.join(f'{c} {ep[c]}' for c in CLASSES if ep[c])})")
    out.append(f"  without that epilogue: {res['count'] - res['epilogue_count']} per iteration, "
               f"{fmt(per_unit(res['count'] - res['epilogue_count'], res))} per unit")
    out.append("")
    out.append("calls in the loop: " + ("; ".join(res["calls"]) if res["calls"] else "none"))
    out.append("branches from the loop to throw helpers (bounds checks): " + ("; ".join(res["throws"]) if res["throws"] else "none"))
    out.append(f"verdict: {verdict(res)}")
    out.append("")
    out.append("hot loop, classified:")
    last = None
    for label, cls, text in res["body"]:
        if label != last:
            out.append(f"{label}:")
            last = label
        out.append(f"    {text:<48} ; {cls}")
    return "\n".join(out) + "\n"


def parse_method_arg(s):
    """NAME=PATTERN|MACS|UNIT|LOOP, the last three optional (PATTERN contains ':', hence '|')."""
    name, _, rest = s.partition("=")
    fields = rest.split("|")
    pattern = fields[0]
    macs = int(fields[1]) if len(fields) > 1 and fields[1] else 256
    unit = fields[2] if len(fields) > 2 and fields[2] else f"{macs} MACs"
    loop = fields[3] if len(fields) > 3 and fields[3] else None
    return name, pattern, macs, unit, loop


def cmd_split(args):
    text = open(args.listing, encoding="utf-8", errors="replace").read()
    listings = split_listings(text)
    os.makedirs(args.out, exist_ok=True)
    status = 0
    for spec in args.method:
        name, pattern, _, _, _ = parse_method_arg(spec)
        parts = [body for (meth, body) in listings if method_matches(meth, pattern)]
        path = os.path.join(args.out, name + ".asm")
        if not parts:
            print(f"  {name}: no listing matched '{pattern}' (method not jitted on this path, or renamed: "
                  f"run with DOTNET_JitDisasmSummary=1 to list what was jitted)", file=sys.stderr)
            if os.path.exists(path):
                os.remove(path)
            continue
        # A method jitted twice (e.g. twice the same generic instantiation) is kept once.
        seen, unique = set(), []
        for p in parts:
            if p not in seen:
                seen.add(p)
                unique.append(p)
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(u.rstrip("\n") + "\n" for u in unique))
        print(f"  {name}: {len(unique)} listing(s) -> {os.path.relpath(path)}")
    return status


def analyze_file(path, macs, unit, loop):
    text = open(path, encoding="utf-8").read()
    return [(meth, analyze(body, macs, unit, loop)) for meth, body in split_listings(text)]


def cmd_analyze(args):
    unit = args.unit or f"{args.unit_macs} MACs"
    for meth, res in analyze_file(args.listing, args.unit_macs, unit, args.loop):
        sys.stdout.write(text_report(meth, res))
        sys.stdout.write("\n")
    return 0


def cmd_report(args):
    """Per path and method: counts files next to the listings, a markdown summary on stdout."""
    paths = []
    for p in args.paths.split(","):
        name, _, same = p.partition("=")
        paths.append((name, same or None))
    methods = [parse_method_arg(m) for m in args.method]
    rows, notes = [], []
    for name, pattern, macs, unit, loop in methods:
        kept = []   # (path, listing text) stored so far for this method
        for path, twin in paths:
            f = os.path.join(args.root, path, name + ".asm")
            cf = os.path.join(args.root, path, name + ".counts.txt")
            if not os.path.exists(f):
                rows.append((name, path, None, None, unit))
                continue
            text = open(f, encoding="utf-8").read()
            equal = [p for p, t in kept if t == text]
            if twin and twin not in equal and any(p == twin for p, _ in kept):
                notes.append(f"- `{name}`: WARNING: the {path} listing differs from {twin}'s although both have the same ISA; both are stored.")
            if equal:
                # The same code on another path: stored once, under the first path that has it.
                os.remove(f)
                if os.path.exists(cf):
                    os.remove(cf)
                why = " (the same ISA)" if equal[0] == twin else ""
                notes.append(f"- `{name}`: the {path} listing is byte for byte the {equal[0]} listing{why}; stored once, under {equal[0]}/.")
                rows.append((name, path, None, equal[0], unit))
                continue
            kept.append((path, text))
            results = analyze_file(f, macs, unit, loop)
            with open(cf, "w", encoding="utf-8") as out:
                for meth, res in results:
                    out.write(text_report(meth, res) + "\n")
            for meth, res in results:
                rows.append((name, path, (meth, res), None, unit))
    w = sys.stdout.write
    w("# ARM64 inner loops: generated counts\n\n")
    w("Generated by `scripts/arm64-disasm.sh` (do not edit by hand; `docs/ARM64-KERNELS.md` explains them). "
      "Per path: `<path>/<kernel>.asm` is the JIT's listing, `<path>/<kernel>.counts.txt` the hot loop, "
      "classified, with the derivation of the MACs per iteration.\n\n")
    if args.context:
        w(args.context.strip() + "\n\n")
    w("| kernel | path | hot loop | MACs/iter | unit | total/unit | load | store | simd-mac | simd-other (copies) | scalar | branch | null-check loads/iter | bounds checks in loop |\n")
    w("|---|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
    for name, path, item, same, unit in rows:
        if item is None:
            what = f"same as {same}" if same else "not jitted on this path"
            w(f"| {name} | {path} | {what} | | {unit} | | | | | | | | | |\n")
            continue
        meth, res = item
        if "error" in res:
            w(f"| {name} | {path} | {res['error']} | | {unit} | | | | | | | | | |\n")
            continue
        c = res["classes"]
        pu = lambda n: fmt(per_unit(n, res))
        w(f"| {name} | {path} | {res['from'].split('_')[-1]}: {res['count']} instr | {res['macs']} | {unit} | **{pu(res['count'])}** | "
          f"{pu(c['load'])} | {pu(c['store'])} | {pu(c['simd-mac'])} | {pu(c['simd-other'])} ({pu(res['copies'])}) | "
          f"{pu(c['scalar'])} | {pu(c['branch'])} | {res['null_checks']} | {verdict(res)} |\n")
    w("\nColumns after `unit` are instructions per unit (one loop iteration scaled by unit MACs / MACs per iteration).\n")
    if notes:
        w("\n## Identical listings\n\n" + "\n".join(dict.fromkeys(notes)) + "\n")
    w("\n## Methods\n\n")
    for name, pattern, macs, unit, loop in methods:
        w(f"- `{name}`: JitDisasm pattern `{pattern}`, unit {unit} ({macs} MACs)" + (f", loop {loop}" if loop else "") + "\n")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("split", help="split one JitStdOutFile into NAME.asm files")
    s.add_argument("--listing", required=True)
    s.add_argument("--method", action="append", default=[], help="NAME=PATTERN[|MACS|UNIT|LOOP]")
    s.add_argument("--out", required=True)
    a = sub.add_parser("analyze", help="print the hot-loop counts of a listing")
    a.add_argument("--listing", required=True)
    a.add_argument("--unit-macs", type=int, default=256)
    a.add_argument("--unit", default=None, help="the unit's name (default: 'N MACs')")
    a.add_argument("--loop", default=None, help="label that starts the loop to count (default: the hottest innermost)")
    r = sub.add_parser("report", help="write NAME.counts.txt per path and a markdown summary")
    r.add_argument("--root", required=True)
    r.add_argument("--paths", required=True, help="a53,a72=a53,a76-dp (in this order; =X: the same ISA as X, warn if the code differs)")
    r.add_argument("--method", action="append", default=[], help="NAME=PATTERN[|MACS|UNIT|LOOP]")
    r.add_argument("--context", default="", help="a paragraph for the summary's head")
    args = ap.parse_args()
    return {"split": cmd_split, "analyze": cmd_analyze, "report": cmd_report}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
