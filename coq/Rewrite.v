(* Rewrite.v - lf_term.c's canonicalizing builder, modelled and proven.

   The checker's only conversion is lf_mk: every term it builds goes
   through it, so definitional equality is equality of canonical forms.
   Below, mkb/mku/mk_* mirror lf_term.c's mk() (same rewrites, same order,
   same depth bound LF_DEPTH = 4 as fuel, same spine bound LF_SPINE = 8,
   commutation by constant-ness and taint); structural equality of trees
   stands for ref equality of the hash-consed DAG.  Each rewrite is a
   lemma that it preserves evaluation (section "the rewrites"); the
   builders are then proven to preserve evaluation (mkb_sound, mku_sound,
   mk_*_sound).  Rule instantiation in Sig.v builds terms with these, as
   check.c's inst() does with lf_mk. *)

From Coq Require Import ZArith Bool List Lia Btauto.
From Pccf Require Import Sem.
Open Scope Z_scope.

(* ---------- structural equality (ref equality in C) ---------- *)

Definition width_eqb (a b : width) : bool :=
  match a, b with
  | W8, W8 | W16, W16 | W32, W32 | W64, W64 => true
  | _, _ => false
  end.

Fixpoint word_eqb (a b : word) : bool :=
  match a, b with
  | CONST x, CONST y => Z.eqb x y
  | VAR i m, VAR j n => Z.eqb i j && Z.eqb m n
  | LD a w, LD b v => word_eqb a b && width_eqb w v
  | ADD a1 a2, ADD b1 b2 | SUB a1 a2, SUB b1 b2 | MUL a1 a2, MUL b1 b2
  | UDIV a1 a2, UDIV b1 b2 | UREM a1 a2, UREM b1 b2 | AND a1 a2, AND b1 b2
  | OR a1 a2, OR b1 b2 | XOR a1 a2, XOR b1 b2 | SHL a1 a2, SHL b1 b2
  | SHR a1 a2, SHR b1 b2 | SAR a1 a2, SAR b1 b2 =>
      word_eqb a1 b1 && word_eqb a2 b2
  | NOT a, NOT b | NEG a, NEG b => word_eqb a b
  | SEXT a w, SEXT b v | BSWAP a w, BSWAP b v => word_eqb a b && width_eqb w v
  | ROL a1 a2 w, ROL b1 b2 v | ROR a1 a2 w, ROR b1 b2 v =>
      word_eqb a1 b1 && word_eqb a2 b2 && width_eqb w v
  | BOOL p, BOOL q => prop_eqb p q
  | _, _ => false
  end
with prop_eqb (p q : prop) : bool :=
  match p, q with
  | TRUE, TRUE | FALSE, FALSE => true
  | PVAR i, PVAR j => Z.eqb i j
  | PAND p1 p2, PAND q1 q2 | POR p1 p2, POR q1 q2 | IMP p1 p2, IMP q1 q2 =>
      prop_eqb p1 q1 && prop_eqb p2 q2
  | PNOT p, PNOT q => prop_eqb p q
  | EQ a1 a2, EQ b1 b2 | ULT a1 a2, ULT b1 b2 | ULE a1 a2, ULE b1 b2
  | SLT a1 a2, SLT b1 b2 | SLE a1 a2, SLE b1 b2 =>
      word_eqb a1 b1 && word_eqb a2 b2
  | INB o1 l1 n1, INB o2 l2 n2 =>
      word_eqb o1 o2 && word_eqb l1 l2 && Z.eqb n1 n2
  | _, _ => false
  end.

Scheme word_mut := Induction for word Sort Prop
with prop_mut := Induction for prop Sort Prop.
Combined Scheme word_prop_mut from word_mut, prop_mut.

Lemma width_eqb_eq : forall a b, width_eqb a b = true -> a = b.
Proof. destruct a, b; simpl; congruence. Qed.

Lemma eqb_eq_both : (forall a b, word_eqb a b = true -> a = b) /\
                    (forall p q, prop_eqb p q = true -> p = q).
Proof.
  apply word_prop_mut; intros; match goal with |- _ = ?y => destruct y end;
    cbn [word_eqb prop_eqb] in *; try discriminate;
    repeat match goal with
    | H : _ && _ = true |- _ => apply andb_true_iff in H; destruct H
    | H : Z.eqb _ _ = true |- _ => apply Z.eqb_eq in H; subst
    | H : width_eqb _ _ = true |- _ => apply width_eqb_eq in H; subst
    | IH : forall b, word_eqb ?a b = true -> ?a = b, H : word_eqb ?a _ = true |- _ =>
        apply IH in H; subst
    | IH : forall q, prop_eqb ?p q = true -> ?p = q, H : prop_eqb ?p _ = true |- _ =>
        apply IH in H; subst
    end; reflexivity.
Qed.

Lemma word_eqb_eq : forall a b, word_eqb a b = true -> a = b.
Proof. apply eqb_eq_both. Qed.

