(* Export.v - the lemmas exported certificates are built from: one per
   node kind of the proof checker (check.h), in the shallow form
   "holds ev P = true".  HYP is a Coq variable, LET a Coq let, ASC needs
   nothing; a RULE node is csig_of_sig_NAME rule_NAME applied to the
   environment, the rule's metavariables, eq_refl for each side condition
   (Coq computes it), and the premises' proofs.  These are the cases of
   deriv_sound (Rules.v), stated for a fixed environment. *)

From Coq Require Import ZArith Bool.
From Pccf Require Import Sem Rewrite Sig Rules.

Lemma impi : forall ev A B, (holds ev A = true -> holds ev B = true) ->
  holds ev (IMP A B) = true.
Proof. intros ev A B H; simpl; destruct (holds ev A); simpl; auto. Qed.

Lemma impe : forall ev A B, holds ev (IMP A B) = true -> holds ev A = true ->
  holds ev B = true.
Proof. intros ev A B H HA; simpl in H; rewrite HA in H; exact H. Qed.

Lemma andi : forall ev A B, holds ev A = true -> holds ev B = true ->
  holds ev (PAND A B) = true.
Proof. intros ev A B HA HB; simpl; rewrite HA, HB; reflexivity. Qed.

Lemma andl : forall ev A B, holds ev (PAND A B) = true -> holds ev A = true.
Proof. intros ev A B H; simpl in H; apply andb_true_iff in H; apply H. Qed.

Lemma andr : forall ev A B, holds ev (PAND A B) = true -> holds ev B = true.
Proof. intros ev A B H; simpl in H; apply andb_true_iff in H; apply H. Qed.

Lemma truei : forall ev, holds ev TRUE = true.
Proof. reflexivity. Qed.
