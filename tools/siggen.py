#!/usr/bin/env python3
"""siggen.py - generate the signature table from checker/sig.lf.

usage: siggen.py c SIG.lf > sig_table.h     (the checker's C table)
       siggen.py coq SIG.lf > coq/Sig.v      (the rules' Coq statements)
       siggen.py list SIG.lf                 (one rule per line, for docs)

The C table is part of the trusted computing base: it is small, flat and
printed with one comment per rule giving the rule's text.
"""
import re
import sys


def lf_kinds():
    """The term kinds and arities, read from checker/lf.h's LF_KINDS."""
    import os
    src = open(os.path.join(os.path.dirname(__file__), "..", "checker", "lf.h")).read()
    body = src.split("#define LF_KINDS(X)", 1)[1].split("enum lf_kind", 1)[0]
    found = re.findall(r"X\((\w+),\s*(\d+),\s*(\d+)\)", body)
    return [k for k, _, _ in found], {k: int(a) for k, a, _ in found}


KINDS, ARITY = lf_kinds()
# pattern ops beyond lf kinds
P_MV, P_PMV, P_KMV, P_BITMAX, P_LIT, P_CAPLEN = 100, 101, 102, 103, 104, 105
SIDES = {"le": 1, "nowrap": 2, "bitle": 3}
MAXMV, MAXPREM, MAXPAT = 8, 3, 16     # MAXPAT <= 16: 'under' is a u16


def tokens(s):
    return re.findall(r"\(|\)|[^\s()]+", s)


def parse_sexp(toks, i):
    if toks[i] == "(":
        i += 1
        head = toks[i]
        i += 1
        args = []
        while toks[i] != ")":
            a, i = parse_sexp(toks, i)
            args.append(a)
        return (head, args), i + 1
    return toks[i], i + 1


def show(t):
    """The s-expression text of a parsed term."""
    if isinstance(t, str):
        return t
    return "(%s)" % " ".join([t[0]] + [show(a) for a in t[1]])


def sort_of(name):
    if name[0].isupper():
        return "prop"
    if name[0] in "kn":
        return "const"
    return "word"


class Rule:
    """A rule's pattern: one node per distinct subterm (so a metavariable
    or a repeated subterm is one node however often it occurs), the
    metavariables first (node i is metavariable i), then the others in
    postorder, so operands always come before the nodes that use them."""

    def __init__(self, name, prems, concl, sides, text):
        self.name, self.text = name, text
        self.mvs = []
        self.pats = []          # list of (op, mv, a, b, k) local indices
        self.texts = []         # each node's term, for the C comments
        self.index = {}         # a subterm's text -> its node
        sides = [s.split() for s in sides]
        for t in prems + [concl]:
            self.leaves(t)
        for s in sides:
            self.mv(s[1])
            self.mv(s[2])
        for m in self.mvs:
            self.node(m, P_KMV if sort_of(m) == "const" else
                      P_PMV if sort_of(m) == "prop" else P_MV, mv=self.mv(m))
        self.prem_roots = [self.emit(p) for p in prems]
        self.concl = self.emit(concl)
        self.sides = [(SIDES[s[0]], self.mv(s[1]), self.mv(s[2])) for s in sides]
        for t in prems + [concl]:
            if size(t) > MAXPAT:        # bounds lf_match's stack
                raise SystemExit("%s: pattern too large" % self.name)

    def mv(self, name):
        if name not in self.mvs:
            self.mvs.append(name)
            if len(self.mvs) > MAXMV:
                raise SystemExit("%s: too many metavariables" % self.name)
        return self.mvs.index(name)

    def leaves(self, t):
        """Number the metavariables of t from left to right."""
        if isinstance(t, str):
            if t != "caplen" and not re.fullmatch(r"0x[0-9a-fA-F]+|[0-9]+", t):
                self.mv(t)
        else:
            for a in t[1]:
                self.leaves(a)

    def node(self, t, op, mv=0, a=0, b=0, k=0, ops=()):
        """Append a node; 'ops' are its operands, for its 'under' mask."""
        under = 1 << len(self.pats)
        for o in ops:
            under |= self.pats[o][5]
        self.pats.append((op, mv, a, b, k, under))
        self.texts.append(show(t))
        self.index[show(t)] = len(self.pats) - 1
        return len(self.pats) - 1

    def emit(self, t):
        """The node of t, appending nodes for its new subterms."""
        if show(t) in self.index:
            return self.index[show(t)]
        if isinstance(t, str):
            if t == "caplen":
                return self.node(t, P_CAPLEN)
            return self.node(t, P_LIT, k=int(t, 0))
        head, args = t
        if head == "bitmax":
            return self.node(t, P_BITMAX, mv=self.mv(args[0]))
        kind = head.upper()
        if kind not in KINDS:
            raise SystemExit("%s: unknown term %s" % (self.name, head))
        if kind == "INB":
            a = self.emit(args[0])
            b = self.emit(args[1])
            return self.node(t, KINDS.index(kind), mv=self.mv(args[2]), a=a, b=b,
                             ops=(a, b))
        if len(args) != ARITY[kind]:
            raise SystemExit("%s: %s takes %d operands" % (self.name, head, ARITY[kind]))
        sub = [self.emit(x) for x in args]
        ops = tuple(sub)
        sub += [0] * (2 - len(sub))
        return self.node(t, KINDS.index(kind), a=sub[0], b=sub[1], ops=ops)