(* taint: the term depends on the packet or scratch address (LD cuts it) *)
Fixpoint tainted (t : word) : bool :=
  match t with
  | CONST _ | LD _ _ => false
  | VAR id _ => (id =? 0) || (id =? 3)
  | ADD a b | SUB a b | MUL a b | UDIV a b | UREM a b | AND a b | OR a b
  | XOR a b | SHL a b | SHR a b | SAR a b | ROL a b _ | ROR a b _ =>
      tainted a || tainted b
  | NOT a | NEG a | SEXT a _ | BSWAP a _ => tainted a
  | BOOL p => ptainted p
  end
with ptainted (p : prop) : bool :=
  match p with
  | TRUE | FALSE | PVAR _ => false
  | PAND p q | POR p q | IMP p q => ptainted p || ptainted q
  | PNOT p => ptainted p
  | EQ a b | ULT a b | ULE a b | SLT a b | SLE a b | INB a b _ =>
      tainted a || tainted b
  end.

(* ---------- operators ---------- *)

Inductive bop := OADD | OSUB | OMUL | OUDIV | OUREM | OAND | OOR | OXOR
               | OSHL | OSHR | OSAR | OROL (w : width) | OROR (w : width).

Definition bnode (op : bop) (a b : word) : word :=
  match op with
  | OADD => ADD a b | OSUB => SUB a b | OMUL => MUL a b | OUDIV => UDIV a b
  | OUREM => UREM a b | OAND => AND a b | OOR => OR a b | OXOR => XOR a b
  | OSHL => SHL a b | OSHR => SHR a b | OSAR => SAR a b
  | OROL w => ROL a b w | OROR w => ROR a b w
  end.

Definition bsem (op : bop) (x y : Z) : Z :=
  match op with
  | OADD => op_add x y | OSUB => op_sub x y | OMUL => op_mul x y
  | OUDIV => op_udiv x y | OUREM => op_urem x y | OAND => Z.land x y
  | OOR => Z.lor x y | OXOR => Z.lxor x y | OSHL => op_shl x y
  | OSHR => op_shr x y | OSAR => op_sar x y
  | OROL w => op_rot x y (wbits w) true | OROR w => op_rot x y (wbits w) false
  end.

Lemma eval_bnode : forall e op a b, eval e (bnode op a b) = bsem op (eval e a) (eval e b).
Proof. destruct op; reflexivity. Qed.

Inductive uop := ONOT | ONEG | OSEXT (w : width) | OBSWAP (w : width).

Definition unode (op : uop) (a : word) : word :=
  match op with ONOT => NOT a | ONEG => NEG a | OSEXT w => SEXT a w | OBSWAP w => BSWAP a w end.

Definition usem (op : uop) (x : Z) : Z :=
  match op with
  | ONOT => op_not x | ONEG => op_neg x
  | OSEXT w => op_sext x (wbits w) | OBSWAP w => op_bswap x (wbytes w)
  end.

Lemma eval_unode : forall e op a, eval e (unode op a) = usem op (eval e a).
Proof. destruct op; reflexivity. Qed.

Definition commutes (op : bop) : bool :=
  match op with OADD | OMUL | OAND | OOR | OXOR => true | _ => false end.
Definition is_add (op : bop) : bool := match op with OADD => true | _ => false end.
Definition is_constb (t : word) : bool := match t with CONST _ => true | _ => false end.

(* ---------- the builder (lf_term.c mk) ---------- *)

(* commutative ops put a constant on the right; ADD puts an address
   (tainted) operand on the left *)
Definition swap_ops (op : bop) (a b : word) : word * word :=
  if commutes op && ((is_constb a && negb (is_constb b)) ||
                     (is_add op && tainted b && negb (tainted a)))
  then (b, a) else (a, b).

(* cancel: the left ADD spine of a down to r (at most 8 steps); returns
   the addends innermost first *)
Fixpoint spine (n : nat) (a r : word) (acc : list word) : option (list word) :=
  if word_eqb a r then Some acc else
  match n, a with
  | S n', ADD x q => spine n' x r (q :: acc)
  | _, _ => None
  end.

Section Rw.
Variable rec : bop -> word -> word -> word.   (* mk at depth + 1 *)

Definition cancel (a r : word) : option word :=
  match spine 8 a r nil with
  | None => None
  | Some nil => Some (CONST 0)
  | Some (h :: tl) => Some (fold_left (fun acc q => rec OADD acc q) tl h)
  end.

Definition rw_add (a b : word) : option word :=
  match is_const b, a with
  | Some y, _ =>
      if y =? 0 then Some a else
      match a with
      | ADD a1 a2 =>
          match is_const a2 with
          | Some x => Some (rec OADD a1 (CONST (wrap (x + y))))
          | None => None
          end
      | _ => None
      end
  | None, ADD a1 a2 =>
      match is_const a2 with
      | Some _ => Some (rec OADD (rec OADD a1 b) a2)
      | None => None
      end
  | None, _ => None
  end.

