(* Rules.v - every rule of the signature (checker/sig.lf, stated in the
   generated Sig.v) proven sound against the semantics of Sem.v, and the
   soundness of derivations built from the checker's node kinds and those
   rules (deriv_sound).  No axioms: Print Assumptions of all_rules_sound
   and deriv_sound says "Closed under the global context". *)

From Coq Require Import ZArith Bool List Lia.
From Pccf Require Import Sem Rewrite Sig.
Open Scope Z_scope.

Lemma land_le_l : forall x y, 0 <= x -> 0 <= y -> Z.land x y <= x.
Proof.
  intros x y Hx Hy.
  assert (D : Z.land (Z.ldiff x y) (Z.land x y) = 0).
  { apply Z.bits_inj'; intros i Hi.
    rewrite Z.land_spec, Z.ldiff_spec, Z.land_spec, Z.testbit_0_l.
    destruct (Z.testbit x i), (Z.testbit y i); reflexivity. }
  pose proof (Z.lor_ldiff_and x y) as E.
  rewrite <- (Z.lxor_lor _ _ D), <- (Z.add_nocarry_lxor _ _ D) in E.
  assert (0 <= Z.ldiff x y) by (rewrite Z.ldiff_land; apply Z.land_nonneg; lia).
  lia.
Qed.

Lemma land_le_r : forall x y, 0 <= x -> 0 <= y -> Z.land x y <= y.
Proof. intros; rewrite Z.land_comm; apply land_le_l; auto. Qed.

(* turn boolean comparisons into arithmetic facts *)
Ltac arith_hyps :=
  cbn [holds eval] in *;
  unfold is_word, side_le, side_nowrap, side_bitle, op_add in *;
  repeat match goal with
  | H : _ && _ = true |- _ => apply andb_true_iff in H; destruct H
  | H : negb _ = true |- _ => apply negb_true_iff in H
  | H : (_ <=? _) = true |- _ => apply Z.leb_le in H
  | H : (_ <? _) = true |- _ => apply Z.ltb_lt in H
  | H : (_ <=? _) = false |- _ => apply Z.leb_gt in H
  | H : (_ <? _) = false |- _ => apply Z.ltb_ge in H
  | H : (_ =? _) = true |- _ => apply Z.eqb_eq in H
  | H : (_ =? _) = false |- _ => apply Z.eqb_neq in H
  | |- (_ <=? _) = true => apply Z.leb_le
  | |- (_ <? _) = true => apply Z.ltb_lt
  | |- _ && _ = true => apply andb_true_iff; split
  end.

Ltac ranges :=
  repeat match goal with
  | |- context [eval ?e ?t] =>
      lazymatch goal with
      | H : 0 <= eval e t < 2 ^ 64 |- _ => fail
      | _ => pose proof (eval_range e t)
      end
  end.

Ltac bools ev :=
  intros; cbn [holds] in *;
  repeat match goal with
  | H : context [holds ev ?x] |- _ => destruct (holds ev x)
  | |- context [holds ev ?x] => destruct (holds ev x)
  end; simpl in *; congruence.

Lemma rule_false_e : sig_false_e.   Proof. red; intros; discriminate. Qed.
Lemma rule_not_e : sig_not_e.       Proof. red; intros ev; bools ev. Qed.
Lemma rule_not_i : sig_not_i.       Proof. red; intros ev; bools ev. Qed.
Lemma rule_or_il : sig_or_il.       Proof. red; intros ev; bools ev. Qed.
Lemma rule_or_ir : sig_or_ir.       Proof. red; intros ev; bools ev. Qed.
Lemma rule_or_e : sig_or_e.         Proof. red; intros ev; bools ev. Qed.
Lemma rule_em : sig_em.             Proof. red; intros ev; bools ev. Qed.

Lemma rule_eq_sym : sig_eq_sym.
Proof. red; intros; arith_hyps; apply Z.eqb_eq; lia. Qed.
Lemma rule_eq_ule : sig_eq_ule.
Proof. red; intros; arith_hyps; lia. Qed.
Lemma rule_ult_ule : sig_ult_ule.
Proof. red; intros; arith_hyps; lia. Qed.
Lemma rule_nult : sig_nult.
Proof. red; intros; arith_hyps; lia. Qed.
Lemma rule_nule : sig_nule.
Proof. red; intros; arith_hyps; lia. Qed.
Lemma rule_ult_succ : sig_ult_succ.
Proof.
  red; intros; arith_hyps; ranges.
  rewrite (wrap_small 1) by lia. rewrite wrap_small by lia. lia.
Qed.
Lemma rule_ule_trans : sig_ule_trans.
Proof. red; intros; arith_hyps; lia. Qed.
Lemma rule_ult_trans : sig_ult_trans.
Proof. red; intros; arith_hyps; lia. Qed.
Lemma rule_nz_ult : sig_nz_ult.
Proof. red; intros; arith_hyps; ranges. rewrite (wrap_small 0) in * by lia. lia. Qed.

