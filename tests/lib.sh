# lib.sh - helpers shared by the shell suites (sourced, not run).
# Each records one result; the suite prints "$npass passed, $nfail failed".

npass=0
nfail=0

# ok DESC / bad DESC - record one result.
ok() { npass=$((npass + 1)); echo "ok   $1"; }
bad() { nfail=$((nfail + 1)); echo "FAIL $1"; }

# expect DESC STATUS CMD... - CMD exits with STATUS; output in out/err.
expect() {
	desc=$1 want=$2
	shift 2
	"$@" >out 2>err
	got=$?
	if [ "$got" -eq "$want" ]; then
		ok "$desc"
	else
		bad "$desc (exit $got, wanted $want)"
		sed 's/^/     | /' err | head -5
	fi
}

# has DESC FILE PATTERN - FILE contains a line matching PATTERN.
has() {
	if grep -q -- "$3" "$2"; then ok "$1"; else
		bad "$1 ('$3' not in $2)"
		sed 's/^/     | /' "$2" | head -5
	fi
}

# same DESC A B - files A and B are byte-identical.
same() {
	if cmp -s "$2" "$3"; then ok "$1"; else bad "$1 ($2 and $3 differ)"; fi
}