Definition rw_sub (a b : word) : option word :=
  if word_eqb a b then Some (CONST 0) else
  match is_const b with
  | Some y => Some (rec OADD a (CONST (wrap (0 - y))))
  | None =>
      match a with
      | ADD a1 a2 =>
          match is_const a2 with
          | Some _ => Some (rec OADD (rec OSUB a1 b) a2)
          | None => if word_eqb a2 b then Some a1 else cancel a b
          end
      | _ => cancel a b
      end
  end.

Definition rw_mul (a b : word) : option word :=
  match is_const b with
  | Some y => if y =? 0 then Some b else if y =? 1 then Some a else None
  | None => None
  end.

Definition rw_and (a b : word) : option word :=
  if word_eqb a b then Some b else
  match is_const b with
  | Some y =>
      if y =? 0 then Some b else
      if Z.lor y (bitmax a) =? y then Some a else
      match a with
      | AND a1 a2 =>
          match is_const a2 with
          | Some x => Some (rec OAND a1 (CONST (Z.land x y)))
          | None => None
          end
      | _ => None
      end
  | None => None
  end.

Definition rw_orx (isor : bool) (a b : word) : option word :=
  match is_const b with
  | Some y => if y =? 0 then Some a else
              if word_eqb a b then Some (if isor then a else CONST 0) else None
  | None => if word_eqb a b then Some (if isor then a else CONST 0) else None
  end.

Definition rw_shift (a b : word) : option word :=
  match is_const b with
  | Some y => if Z.land y 63 =? 0 then Some a else None
  | None => None
  end.

Definition rw_bin (op : bop) (a b : word) : option word :=
  match is_const a, is_const b with
  | Some x, Some y => Some (CONST (bsem op x y))        (* fold *)
  | _, _ =>
      match op with
      | OADD => rw_add a b
      | OSUB => rw_sub a b
      | OMUL => rw_mul a b
      | OAND => rw_and a b
      | OOR => rw_orx true a b
      | OXOR => rw_orx false a b
      | OSHL | OSHR | OSAR => rw_shift a b
      | _ => None
      end
  end.
End Rw.

(* mk for binary word ops; fuel = LF_DEPTH - depth *)
Fixpoint mkb (fuel : nat) (op : bop) (a b : word) {struct fuel} : word :=
  let ab := swap_ops op a b in
  match fuel with
  | O => bnode op (fst ab) (snd ab)
  | S f =>
      match rw_bin (mkb f) op (fst ab) (snd ab) with
      | Some r => r
      | None => bnode op (fst ab) (snd ab)
      end
  end.

(* mk for unary word ops (never reached below depth 0) *)
Definition mku (op : uop) (a : word) : word :=
  match is_const a with
  | Some x => CONST (usem op x)
  | None =>
      match op with
      | OSEXT w => if bits a <? wbits w then a else SEXT a w
      | _ => unode op a
      end
  end.

Definition mk_pand (p q : prop) : prop :=
  match p, q with
  | TRUE, _ => q | _, FALSE => q | _, TRUE => p | FALSE, _ => p
  | _, _ => PAND p q
  end.

Definition mk_por (p q : prop) : prop :=
  match p, q with
  | FALSE, _ => q | _, TRUE => q | _, FALSE => p | TRUE, _ => p
  | _, _ => POR p q
  end.

Definition mk_imp (p q : prop) : prop :=
  match p, q with
  | TRUE, _ => q | FALSE, _ => TRUE | _, TRUE => TRUE
  | _, _ => IMP p q
  end.

Definition mk_pnot (p : prop) : prop :=
  match p with TRUE => FALSE | FALSE => TRUE | PNOT q => q | _ => PNOT p end.

Inductive cop := CEQ | CULT | CULE | CSLT | CSLE.

Definition cnode (op : cop) (a b : word) : prop :=
  match op with
  | CEQ => EQ a b | CULT => ULT a b | CULE => ULE a b | CSLT => SLT a b | CSLE => SLE a b
  end.

Definition csem (op : cop) (x y : Z) : bool :=
  match op with
  | CEQ => x =? y | CULT => x <? y | CULE => x <=? y
  | CSLT => signed x <? signed y | CSLE => signed x <=? signed y
  end.

Definition mk_cmp (op : cop) (a b : word) : prop :=
  match is_const a, is_const b with
  | Some x, Some y => if csem op x y then TRUE else FALSE
  | ca, cb =>
      if word_eqb a b then
        match op with CULT | CSLT => FALSE | _ => TRUE end
      else
        match op, ca, cb with
        | CULE, Some 0, _ => TRUE
        | CULT, _, Some 0 => FALSE
        | _, _, _ => cnode op a b
        end
  end.

(* BOOL(TRUE) = 1, BOOL(FALSE) = 0 *)
Definition mk_bool (p : prop) : word :=
  match p with TRUE => CONST 1 | FALSE => CONST 0 | _ => BOOL p end.