Lemma rule_bits_ule : sig_bits_ule.
Proof.
  red; intros; arith_hyps. pose proof (bitmax_sound ev a).
  pose proof (bits_range a). pose proof (pow2_le (bits a) 64).
  rewrite wrap_small; unfold bitmax in *; lia.
Qed.
Lemma rule_bits_k : sig_bits_k.
Proof.
  red; intros; arith_hyps. pose proof (bitmax_sound ev a).
  rewrite wrap_small by lia. lia.
Qed.

Lemma rule_and_ule_l : sig_and_ule_l.
Proof. red; intros; arith_hyps; ranges; apply land_le_l; lia. Qed.
Lemma rule_and_ule_r : sig_and_ule_r.
Proof. red; intros; arith_hyps; ranges; apply land_le_r; lia. Qed.

Lemma rule_shr_ule : sig_shr_ule.
Proof.
  red; intros; arith_hyps; ranges. unfold op_shr.
  pose proof (Z.mod_pos_bound (eval ev b) 64 ltac:(lia)).
  rewrite Z.shiftr_div_pow2 by lia.
  pose proof (pow2_pos (eval ev b mod 64) ltac:(lia)).
  apply Z.div_le_upper_bound; nia.
Qed.

Lemma rule_addk : sig_addk.
Proof.
  red; intros; arith_hyps; ranges. pose proof (bitmax_sound ev a).
  rewrite (wrap_small k1), (wrap_small k2) by lia.
  rewrite (wrap_small (eval ev a + k1)), (wrap_small (eval ev a + k2)) by lia. lia.
Qed.

Lemma rule_addk_mono : sig_addk_mono.
Proof.
  red; intros; arith_hyps; ranges. pose proof (bitmax_sound ev b).
  rewrite (wrap_small k) by lia.
  rewrite (wrap_small (eval ev a + k)), (wrap_small (eval ev b + k)) by lia. lia.
Qed.

Lemma rule_and_addk : sig_and_addk.
Proof.
  red; intros; arith_hyps; ranges. pose proof (bitmax_sound ev a).
  pose proof (land_le_l (eval ev a) (eval ev b) ltac:(lia) ltac:(lia)).
  pose proof (Z.land_nonneg (eval ev a) (eval ev b)).
  rewrite (wrap_small k1), (wrap_small k2) by lia.
  rewrite (wrap_small (Z.land (eval ev a) (eval ev b) + k1)), (wrap_small (eval ev a + k2)) by lia.
  lia.
Qed.

Lemma rule_inb_i : sig_inb_i.
Proof.
  red; intros; cbn [holds eval] in *. unfold op_add, side_nowrap, is_word in *.
  apply Z.leb_le in H1. pose proof (eval_range ev o); pose proof (eval_range ev l).
  pose proof (bitmax_sound ev o).
  rewrite (wrap_small n) in * by lia.
  rewrite (wrap_small (eval ev o + n)) in * by lia.
  apply andb_true_iff; split; apply Z.leb_le; lia.
Qed.

(* Every constant of the signature is sound. *)
Theorem all_rules_sound : all_rules.
Proof.
  repeat split; red.
  all: first [ apply rule_false_e | apply rule_not_e | apply rule_not_i | apply rule_or_il
             | apply rule_or_ir | apply rule_or_e | apply rule_em | apply rule_eq_sym
             | apply rule_eq_ule | apply rule_ult_ule | apply rule_nult | apply rule_nule
             | apply rule_ult_succ | apply rule_ule_trans | apply rule_ult_trans
             | apply rule_nz_ult | apply rule_bits_ule | apply rule_bits_k
             | apply rule_and_ule_l | apply rule_and_ule_r | apply rule_shr_ule
             | apply rule_addk | apply rule_addk_mono | apply rule_and_addk
             | apply rule_inb_i ].
Qed.

(* A derivation from the checker's node kinds and the rules proves its
   proposition in every environment that satisfies its hypotheses; a
   closed one (a checked VC) holds in every environment. *)
Theorem deriv_sound : forall G P, deriv G P ->
  forall ev, Forall (fun Q => holds ev Q = true) G -> holds ev P = true.
Proof. apply deriv_sound_of, all_crules_of_all_rules, all_rules_sound. Qed.

Corollary vc_sound : forall P, deriv nil P -> forall ev, holds ev P = true.
Proof. intros P D ev; apply (deriv_sound nil P D ev); constructor. Qed.

(* The shallow forms the exported certificates use (coq/Export.v). *)
Definition all_crules_sound : all_crules :=
  all_crules_of_all_rules all_rules_sound.