def size(t):
    """The nodes of pattern t written out as a tree (INB's size is no node)."""
    if isinstance(t, str) or t[0] == "bitmax":
        return 1
    return 1 + sum(size(a) for a in t[1][:2])


def parse(path):
    rules = []
    for line in open(path):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"rule\s+(\w+)\s*:\s*(.*?)\s*\|-\s*(.*?)(?:\s+if\s+(.*))?", line)
        if not m:
            raise SystemExit("sig: cannot parse: " + line)
        name, prems, concl, side = m.groups()
        ps = [p.strip() for p in prems.split(";") if p.strip()]
        if len(ps) > MAXPREM:
            raise SystemExit(name + ": too many premises")

        def term(s):
            t, i = parse_sexp(tokens(s), 0)
            return t
        sides = [s.strip() for s in side.split(",")] if side else []
        rules.append(Rule(name, [term(p) for p in ps], term(concl), sides, line))
    return rules


P_NAMES = {P_MV: "SIG_P_MV", P_PMV: "SIG_P_PMV", P_KMV: "SIG_P_KMV", P_BITMAX: "SIG_P_BITMAX",
           P_LIT: "SIG_P_LIT", P_CAPLEN: "SIG_P_CAPLEN"}
S_NAMES = {1: "SIG_S_LE", 2: "SIG_S_NOWRAP", 3: "SIG_S_BITLE"}


def c_op(op):
    """The C name of pattern op 'op'."""
    return P_NAMES[op] if op in P_NAMES else "LF_" + KINDS[op]