(* The smart constructors rule instantiation uses (lf_mk at depth 0). *)
Definition add_ := mkb 4 OADD.
Definition sub_ := mkb 4 OSUB.
Definition mul_ := mkb 4 OMUL.
Definition udiv_ := mkb 4 OUDIV.
Definition urem_ := mkb 4 OUREM.
Definition and_ := mkb 4 OAND.
Definition or_ := mkb 4 OOR.
Definition xor_ := mkb 4 OXOR.
Definition shl_ := mkb 4 OSHL.
Definition shr_ := mkb 4 OSHR.
Definition sar_ := mkb 4 OSAR.
Definition not_ := mku ONOT.
Definition neg_ := mku ONEG.
Definition eq_ := mk_cmp CEQ.
Definition ult_ := mk_cmp CULT.
Definition ule_ := mk_cmp CULE.
Definition slt_ := mk_cmp CSLT.
Definition sle_ := mk_cmp CSLE.

(* ---------- the rewrites: each preserves evaluation ---------- *)

Section Rewrites.
Variable e : env.

Lemma wrap_add_l : forall x y, wrap (wrap x + y) = wrap (x + y).
Proof. intros; unfold wrap; apply Z.add_mod_idemp_l; lia. Qed.
Lemma wrap_add_r : forall x y, wrap (x + wrap y) = wrap (x + y).
Proof. intros; unfold wrap; apply Z.add_mod_idemp_r; lia. Qed.
Lemma wrap_sub_l : forall x y, wrap (wrap x - y) = wrap (x - y).
Proof. intros; unfold wrap; rewrite Zminus_mod_idemp_l; auto. Qed.
Lemma wrap_sub_r : forall x y, wrap (x - wrap y) = wrap (x - y).
Proof. intros; unfold wrap; rewrite Zminus_mod_idemp_r; auto. Qed.
Lemma wrap_wrap : forall x, wrap (wrap x) = wrap x.
Proof. intros; apply wrap_small, wrap_range. Qed.

Ltac wrap_norm :=
  cbn [eval] in *; unfold op_add, op_sub in *;
  repeat rewrite ?wrap_add_l, ?wrap_add_r, ?wrap_sub_l, ?wrap_sub_r, ?wrap_wrap.

Lemma is_const_eval : forall t x, is_const t = Some x -> eval e t = x.
Proof. destruct t; simpl; intros; try discriminate; congruence. Qed.

Lemma is_const_range : forall t x, is_const t = Some x -> 0 <= x < 2 ^ 64.
Proof. intros t x H; rewrite <- (is_const_eval t x H); apply eval_range. Qed.

(* constants fold *)
Lemma rw_fold_bin : forall op a b x y, is_const a = Some x -> is_const b = Some y ->
  eval e (CONST (bsem op x y)) = eval e (bnode op a b).
Proof.
  intros op a b x y Ha Hb. rewrite eval_bnode, (is_const_eval a x Ha), (is_const_eval b y Hb).
  cbn [eval]. apply wrap_small.
  destruct a; try discriminate; destruct b; try discriminate.
  injection Ha as <-; injection Hb as <-.
  pose proof (eval_range e (bnode op (CONST k) (CONST k0))) as R.
  rewrite eval_bnode in R; exact R.
Qed.

Lemma rw_fold_un : forall op a x, is_const a = Some x ->
  eval e (CONST (usem op x)) = eval e (unode op a).
Proof.
  intros op a x Ha. rewrite eval_unode, (is_const_eval a x Ha).
  cbn [eval]. apply wrap_small.
  destruct a; try discriminate. injection Ha as <-.
  pose proof (eval_range e (unode op (CONST k))) as R.
  rewrite eval_unode in R; exact R.
Qed.

(* commutative ops may swap operands *)
Lemma rw_comm : forall op a b, commutes op = true ->
  eval e (bnode op b a) = eval e (bnode op a b).
Proof.
  intros op a b H; rewrite !eval_bnode; destruct op; try discriminate; simpl;
    unfold op_add, op_mul;
    first [ apply f_equal; ring | apply Z.land_comm | apply Z.lor_comm | apply Z.lxor_comm ].
Qed.

Lemma swap_ops_sound : forall op a b,
  eval e (bnode op (fst (swap_ops op a b)) (snd (swap_ops op a b))) = eval e (bnode op a b).
Proof.
  intros; unfold swap_ops.
  destruct (commutes op) eqn:C; simpl; [|reflexivity].
  destruct (_ || _); simpl; [apply rw_comm; auto|reflexivity].
Qed.

(* x + 0 = x *)
Lemma rw_add_0 : forall a b, is_const b = Some 0 -> eval e (ADD a b) = eval e a.
Proof.
  intros a b H; cbn [eval]; rewrite (is_const_eval b 0 H).
  unfold op_add; rewrite Z.add_0_r; apply wrap_eval.
Qed.

(* (x + c1) + c2 = x + (c1 + c2) *)
Lemma rw_add_cc : forall a1 a2 b x y, is_const a2 = Some x -> is_const b = Some y ->
  eval e (ADD a1 (CONST (wrap (x + y)))) = eval e (ADD (ADD a1 a2) b).
Proof.
  intros. cbn [eval]. rewrite (is_const_eval a2 x), (is_const_eval b y) by auto.
  wrap_norm. apply f_equal; ring.
