(* Sem.v - the semantics of pccf's term language (checker/lf.h).

   Words are integers in [0, 2^64); every operation is the one
   checker/lf_term.c's fold() computes on u64 values.  A C term (a node of
   the hash-consed DAG) denotes the tree below; the DAG is only a
   representation with sharing.  Widths the C builder restricts to a few
   values (LD sizes, SEXT source bits, BSWAP bytes, ROL/ROR widths) are an
   enumeration here, so every Coq term is well formed by construction.

   Proven here: every word evaluates into [0, 2^64), and the structural
   bound 'bits' that lf_term.c computes is sound (bits_sound).  Standard
   library only; no axioms. *)

From Coq Require Import ZArith Bool Lia.
Open Scope Z_scope.

(* ---------- words ---------- *)

Definition wrap (x : Z) : Z := x mod 2 ^ 64.

(* two's complement reading of a 64-bit word *)
Definition signed (x : Z) : Z := if x <? 2 ^ 63 then x else x - 2 ^ 64.

Inductive width := W8 | W16 | W32 | W64.
Definition wbits (w : width) : Z :=
  match w with W8 => 8 | W16 => 16 | W32 => 32 | W64 => 64 end.
Definition wbytes (w : width) : Z :=
  match w with W8 => 1 | W16 => 2 | W32 => 4 | W64 => 8 end.

(* Term kinds of lf.h.  CONST k; VAR id bits; LD a size (size = bytes);
   SEXT a from (source bits); BSWAP a w (wbytes w bytes); ROL/ROR a count
   width.  INB o l n: an access of n bytes at offset o of a region of l. *)
Inductive word :=
| CONST (k : Z)
| VAR (id : Z) (bits : Z)
| LD (a : word) (size : width)
| ADD (a b : word) | SUB (a b : word) | MUL (a b : word)
| UDIV (a b : word) | UREM (a b : word)
| AND (a b : word) | OR (a b : word) | XOR (a b : word)
| SHL (a b : word) | SHR (a b : word) | SAR (a b : word)
| NOT (a : word) | NEG (a : word)
| SEXT (a : word) (from : width) | BSWAP (a : word) (bytes : width)
| ROL (a b : word) (w : width) | ROR (a b : word) (w : width)
| BOOL (p : prop)            (* the word 1 when p holds, else 0 *)
with prop :=
| TRUE | FALSE | PVAR (id : Z)
| PAND (p q : prop) | POR (p q : prop) | PNOT (p : prop) | IMP (p q : prop)
| EQ (a b : word) | ULT (a b : word) | ULE (a b : word)
| SLT (a b : word) | SLE (a b : word)
| INB (o l : word) (n : Z).

(* An environment: the values of variables (by id and declared bits), the
   contents of memory (a value of 'size' bytes read at an address), and
   the opaque truth values PVAR. *)
Record env := mkenv {
  ev_var : Z -> Z -> Z;
  ev_mem : Z -> Z -> Z;
  ev_pvar : Z -> bool
}.

(* lf_term.c accepts VAR bits 1..64 only; outside that range we clamp. *)
Definition vbits (b : Z) : Z := Z.max 0 (Z.min 64 b).

(* The operations, on words (as fold() in lf_term.c). *)
Definition op_add x y := wrap (x + y).
Definition op_sub x y := wrap (x - y).
Definition op_mul x y := wrap (x * y).
Definition op_udiv x y := if y =? 0 then 0 else x / y.
Definition op_urem x y := if y =? 0 then 0 else x mod y.
Definition op_shl x y := wrap (Z.shiftl x (y mod 64)).
Definition op_shr x y := Z.shiftr x (y mod 64).
Definition op_sar x y := wrap (Z.shiftr (signed x) (y mod 64)).
Definition op_not x := Z.lxor x (Z.ones 64).
Definition op_neg x := wrap (- x).

(* sext(x, s): m = 1 << (s-1); x &= (m << 1) - 1; (x ^ m) - m *)
Definition op_sext (x s : Z) :=
  wrap (Z.lxor (x mod 2 ^ s) (2 ^ (s - 1)) - 2 ^ (s - 1)).

(* bswap(x, bytes): r = 0; for i < bytes: r = r << 8 | ((x >> 8i) & 0xff) *)
Fixpoint bswap_loop (x : Z) (n : nat) (i r : Z) : Z :=
  match n with
  | O => r
  | S n' => bswap_loop x n' (i + 1)
              (Z.lor (wrap (Z.shiftl r 8)) (Z.land (Z.shiftr x (8 * i)) 255))
  end.
Definition op_bswap (x bytes : Z) := bswap_loop x (Z.to_nat bytes) 0 0.

(* rot(x, c, w, left): m = 2^w - 1; x &= m; c %= w; c = 0 gives x;
   right rotation by c is left rotation by w - c. *)
Definition op_rot (x c w : Z) (left : bool) :=
  let x := Z.land x (Z.ones w) in
  let c := c mod w in
  if c =? 0 then x else
  let c := if left then c else w - c in
  Z.land (Z.lor (wrap (Z.shiftl x c)) (Z.shiftr x (w - c))) (Z.ones w).

Fixpoint eval (e : env) (t : word) : Z :=
  match t with
  | CONST k => wrap k
  | VAR id b => ev_var e id b mod 2 ^ vbits b
  | LD a w => ev_mem e (eval e a) (wbytes w) mod 2 ^ wbits w
  | ADD a b => op_add (eval e a) (eval e b)
  | SUB a b => op_sub (eval e a) (eval e b)
  | MUL a b => op_mul (eval e a) (eval e b)
  | UDIV a b => op_udiv (eval e a) (eval e b)
  | UREM a b => op_urem (eval e a) (eval e b)
  | AND a b => Z.land (eval e a) (eval e b)
  | OR a b => Z.lor (eval e a) (eval e b)
  | XOR a b => Z.lxor (eval e a) (eval e b)
  | SHL a b => op_shl (eval e a) (eval e b)
  | SHR a b => op_shr (eval e a) (eval e b)
  | SAR a b => op_sar (eval e a) (eval e b)
  | NOT a => op_not (eval e a)
  | NEG a => op_neg (eval e a)
  | SEXT a w => op_sext (eval e a) (wbits w)
  | BSWAP a w => op_bswap (eval e a) (wbytes w)
  | ROL a b w => op_rot (eval e a) (eval e b) (wbits w) true
  | ROR a b w => op_rot (eval e a) (eval e b) (wbits w) false
  | BOOL p => if holds e p then 1 else 0
  end

(* INB o l n: o <= l and n <= l - o, unsigned and without wrapping. *)
with holds (e : env) (p : prop) : bool :=
  match p with
  | TRUE => true
  | FALSE => false
  | PVAR id => ev_pvar e id
  | PAND p q => holds e p && holds e q
  | POR p q => holds e p || holds e q
  | PNOT p => negb (holds e p)
  | IMP p q => implb (holds e p) (holds e q)
  | EQ a b => eval e a =? eval e b
  | ULT a b => eval e a <? eval e b
  | ULE a b => eval e a <=? eval e b
  | SLT a b => signed (eval e a) <? signed (eval e b)
  | SLE a b => signed (eval e a) <=? signed (eval e b)
  | INB o l n => (eval e o <=? eval e l) && (wrap n <=? eval e l - eval e o)
  end.

(* ---------- the structural bound 'bits' (lf_term.c bits_of) ---------- *)

(* bitlen(k): the number of significant bits of k *)
Definition bitlen (k : Z) : Z := if k =? 0 then 0 else Z.log2 k + 1.

Definition is_const (t : word) : option Z :=
  match t with CONST k => Some (wrap k) | _ => None end.

Fixpoint bits (t : word) : Z :=
  match t with
  | CONST k => bitlen (wrap k)
  | VAR _ b => vbits b
  | LD _ w => wbits w
  | ADD a b => Z.min 64 (Z.max (bits a) (bits b) + 1)
  | MUL a b => Z.min 64 (bits a + bits b)
  | UDIV a _ => bits a
  | UREM a b => Z.min (bits a) (bits b)
  | AND a b => Z.min (bits a) (bits b)
  | OR a b | XOR a b => Z.max (bits a) (bits b)
  | SHL a b =>
      match is_const b with
      | Some c => Z.min 64 (bits a + c mod 64)
      | None => 64
      end
  | SHR a b =>
      match is_const b with
      | Some c => if bits a <=? c mod 64 then 0 else bits a - c mod 64
      | None => bits a
      end
  | BSWAP _ w => 8 * wbytes w
  | ROL _ _ w | ROR _ _ w => wbits w
  | BOOL _ => 1
  | SUB _ _ | NEG _ | NOT _ | SAR _ _ | SEXT _ _ => 64
  end.

(* lf_bitmax: the largest value a term can take by its bound *)
Definition bitmax (t : word) : Z := 2 ^ bits t - 1.

(* ---------- lemmas on powers of two and bits ---------- *)

Lemma pow2_pos : forall n, 0 <= n -> 0 < 2 ^ n.
Proof. intros; apply Z.pow_pos_nonneg; lia. Qed.

Lemma pow2_le : forall m n, 0 <= m <= n -> 2 ^ m <= 2 ^ n.
Proof. intros; apply Z.pow_le_mono_r; lia. Qed.

Lemma wrap_range : forall x, 0 <= wrap x < 2 ^ 64.
Proof. intros; unfold wrap; apply Z.mod_pos_bound; reflexivity. Qed.

Lemma wrap_small : forall x, 0 <= x < 2 ^ 64 -> wrap x = x.
Proof. intros; unfold wrap; apply Z.mod_small; auto. Qed.

Lemma wrap_le : forall x, 0 <= x -> wrap x <= x.
Proof. intros; unfold wrap; apply Z.mod_le; lia. Qed.

(* x < 2^n exactly when no bit at or above n is set *)
Lemma lt_pow2_bits : forall n x, 0 <= n -> 0 <= x ->
  (x < 2 ^ n <-> forall i, n <= i -> Z.testbit x i = false).
Proof.
  intros n x Hn Hx; split.
  - intros Hlt i Hi. destruct (Z.eq_dec x 0) as [->|Hx0].
    + apply Z.testbit_0_l.
    + apply Z.bits_above_log2; [lia|].
      apply Z.log2_lt_pow2 in Hlt; lia.
  - intros Hb.
    assert (x mod 2 ^ n = x) as <-.
    { apply Z.bits_inj'; intros i Hi.
      destruct (Z.lt_ge_cases i n).
      + apply Z.mod_pow2_bits_low; auto.
      + rewrite Z.mod_pow2_bits_high by lia. symmetry; apply Hb; lia. }
    apply Z.mod_pos_bound, pow2_pos; auto.
Qed.

Lemma min_cases : forall a b, Z.min a b = a \/ Z.min a b = b.
Proof. intros; lia. Qed.
Lemma max_cases : forall a b, Z.max a b = a \/ Z.max a b = b.
Proof. intros; lia. Qed.

Lemma land_bound : forall n m x y, 0 <= n -> 0 <= m -> 0 <= x < 2 ^ n -> 0 <= y < 2 ^ m ->
  0 <= Z.land x y < 2 ^ Z.min n m.
Proof.
  intros n m x y Hn Hm Hx Hy.
  assert (0 <= Z.land x y) by (apply Z.land_nonneg; lia).
  split; auto. apply lt_pow2_bits; auto; [lia|].
  intros i Hi. rewrite Z.land_spec.
  destruct (min_cases n m) as [E|E]; rewrite E in Hi.
  - rewrite (proj1 (lt_pow2_bits n x Hn (proj1 Hx)) (proj2 Hx) i Hi); auto.
  - rewrite (proj1 (lt_pow2_bits m y Hm (proj1 Hy)) (proj2 Hy) i Hi); apply andb_false_r.
Qed.

Lemma lor_bound : forall n m x y, 0 <= n -> 0 <= m -> 0 <= x < 2 ^ n -> 0 <= y < 2 ^ m ->
  0 <= Z.lor x y < 2 ^ Z.max n m.
Proof.
  intros n m x y Hn Hm Hx Hy.
  assert (0 <= Z.lor x y) by (apply Z.lor_nonneg; lia).
  split; auto. apply lt_pow2_bits; auto; [lia|].
  intros i Hi. rewrite Z.lor_spec.
  rewrite (proj1 (lt_pow2_bits n x Hn (proj1 Hx)) (proj2 Hx) i) by lia.
  rewrite (proj1 (lt_pow2_bits m y Hm (proj1 Hy)) (proj2 Hy) i) by lia. auto.
Qed.

Lemma lxor_bound : forall n m x y, 0 <= n -> 0 <= m -> 0 <= x < 2 ^ n -> 0 <= y < 2 ^ m ->
  0 <= Z.lxor x y < 2 ^ Z.max n m.
Proof.
  intros n m x y Hn Hm Hx Hy.
  assert (0 <= Z.lxor x y) by (apply Z.lxor_nonneg; lia).
  split; auto. apply lt_pow2_bits; auto; [lia|].
  intros i Hi. rewrite Z.lxor_spec.
  rewrite (proj1 (lt_pow2_bits n x Hn (proj1 Hx)) (proj2 Hx) i) by lia.
  rewrite (proj1 (lt_pow2_bits m y Hm (proj1 Hy)) (proj2 Hy) i) by lia. auto.
Qed.

Lemma land_ones_bound : forall x w, 0 <= w -> 0 <= Z.land x (Z.ones w) < 2 ^ w.
Proof.
  intros. rewrite Z.land_ones by auto. apply Z.mod_pos_bound, pow2_pos; auto.
Qed.

Lemma wbits_range : forall w, 8 <= wbits w <= 64.
Proof. destruct w; simpl; lia. Qed.
Lemma wbytes_bits : forall w, wbits w = 8 * wbytes w.
Proof. destruct w; reflexivity. Qed.

Lemma bswap_loop_bound : forall x n i r, 0 <= i -> 0 <= r < 2 ^ (8 * i) ->
  i + Z.of_nat n <= 8 ->
  0 <= bswap_loop x n i r < 2 ^ (8 * (i + Z.of_nat n)).
Proof.
  intros x n; induction n as [|n IH]; intros i r Hi Hr Hn; cbn [bswap_loop].
  - rewrite Z.add_0_r; auto.
  - rewrite Nat2Z.inj_succ in *.
    replace (8 * (i + Z.succ (Z.of_nat n))) with (8 * ((i + 1) + Z.of_nat n)) by lia.
    apply IH; try lia.
    replace (8 * (i + 1)) with (Z.max (8 * (i + 1)) 8) by lia.
    apply lor_bound; try lia.
    + rewrite Z.shiftl_mul_pow2 by lia.
      assert (2 ^ (8 * i) * 2 ^ 8 = 2 ^ (8 * (i + 1))) by
        (rewrite <- Z.pow_add_r by lia; f_equal; lia).
      assert (2 ^ (8 * (i + 1)) <= 2 ^ 64) by (apply pow2_le; lia).
      rewrite wrap_small; nia.
    + replace 255 with (Z.ones 8) by reflexivity. apply land_ones_bound; lia.
Qed.

Lemma sub_sub_pow : forall n c, 0 <= c <= n -> 2 ^ c * 2 ^ (n - c) = 2 ^ n.
Proof. intros; rewrite <- Z.pow_add_r by lia; f_equal; lia. Qed.

(* ---------- bits_sound ---------- *)

Lemma bitlen_range : forall k, 0 <= k < 2 ^ 64 -> 0 <= bitlen k <= 64.
Proof.
  intros k Hk; unfold bitlen. destruct (Z.eqb_spec k 0); [lia|].
  assert (Z.log2 k < 64) by (apply Z.log2_lt_pow2; lia).
  pose proof (Z.log2_nonneg k); lia.
Qed.

Lemma bitlen_sound : forall k, 0 <= k -> k < 2 ^ bitlen k.
Proof.
  intros k Hk; unfold bitlen. destruct (Z.eqb_spec k 0); [subst; reflexivity|].
  destruct (Z.log2_spec k) as [_ H]; [lia|]. rewrite <- Z.add_1_r in H; exact H.
Qed.

Lemma bits_range : forall t, 0 <= bits t <= 64.
Proof.
  induction t; simpl; try lia.
  - apply bitlen_range, wrap_range.
  - unfold vbits; lia.
  - pose proof (wbits_range size); lia.
  - destruct (is_const t2); [|lia]. pose proof (Z.mod_pos_bound z 64); lia.
  - destruct (is_const t2); [|lia]. pose proof (Z.mod_pos_bound z 64).
    destruct (Z.leb_spec (bits t1) (z mod 64)); lia.
  - destruct bytes; simpl; lia.
  - pose proof (wbits_range w); lia.
  - pose proof (wbits_range w); lia.
Qed.

Lemma is_const_some : forall e t c, is_const t = Some c -> eval e t = c.
Proof. destruct t; simpl; intros; try discriminate; congruence. Qed.

Theorem bits_sound : forall e t, 0 <= eval e t < 2 ^ bits t.
Proof.
  intros e t; induction t; cbn [eval bits].
  - split; [apply wrap_range|]. apply bitlen_sound, wrap_range.
  - apply Z.mod_pos_bound, pow2_pos; unfold vbits; lia.
  - apply Z.mod_pos_bound, pow2_pos; pose proof (wbits_range size); lia.
  - (* ADD *) unfold op_add. pose proof (bits_range t1); pose proof (bits_range t2).
    pose proof (wrap_range (eval e t1 + eval e t2)).
    pose proof (wrap_le (eval e t1 + eval e t2)).
    assert (2 ^ bits t1 <= 2 ^ Z.max (bits t1) (bits t2)) by (apply pow2_le; lia).
    assert (2 ^ bits t2 <= 2 ^ Z.max (bits t1) (bits t2)) by (apply pow2_le; lia).
    assert (2 ^ (Z.max (bits t1) (bits t2) + 1) = 2 * 2 ^ Z.max (bits t1) (bits t2))
      by (rewrite Z.pow_add_r by lia; lia).
    destruct (min_cases 64 (Z.max (bits t1) (bits t2) + 1)) as [E|E]; rewrite E; lia.
  - (* SUB *) apply wrap_range.
  - (* MUL *) unfold op_mul. pose proof (bits_range t1); pose proof (bits_range t2).
    pose proof (wrap_range (eval e t1 * eval e t2)).
    pose proof (wrap_le (eval e t1 * eval e t2)).
    assert (2 ^ (bits t1 + bits t2) = 2 ^ bits t1 * 2 ^ bits t2) by (apply Z.pow_add_r; lia).
    destruct (min_cases 64 (bits t1 + bits t2)) as [E|E]; rewrite E; nia.
  - (* UDIV *) unfold op_udiv. pose proof (bits_range t1).
    destruct (Z.eqb_spec (eval e t2) 0). pose proof (pow2_pos (bits t1)); lia.
    split. apply Z.div_pos; lia.
    apply Z.le_lt_trans with (eval e t1); [|lia].
    apply Z.div_le_upper_bound; nia.
  - (* UREM *) unfold op_urem. pose proof (bits_range t1); pose proof (bits_range t2).
    destruct (Z.eqb_spec (eval e t2) 0).
    + pose proof (pow2_pos (Z.min (bits t1) (bits t2))); lia.
    + pose proof (Z.mod_pos_bound (eval e t1) (eval e t2)).
      pose proof (Z.mod_le (eval e t1) (eval e t2)).
      destruct (min_cases (bits t1) (bits t2)) as [E|E]; rewrite E; lia.
  - apply land_bound; auto; apply bits_range.
  - apply lor_bound; auto; apply bits_range.
  - apply lxor_bound; auto; apply bits_range.
  - (* SHL *) unfold op_shl.
    destruct (is_const t2) eqn:C; [|apply wrap_range].
    rewrite (is_const_some e _ _ C).
    pose proof (bits_range t1). pose proof (Z.mod_pos_bound z 64).
    rewrite Z.shiftl_mul_pow2 by lia.
    pose proof (wrap_range (eval e t1 * 2 ^ (z mod 64))).
    pose proof (wrap_le (eval e t1 * 2 ^ (z mod 64))).
    assert (0 < 2 ^ (z mod 64)) by (apply pow2_pos; lia).
    assert (2 ^ (bits t1 + z mod 64) = 2 ^ bits t1 * 2 ^ (z mod 64)) by (apply Z.pow_add_r; lia).
    destruct (min_cases 64 (bits t1 + z mod 64)) as [E|E]; rewrite E; nia.
  - (* SHR *) unfold op_shr. pose proof (bits_range t1).
    assert (forall s, 0 <= s -> 0 <= Z.shiftr (eval e t1) s <= eval e t1) as Hle.
    { intros s Hs. rewrite Z.shiftr_div_pow2 by auto.
      pose proof (pow2_pos s Hs). split. apply Z.div_pos; lia.
      apply Z.div_le_upper_bound; nia. }
    destruct (is_const t2) eqn:C.
    + rewrite (is_const_some e _ _ C).
      pose proof (Z.mod_pos_bound z 64). rewrite Z.shiftr_div_pow2 by lia.
      pose proof (pow2_pos (z mod 64)).
      destruct (Z.leb_spec (bits t1) (z mod 64)).
      * rewrite Z.div_small. simpl; lia.
        pose proof (pow2_le (bits t1) (z mod 64)); lia.
      * split. apply Z.div_pos; lia.
        apply Z.div_lt_upper_bound; [lia|].
        rewrite sub_sub_pow; lia.
    + pose proof (Hle (eval e t2 mod 64) ltac:(apply Z.mod_pos_bound; lia)); lia.
  - apply wrap_range.
  - (* NOT *) unfold op_not. pose proof (bits_range t); pose proof (pow2_le (bits t) 64).
    pose proof (lxor_bound 64 64 (eval e t) (Z.ones 64)) as Hx.
    rewrite Z.max_id in Hx. apply Hx; try lia. rewrite Z.ones_equiv; lia.
  - apply wrap_range.
  - apply wrap_range.
  - (* BSWAP *) unfold op_bswap. clear IHt.
    pose proof (bswap_loop_bound (eval e t) (Z.to_nat (wbytes bytes)) 0 0) as Hb.
    replace (8 * wbytes bytes) with (8 * (0 + Z.of_nat (Z.to_nat (wbytes bytes))));
      [apply Hb|]; destruct bytes; cbv [wbytes Z.to_nat Z.of_nat Pos.to_nat Pos.iter_op Nat.add]; try lia; reflexivity.
  - (* ROL *) unfold op_rot. pose proof (wbits_range w).
    destruct (_ =? 0); apply land_ones_bound; lia.
  - unfold op_rot. pose proof (wbits_range w).
    destruct (_ =? 0); apply land_ones_bound; lia.
  - (* BOOL *) destruct (holds e p); simpl; lia.
Qed.

Corollary eval_range : forall e t, 0 <= eval e t < 2 ^ 64.
Proof.
  intros. pose proof (bits_sound e t). pose proof (bits_range t).
  pose proof (pow2_le (bits t) 64); lia.
Qed.

Corollary bitmax_sound : forall e t, 0 <= eval e t <= bitmax t.
Proof. intros; unfold bitmax; pose proof (bits_sound e t); lia. Qed.

Lemma wrap_eval : forall e t, wrap (eval e t) = eval e t.
Proof. intros; apply wrap_small, eval_range. Qed.

(* What INB means for the safety policy: every byte o + i (i < n) of the
   access lies inside the region [0, l) -- the packet's caplen bytes or the
   64 bytes of scratch memory -- and the address computation o + i does
   not wrap. *)
Lemma inb_bytes_inside : forall e o l n,
  holds e (INB o l n) = true ->
  forall i, 0 <= i < wrap n -> 0 <= eval e o + i < eval e l.
Proof.
  intros e o l n H i Hi. simpl in H.
  apply andb_true_iff in H as [H1 H2].
  apply Z.leb_le in H1. apply Z.leb_le in H2.
  pose proof (eval_range e o). lia.
Qed.