def emit_c(rules):
    """The C table: flat arrays, one short initializer a line, which the
    rules index into (so clang-format keeps the table as written)."""
    out = ["/* Generated by tools/siggen.py from checker/sig.lf; do not edit. */",
           "#ifndef PCCF_SIG_TABLE_H", "#define PCCF_SIG_TABLE_H", "",
           "#define SIG_P_MV %d\t/* metavariable 'mv', a word */" % P_MV,
           "#define SIG_P_PMV %d\t/* metavariable 'mv', a proposition */" % P_PMV,
           "#define SIG_P_KMV %d\t/* metavariable 'mv', a constant */" % P_KMV,
           "#define SIG_P_BITMAX %d\t/* 2^bits(mv) - 1 */" % P_BITMAX,
           "#define SIG_P_LIT %d\t/* the constant k */" % P_LIT,
           "#define SIG_P_CAPLEN %d\t/* the caplen variable */" % P_CAPLEN,
           "#define SIG_S_LE 1\t/* kv[x] <= kv[y] */",
           "#define SIG_S_NOWRAP 2\t/* bitmax(mv[x]) + kv[y] <= 2^64 - 1 */",
           "#define SIG_S_BITLE 3\t/* bitmax(mv[x]) <= kv[y] */",
           "#define SIG_MAXMV %d" % MAXMV, "#define SIG_MAXPREM %d" % MAXPREM,
           "#define SIG_MAXPAT %d" % MAXPAT, "#define SIG_NRULES %d" % len(rules), "",
           "/* One pattern node: an lf kind or a SIG_P_* op; a, b index earlier",
           " * nodes of the same rule, mv names a metavariable; bit j of 'under'",
           " * is set when node j is this node or lies under it.  A rule has one",
           " * node per distinct subterm; node i < nmv is metavariable i.  At",
           " * most SIG_MAXPAT nodes, and no premise or conclusion written out",
           " * as a tree has more (lf_match's stack). */",
           "struct sig_pat { u8 op, mv, a, b; u64 k; u16 under; };", "",
           "/* A rule: its pattern nodes; its premises' and its conclusion's",
           " * root nodes; its side conditions (op, x, y); the numbers of its",
           " * premises, metavariables and side conditions. */",
           "struct sig_rule {",
           "\tconst char *name;",
           "\tconst struct sig_pat *pat;",
           "\tu8 prem[SIG_MAXPREM], concl;",
           "\tconst u8 (*side)[3];",
           "\tu8 nprem, nmv, nside;",
           "};", ""]
    pats, sides, rows = [], [], []
    npats = nsides = 0
    for r in rules:
        if len(r.pats) > MAXPAT or len(r.sides) > 2:
            raise SystemExit(r.name + ": rule too large")
        text = "/* %s */" % r.text.replace("*/", "* /")
        pats.append("\t" + text)
        for i, (p, t) in enumerate(zip(r.pats, r.texts)):
            pats.append("\t{ %s, %d, %d, %d, %#xull, %#x },\t/* %d: %s */" %
                        ((c_op(p[0]),) + p[1:] + (i, t)))
        for sd in r.sides:
            sides.append("\t{ %s, %d, %d },\t/* %s */" % (
                S_NAMES[sd[0]], sd[1], sd[2], r.name))
        rows += ["\t" + text,
                 "\t{ \"%s\", sig_pats + %d, { %s }, %d, sig_sides + %d, %d, %d, %d }," % (
                     r.name, npats, ", ".join(str(p) for p in r.prem_roots or [0]),
                     r.concl, nsides, len(r.prem_roots), len(r.mvs), len(r.sides))]
        npats += len(r.pats)
        nsides += len(r.sides)
    if not sides:
        sides.append("\t{ 0, 0, 0 },\t/* unused */")
    out += ["static const struct sig_pat sig_pats[] = {"] + pats + ["};", ""]
    out += ["static const u8 sig_sides[][3] = {"] + sides + ["};", ""]
    out += ["static const struct sig_rule sig_rules[SIG_NRULES] = {"] + rows
    out += ["};", "", "#endif", ""]
    return "\n".join(out)


# --- Coq statements (coq/Sig.v) -------------------------------------------

COQ_RAW = {"ADD": "ADD", "SUB": "SUB", "MUL": "MUL", "UDIV": "UDIV", "UREM": "UREM",
           "AND": "AND", "OR": "OR", "XOR": "XOR", "SHL": "SHL", "SHR": "SHR", "SAR": "SAR",
           "NOT": "NOT", "NEG": "NEG", "PAND": "PAND", "POR": "POR", "PNOT": "PNOT",
           "IMP": "IMP", "EQ": "EQ", "ULT": "ULT", "ULE": "ULE", "SLT": "SLT", "SLE": "SLE"}
# lf_mk as check.c's inst() calls it: the canonicalizing builders of coq/Rewrite.v
COQ_MK = {"ADD": "add_", "SUB": "sub_", "MUL": "mul_", "UDIV": "udiv_", "UREM": "urem_",
          "AND": "and_", "OR": "or_", "XOR": "xor_", "SHL": "shl_", "SHR": "shr_", "SAR": "sar_",
          "NOT": "not_", "NEG": "neg_", "PAND": "mk_pand", "POR": "mk_por", "PNOT": "mk_pnot",
          "IMP": "mk_imp", "EQ": "eq_", "ULT": "ult_", "ULE": "ule_", "SLT": "slt_", "SLE": "sle_"}


def coq_term(t, canon):
    """The Coq term of pattern t: raw constructors, or lf_mk's builders."""
    if isinstance(t, str):
        if t == "caplen":
            return "(VAR 1 32)"
        if re.fullmatch(r"0x[0-9a-fA-F]+|[0-9]+", t):
            return "(CONST %d)" % int(t, 0)
        return "(CONST %s)" % t if sort_of(t) == "const" else t
    head, args = t
    if head == "bitmax":
        return "(CONST (bitmax %s))" % args[0]
    kind = head.upper()
    if kind in ("TRUE", "FALSE"):
        return kind
    if kind == "INB":
        return "(INB %s %s %s)" % (coq_term(args[0], canon), coq_term(args[1], canon), args[2])
    if kind not in COQ_RAW:
        raise SystemExit("coq: no translation for %s" % head)
    f = COQ_MK[kind] if canon else COQ_RAW[kind]
    return "(%s %s)" % (f, " ".join(coq_term(a, canon) for a in args))