Qed.

(* (x + c) + y = (x + y) + c *)
Lemma rw_add_c_y : forall a1 a2 b,
  eval e (ADD (ADD a1 b) a2) = eval e (ADD (ADD a1 a2) b).
Proof. intros; wrap_norm; apply f_equal; ring. Qed.

(* x - x = 0 *)
Lemma rw_sub_self : forall a, eval e (CONST 0) = eval e (SUB a a).
Proof. intros; cbn [eval]; unfold op_sub; rewrite Z.sub_diag; reflexivity. Qed.

(* x - c = x + (-c) *)
Lemma rw_sub_c : forall a b y, is_const b = Some y ->
  eval e (ADD a (CONST (wrap (0 - y)))) = eval e (SUB a b).
Proof.
  intros. cbn [eval]. rewrite (is_const_eval b y) by auto.
  wrap_norm. apply f_equal; ring.
Qed.

(* (x + c) - y = (x - y) + c *)
Lemma rw_sub_addc : forall a1 a2 b,
  eval e (ADD (SUB a1 b) a2) = eval e (SUB (ADD a1 a2) b).
Proof. intros; wrap_norm; apply f_equal; ring. Qed.

(* (x + y) - y = x *)
Lemma rw_sub_add : forall a1 a2, eval e a1 = eval e (SUB (ADD a1 a2) a2).
Proof.
  intros; wrap_norm. replace (eval e a1 + eval e a2 - eval e a2) with (eval e a1) by ring.
  symmetry; apply wrap_eval.
Qed.

Fixpoint sumw (l : list word) : Z :=
  match l with nil => 0 | q :: l => eval e q + sumw l end.

(* the spine: a = r + (sum of the addends), modulo 2^64 *)
Lemma spine_sound : forall n a r acc l, spine n a r acc = Some l ->
  wrap (eval e a + sumw acc) = wrap (eval e r + sumw l).
Proof.
  induction n; intros a r acc l H; simpl in H;
    destruct (word_eqb a r) eqn:E;
    try (apply word_eqb_eq in E; subst; injection H as <-; reflexivity).
  - discriminate.
  - destruct a; try discriminate. rewrite <- (IHn _ _ _ _ H). simpl.
    unfold op_add; rewrite wrap_add_l; apply f_equal; ring.
Qed.

Lemma fold_add_sound : forall rec, (forall op a b, eval e (rec op a b) = eval e (bnode op a b)) ->
  forall tl h, eval e (fold_left (fun acc q => rec OADD acc q) tl h) = wrap (sumw (h :: tl)).
Proof.
  intros rec Hrec; induction tl; intros h; simpl.
  - rewrite Z.add_0_r; symmetry; apply wrap_eval.
  - rewrite IHtl. simpl. rewrite Hrec; simpl. unfold op_add. rewrite wrap_add_l. apply f_equal; ring.
Qed.

(* (..((r+q1)+q2)..+qn) - r = (..(q1+q2)..+qn) *)
Lemma rw_cancel : forall rec, (forall op a b, eval e (rec op a b) = eval e (bnode op a b)) ->
  forall a r t, cancel rec a r = Some t -> eval e t = eval e (SUB a r).
Proof.
  intros rec Hrec a r t H; unfold cancel in H.
  destruct (spine 8 a r nil) as [l|] eqn:S; [|discriminate].
  pose proof (spine_sound _ _ _ _ _ S) as Hs; simpl in Hs; rewrite Z.add_0_r, wrap_eval in Hs.
  cbn [eval]; unfold op_sub; rewrite Hs, wrap_sub_l.
  replace (eval e r + sumw l - eval e r) with (sumw l) by ring.
  destruct l as [|h tl]; injection H as <-.
  - reflexivity.
  - rewrite (fold_add_sound rec Hrec). reflexivity.
Qed.

(* x * 1 = x, x * 0 = 0 *)
Lemma rw_mul_0 : forall a b, is_const b = Some 0 -> eval e b = eval e (MUL a b).
Proof.
  intros a b H; cbn [eval]; rewrite (is_const_eval b 0 H).
  unfold op_mul; rewrite Z.mul_0_r; reflexivity.
Qed.
Lemma rw_mul_1 : forall a b, is_const b = Some 1 -> eval e a = eval e (MUL a b).
Proof.
  intros a b H; cbn [eval]; rewrite (is_const_eval b 1 H).
  unfold op_mul; rewrite Z.mul_1_r; symmetry; apply wrap_eval.
Qed.

(* x & x = x; x & 0 = 0 *)
Lemma rw_and_self : forall a, eval e a = eval e (AND a a).
Proof. intros; cbn [eval]; rewrite Z.land_diag; reflexivity. Qed.
Lemma rw_and_0 : forall a b, is_const b = Some 0 -> eval e b = eval e (AND a b).
Proof.
  intros a b H; cbn [eval]; rewrite (is_const_eval b 0 H), Z.land_0_r; reflexivity.
Qed.

(* x & m = x when m has every bit below 2^bits(x) set *)
Lemma rw_and_mask : forall a b y, is_const b = Some y -> Z.lor y (bitmax a) = y ->
  eval e a = eval e (AND a b).
Proof.
  intros a b y Hb Hm; cbn [eval]; rewrite (is_const_eval b y Hb).
  pose proof (bits_sound e a) as Ha. pose proof (bits_range a) as Hr.
  apply Z.bits_inj'; intros i Hi. rewrite Z.land_spec.
  destruct (Z.lt_ge_cases i (bits a)).
  - assert (Z.testbit y i = true) as ->; [|symmetry; apply andb_true_r].
    rewrite <- Hm, Z.lor_spec.
    replace (bitmax a) with (Z.ones (bits a)) by (unfold bitmax; rewrite Z.ones_equiv; lia).
    rewrite Z.ones_spec_low by lia. apply orb_true_r.
  - rewrite (proj1 (lt_pow2_bits (bits a) (eval e a) ltac:(lia) ltac:(lia)) (proj2 Ha) i H).
    reflexivity.
Qed.

(* (x & c1) & c2 = x & (c1 & c2) *)
Lemma rw_and_and : forall a1 a2 b x y, is_const a2 = Some x -> is_const b = Some y ->
  eval e (AND a1 (CONST (Z.land x y))) = eval e (AND (AND a1 a2) b).
Proof.
  intros. cbn [eval]. rewrite (is_const_eval a2 x), (is_const_eval b y) by auto.
  rewrite <- Z.land_assoc. f_equal. apply wrap_small.
  pose proof (land_bound 64 64 x y) as L; rewrite Z.min_id in L.
  apply L; try lia; eapply is_const_range; eauto.
Qed.

(* x | x = x, x ^ x = 0, x | 0 = x, x ^ 0 = x *)
Lemma rw_or_self : forall a, eval e a = eval e (OR a a).
Proof. intros; cbn [eval]; rewrite Z.lor_diag; reflexivity. Qed.
Lemma rw_xor_self : forall a, eval e (CONST 0) = eval e (XOR a a).
Proof. intros; cbn [eval]; rewrite Z.lxor_nilpotent; reflexivity. Qed.
Lemma rw_or_0 : forall a b, is_const b = Some 0 -> eval e a = eval e (OR a b).
Proof. intros a b H; cbn [eval]; rewrite (is_const_eval b 0 H), Z.lor_0_r; reflexivity. Qed.
Lemma rw_xor_0 : forall a b, is_const b = Some 0 -> eval e a = eval e (XOR a b).
Proof. intros a b H; cbn [eval]; rewrite (is_const_eval b 0 H), Z.lxor_0_r; reflexivity. Qed.

(* x << 0 = x, x >> 0 = x (counts modulo 64) *)
Lemma land63 : forall y, 0 <= y -> Z.land y 63 = y mod 64.
Proof. intros; apply (Z.land_ones y 6); lia. Qed.

Lemma rw_shift_0 : forall op a b y, (op = OSHL \/ op = OSHR \/ op = OSAR) ->
  is_const b = Some y -> Z.land y 63 = 0 -> eval e a = eval e (bnode op a b).
Proof.
  intros op a b y Hop Hb Hy. rewrite eval_bnode, (is_const_eval b y Hb).
  rewrite land63 in Hy by (eapply is_const_range; eauto).
  destruct Hop as [Ho|[Ho|Ho]]; subst op; simpl; unfold op_shl, op_shr, op_sar; rewrite Hy.
  - rewrite Z.shiftl_0_r; symmetry; apply wrap_eval.
  - rewrite Z.shiftr_0_r; reflexivity.
  - rewrite Z.shiftr_0_r. pose proof (eval_range e a). unfold signed, wrap.
    symmetry. destruct (_ <? _); [apply Z.mod_small; lia|].
    replace (eval e a - 2 ^ 64) with (eval e a + (-1) * 2 ^ 64) by ring.
    rewrite Z.mod_add by lia. apply Z.mod_small; lia.
Qed.

(* SEXT(x, s) = x when bits(x) < s (the sign bit is zero) *)
Lemma rw_sext_small : forall a w, bits a < wbits w -> eval e a = eval e (SEXT a w).
Proof.
  intros a w H. cbn [eval]. unfold op_sext.
  pose proof (bits_sound e a). pose proof (bits_range a). pose proof (wbits_range w).
  set (s := wbits w) in *. set (x := eval e a) in *.
  assert (x < 2 ^ (s - 1)) by (pose proof (pow2_le (bits a) (s - 1)); lia).
  assert (2 ^ (s - 1) < 2 ^ s) by (apply Z.pow_lt_mono_r; lia).
  rewrite (Z.mod_small x (2 ^ s)) by lia.
  rewrite <- Z.add_nocarry_lxor.
  - replace (x + 2 ^ (s - 1) - 2 ^ (s - 1)) with x by ring. symmetry; apply wrap_eval.
  - apply Z.bits_inj'; intros i Hi. rewrite Z.land_spec, Z.pow2_bits_eqb, Z.testbit_0_l by lia.
    destruct (Z.eqb_spec (s - 1) i); [|apply andb_false_r].
    subst i. rewrite (proj1 (lt_pow2_bits (s - 1) x ltac:(lia) ltac:(lia)) ltac:(lia) (s - 1)) by lia.
    reflexivity.