def coq_rule(r):
    """(binders, side hypotheses as Props, as bools, premises, conclusion) of r."""
    m = re.fullmatch(r"rule\s+(\w+)\s*:\s*(.*?)\s*\|-\s*(.*?)(?:\s+if\s+(.*))?", r.text)
    _, prems, concl, side = m.groups()
    ps = [parse_sexp(tokens(p.strip()), 0)[0] for p in prems.split(";") if p.strip()]
    c = parse_sexp(tokens(concl), 0)[0]
    ty = {"word": "word", "prop": "prop", "const": "Z"}
    binders = " ".join("(%s : %s)" % (v, ty[sort_of(v)]) for v in r.mvs)
    props = ["is_word %s" % v for v in r.mvs if sort_of(v) == "const"]
    bools = ["is_wordb %s" % v for v in r.mvs if sort_of(v) == "const"]
    for s in (side.split(",") if side else []):
        op, x, y = s.split()
        props.append("side_%s %s %s" % (op, x, y))
        bools.append("side_%sb %s %s" % (op, x, y))
    return binders, props, bools, ps, c


def emit_coq(rules):
    out = ["(* Generated by tools/siggen.py from checker/sig.lf; do not edit.",
           "",
           "   For each rule NAME of the signature:",
           "   - sig_NAME: its statement over the semantics (Sem.v), premises and",
           "     conclusion as the raw terms of the rule's patterns;",
           "   - csig_NAME: the same with every pattern node built by lf_mk's",
           "     canonical builders (Rewrite.v), as check.c's inst() builds them,",
           "     and the side conditions as the booleans check.c computes;",
           "   - R_NAME: its constructor of deriv, the deep embedding of proofs.",
           "   Rules.v proves every sig_NAME (all_rules_sound) and deriv_sound. *)",
           "",
           "From Coq Require Import ZArith Bool List.",
           "From Pccf Require Import Sem Rewrite.",
           "Open Scope Z_scope.",
           ""]
    for r in rules:
        binders, props, bools, ps, c = coq_rule(r)
        out.append("(* %s *)" % r.text)
        hyps = props + ["holds ev %s = true" % coq_term(p, False) for p in ps]
        out.append("Definition sig_%s : Prop := forall (ev : env) %s," % (r.name, binders))
        out.append("  " + "".join("%s ->\\n  " % h for h in hyps).replace("\\n", "\n") +
                   "holds ev %s = true." % coq_term(c, False))
        hyps = ["%s = true" % b for b in bools] + \
               ["holds ev %s = true" % coq_term(p, True) for p in ps]
        out.append("Definition csig_%s : Prop := forall (ev : env) %s," % (r.name, binders))
        out.append("  " + "".join("%s ->\\n  " % h for h in hyps).replace("\\n", "\n") +
                   "holds ev %s = true." % coq_term(c, True))
        out.append("")
    out.append("(* The canonical form of each rule follows from its statement: lf_mk's")
    out.append("   builders preserve evaluation (Rewrite.v). *)")
    for r in rules:
        out.append("Lemma csig_of_sig_%s : sig_%s -> csig_%s.\nProof. canon_bridge. Qed." %
                   (r.name, r.name, r.name))
    out.append("")
    out.append("(* Every rule of the signature. *)")
    out.append("Definition all_rules : Prop :=\n  " +
               " /\\\n  ".join("sig_%s" % r.name for r in rules) + ".")
    out.append("Definition all_crules : Prop :=\n  " +
               " /\\\n  ".join("csig_%s" % r.name for r in rules) + ".")
    pat = "(%s)" % " & ".join("H_%s" % r.name for r in rules)
    out.append("")
    out.append("Lemma all_crules_of_all_rules : all_rules -> all_crules.")
    out.append("Proof.")
    out.append("  intros %s." % pat)
    conj = "csig_of_sig_%s H_%s" % (rules[-1].name, rules[-1].name)
    for r in reversed(rules[:-1]):
        conj = "conj (csig_of_sig_%s H_%s)\n    (%s)" % (r.name, r.name, conj)
    out.append("  exact (%s)." % conj)
    out.append("Qed.")
    out.append("")
    out.append("(* Derivations: the proof checker's node kinds (check.h) and the rules.")
    out.append("   HYP i is the i-th innermost hypothesis; ASC only ascribes a type;")
    out.append("   LET shares a subproof as a hypothesis; a rule's premises and")
    out.append("   conclusion are its patterns instantiated through lf_mk. *)")
    out.append("Inductive deriv : list prop -> prop -> Prop :=")
    out.append("| D_hyp : forall G i P, nth_error G i = Some P -> deriv G P")
    out.append("| D_impi : forall G A B, deriv (A :: G) B -> deriv G (IMP A B)")
    out.append("| D_impe : forall G A B, deriv G (IMP A B) -> deriv G A -> deriv G B")
    out.append("| D_andi : forall G A B, deriv G A -> deriv G B -> deriv G (PAND A B)")
    out.append("| D_andl : forall G A B, deriv G (PAND A B) -> deriv G A")
    out.append("| D_andr : forall G A B, deriv G (PAND A B) -> deriv G B")
    out.append("| D_truei : forall G, deriv G TRUE")
    out.append("| D_let : forall G A B, deriv G A -> deriv (A :: G) B -> deriv G B")
    out.append("| D_asc : forall G A, deriv G A -> deriv G A")
    for r in rules:
        binders, props, bools, ps, c = coq_rule(r)
        sides = " ".join("(s%d : %s = true)" % (i, b) for i, b in enumerate(bools))
        hyps = ["deriv G %s" % coq_term(p, True) for p in ps]
        out.append("| R_%s : forall G %s%s,\n    %sderiv G %s" % (
            r.name, binders, " " + sides if sides else "",
            "".join(h + " -> " for h in hyps), coq_term(c, True)))
    out[-1] += "."
    out.append("")
    out.append("Theorem deriv_sound_of : all_crules -> forall G P, deriv G P ->")
    out.append("  forall ev, Forall (fun Q => holds ev Q = true) G -> holds ev P = true.")
    out.append("Proof.")
    out.append("  intros %s." % pat)
    out.append("  intros G P D; induction D; intros ev HG.")
    out.append("  - (* hyp *) eapply Forall_forall in HG; [exact HG | eapply nth_error_In; eassumption].")
    out.append("  - (* impi *) cbn [holds]; destruct (holds ev A) eqn:HA;")
    out.append("    [apply IHD; constructor; auto | reflexivity].")
    out.append("  - (* impe *) specialize (IHD1 ev HG); specialize (IHD2 ev HG); cbn [holds] in IHD1;")
    out.append("    rewrite IHD2 in IHD1; exact IHD1.")
    out.append("  - (* andi *) cbn [holds]; rewrite IHD1, IHD2 by exact HG; reflexivity.")
    out.append("  - (* andl *) specialize (IHD ev HG); cbn [holds] in IHD; apply andb_true_iff in IHD; apply IHD.")
    out.append("  - (* andr *) specialize (IHD ev HG); cbn [holds] in IHD; apply andb_true_iff in IHD; apply IHD.")
    out.append("  - (* truei *) reflexivity.")
    out.append("  - (* let *) apply IHD2; constructor; auto.")
    out.append("  - (* asc *) auto.")
    for r in rules:
        binders, props, bools, ps, c = coq_rule(r)
        ih = ["IHD"] if len(ps) == 1 else ["IHD%d" % (i + 1) for i in range(len(ps))]
        args = r.mvs + ["s%d" % i for i in range(len(bools))] + ["(%s ev HG)" % h for h in ih]
        out.append("  - exact (H_%s ev %s)." % (r.name, " ".join(args)))
    out.append("Qed.")
    out.append("")
    return "\n".join(out)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("c", "coq", "list"):
        raise SystemExit(__doc__)
    rules = parse(sys.argv[2])
    if sys.argv[1] == "c":
        sys.stdout.write(emit_c(rules))
    elif sys.argv[1] == "coq":
        sys.stdout.write(emit_coq(rules))
    else:
        for i, r in enumerate(rules):
            print(i, r.text)


if __name__ == "__main__":
    main()