Qed.

End Rewrites.

(* ---------- the builders preserve evaluation ---------- *)

Ltac dmatch :=
  repeat match goal with
  | H : context [match ?x with _ => _ end] |- _ => destruct x eqn:?
  | H : Some _ = Some _ |- _ => injection H as <-
  | H : None = Some _ |- _ => discriminate
  | H : (_ =? _) = true |- _ => apply Z.eqb_eq in H; subst
  | H : word_eqb _ _ = true |- _ => apply word_eqb_eq in H; subst
  end.

Ltac arith :=
  cbn [eval] in *; unfold op_add, op_sub in *;
  repeat rewrite ?wrap_add_l, ?wrap_add_r, ?wrap_sub_l, ?wrap_sub_r, ?wrap_wrap;
  apply f_equal; ring.

Lemma rw_bin_sound : forall e rec, (forall op a b, eval e (rec op a b) = eval e (bnode op a b)) ->
  forall op a b r, rw_bin rec op a b = Some r -> eval e r = eval e (bnode op a b).
Proof.
  intros e rec Hrec op a b r H. unfold rw_bin in H.
  destruct (is_const a) eqn:Ca, (is_const b) eqn:Cb;
    try (injection H as <-; apply rw_fold_bin; auto; fail).
  all: destruct op; try discriminate; cbn [bnode];
    unfold rw_add, rw_sub, rw_mul, rw_and, rw_orx, rw_shift in H; dmatch;
    try (cbn [is_const] in *; discriminate); try congruence.
  all: first
    [ solve [symmetry; apply rw_add_0; auto]
    | solve [apply rw_sub_self] | solve [apply rw_sub_add]
    | solve [apply (rw_cancel e rec Hrec); auto]
    | solve [apply rw_mul_0; auto] | solve [apply rw_mul_1; auto]
    | solve [apply rw_and_self] | solve [apply rw_and_0; auto] | solve [eapply rw_and_mask; eauto]
    | solve [rewrite Hrec; cbn [bnode]; apply rw_and_and; auto]
    | solve [apply rw_or_0; auto] | solve [apply rw_xor_0; auto]
    | solve [apply rw_or_self] | solve [apply rw_xor_self]
    | solve [eapply (rw_shift_0 e OSHL); [left; reflexivity | eassumption | eassumption]]
    | solve [eapply (rw_shift_0 e OSHR); [right; left; reflexivity | eassumption | eassumption]]
    | solve [eapply (rw_shift_0 e OSAR); [right; right; reflexivity | eassumption | eassumption]]
    | solve [rewrite Hrec; cbn [bnode]; apply rw_add_cc; auto]
    | solve [rewrite Hrec; cbn [bnode]; rewrite <- rw_add_c_y; cbn [eval];
             rewrite Hrec; reflexivity]
    | solve [rewrite Hrec; cbn [bnode]; apply rw_sub_c; auto]
    | solve [rewrite Hrec; cbn [bnode]; rewrite <- rw_sub_addc; cbn [eval];
             rewrite Hrec; reflexivity]
    | idtac ].
Qed.

Theorem mkb_sound : forall e n op a b, eval e (mkb n op a b) = eval e (bnode op a b).
Proof.
  intros e n; induction n; intros op a b; simpl.
  - apply swap_ops_sound.
  - destruct (rw_bin (mkb n) op _ _) eqn:R.
    + rewrite (rw_bin_sound e (mkb n) IHn _ _ _ _ R). apply swap_ops_sound.
    + apply swap_ops_sound.
Qed.

Theorem mku_sound : forall e op a, eval e (mku op a) = eval e (unode op a).
Proof.
  intros e op a; unfold mku.
  destruct (is_const a) eqn:C; [apply rw_fold_un; auto|].
  destruct op; try reflexivity.
  destruct (Z.ltb_spec (bits a) (wbits w)); [apply rw_sext_small; auto|reflexivity].
Qed.

Ltac bool_cases e :=
  repeat match goal with |- context [holds e ?x] => destruct (holds e x) end.

(* PAND, POR, PNOT, IMP with TRUE or FALSE operands; PNOT (PNOT p) = p *)
Theorem mk_pand_sound : forall e p q, holds e (mk_pand p q) = holds e (PAND p q).
Proof. intros; destruct p, q; simpl; try reflexivity; rewrite ?implb_orb; btauto. Qed.
Theorem mk_por_sound : forall e p q, holds e (mk_por p q) = holds e (POR p q).
Proof. intros; destruct p, q; simpl; try reflexivity; rewrite ?implb_orb; btauto. Qed.
Theorem mk_imp_sound : forall e p q, holds e (mk_imp p q) = holds e (IMP p q).
Proof. intros; destruct p, q; simpl; try reflexivity; rewrite ?implb_orb; btauto. Qed.
Theorem mk_pnot_sound : forall e p, holds e (mk_pnot p) = holds e (PNOT p).
Proof. intros; destruct p; simpl; try reflexivity; rewrite ?implb_orb; btauto. Qed.
Theorem mk_bool_sound : forall e p, eval e (mk_bool p) = eval e (BOOL p).
Proof. intros; destruct p; reflexivity. Qed.

(* EQ(x,x), ULE(x,x), SLE(x,x) = TRUE; ULT(x,x), SLT(x,x) = FALSE;
   ULE(0,x) = TRUE; ULT(x,0) = FALSE; comparisons of constants fold *)
Theorem mk_cmp_sound : forall e op a b, holds e (mk_cmp op a b) = holds e (cnode op a b).
Proof.
  intros e op a b. unfold mk_cmp.
  assert (holds e (cnode op a b) = csem op (eval e a) (eval e b)) as Hc by (destruct op; reflexivity).
  rewrite Hc. pose proof (eval_range e a); pose proof (eval_range e b).
  destruct (is_const a) eqn:Ca, (is_const b) eqn:Cb;
    try (rewrite (is_const_eval e a _ Ca), (is_const_eval e b _ Cb);
         match goal with |- context [csem ?o ?x ?y] => destruct (csem o x y) end;
         reflexivity).
  all: destruct (word_eqb a b) eqn:E;
    [apply word_eqb_eq in E; subst;
     destruct op; simpl; rewrite ?Z.eqb_refl, ?Z.ltb_irrefl, ?Z.leb_refl; reflexivity|].
  all: destruct op; try (rewrite <- Hc; reflexivity).
  all: repeat match goal with
       | |- context [match ?z with 0 => _ | _ => _ end] => destruct z eqn:?
       end; try (rewrite <- Hc; reflexivity); simpl.
  all: repeat match goal with H : is_const _ = Some _ |- _ => apply (is_const_eval e) in H end.
  all: try (symmetry; apply Z.leb_le; lia); try (symmetry; apply Z.ltb_ge; lia).
Qed.

(* ---------- side conditions (check.c sides()) ---------- *)

(* A constant metavariable of a rule is a u64 (check.c's kv). *)
Definition is_word (k : Z) : Prop := 0 <= k < 2 ^ 64.
Definition is_wordb (k : Z) : bool := (0 <=? k) && (k <? 2 ^ 64).
(* le k1 k2: k1 <= k2 as unsigned numbers *)
Definition side_le (k1 k2 : Z) : Prop := k1 <= k2.
Definition side_leb (k1 k2 : Z) : bool := k1 <=? k2.
(* nowrap a k: bitmax(a) + k does not exceed 2^64 - 1 *)
Definition side_nowrap (a : word) (k : Z) : Prop := bitmax a + k <= 2 ^ 64 - 1.
Definition side_nowrapb (a : word) (k : Z) : bool := bitmax a + k <=? 2 ^ 64 - 1.
(* bitle a k: bitmax(a) <= k *)
Definition side_bitle (a : word) (k : Z) : Prop := bitmax a <= k.
Definition side_bitleb (a : word) (k : Z) : bool := bitmax a <=? k.

Lemma is_wordb_ok : forall k, is_wordb k = true -> is_word k.
Proof. unfold is_wordb, is_word; intros k H; apply andb_true_iff in H; lia. Qed.
Lemma side_leb_ok : forall k1 k2, side_leb k1 k2 = true -> side_le k1 k2.
Proof. unfold side_leb, side_le; intros; lia. Qed.
Lemma side_nowrapb_ok : forall a k, side_nowrapb a k = true -> side_nowrap a k.
Proof. unfold side_nowrapb, side_nowrap; intros; lia. Qed.
Lemma side_bitleb_ok : forall a k, side_bitleb a k = true -> side_bitle a k.
Proof. unfold side_bitleb, side_bitle; intros; lia. Qed.

(* ---------- tactics for the generated Sig.v ---------- *)

(* rewrite every canonical builder into the raw node it evaluates like *)
Ltac canon_norm :=
  unfold add_, sub_, mul_, udiv_, urem_, and_, or_, xor_, shl_, shr_, sar_,
         not_, neg_, eq_, ult_, ule_, slt_, sle_ in *;
  repeat progress (rewrite ?mk_cmp_sound, ?mk_pand_sound, ?mk_por_sound,
                   ?mk_imp_sound, ?mk_pnot_sound, ?mk_bool_sound, ?mkb_sound,
                   ?mku_sound in *;
                   cbn [holds cnode bnode unode eval] in *).

(* csig_X from sig_X: the canonical instance evaluates like the raw one *)
Ltac canon_bridge :=
  let H := fresh "H" in
  intros H; red in H; hnf; intros; canon_norm; eapply H; clear H;
  first [ eassumption
        | apply is_wordb_ok; eassumption | apply side_leb_ok; eassumption
        | apply side_nowrapb_ok; eassumption | apply side_bitleb_ok; eassumption ].
