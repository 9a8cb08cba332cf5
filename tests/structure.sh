#!/bin/sh
# The house rules of the source tree (docs/ARCHITECTURE.md), checked on the
# sources and on the built objects:
#  1. the core (src/*.[ch]) includes no curses header, nothing of ui/ and
#     nothing of the CLI (src/cli/); ui/ includes nothing of the CLI;
#  2. no two core object files call each other, and no two CLI object files:
#     a call is an undefined symbol of one object defined by the other (nm), a
#     public function named in the other's code (comments and strings left
#     out), or a hook: a file stores one of its own functions in a struct
#     field (x.f = fn, x->f = fn, .f = fn) that another file calls through
#     (x->f(...)). A function passed as an argument for the length of one call
#     (a visitor, a diagnostics sink) is not a dependency; one kept as a hook is;
#  3. the core calls nothing of the CLI or ui/ (nm);
#  4. no source file (src/, ui/, tests/, scripts/: *.c, *.h, *.sh, *.py, *.mk)
#     is over 800 lines.
#
#   sh tests/structure.sh [BUILD]     # objects from BUILD/obj (default build)
#   sh tests/structure.sh --self-test # the checks find planted faults
# Run from the repo root after `make` (make test runs it as `make structure`).
set -u
export LC_ALL=C
MAX_LINES=800

# ---- the checks, on a tree R (src/, src/cli/, ui/) and its objects O ----

# Violations go to $V (one per line); info to stdout.
includes() { # R
    R=$1
    uih=$(cd "$R/ui" 2>/dev/null && ls *.h 2>/dev/null)
    clih=$(cd "$R/src/cli" 2>/dev/null && ls *.h 2>/dev/null)
    for f in "$R"/src/*.c "$R"/src/*.h "$R"/ui/*.c "$R"/ui/*.h; do
        [ -f "$f" ] || continue
        case $f in "$R"/ui/*) layer=ui ;; *) layer=core ;; esac
        grep -n '^[[:space:]]*#[[:space:]]*include' "$f" |
        sed -E 's/^([0-9]+):.*include[[:space:]]*[<"]([^>"]*)[>"].*/\1 \2/' |
        while read -r ln hdr; do
            rel=${f#"$R"/}
            base=${hdr##*/}
            bad=""
            if [ $layer = core ]; then
                case $hdr in
                curses.h|ncurses.h|ncursesw/*|ncurses/*|term.h|termcap.h|panel.h|menu.h|form.h|cursesw.h)
                    bad="a curses header" ;;
                ui/*|*/ui/*) bad="a ui/ header" ;;
                esac
                for h in $uih; do [ "$base" = "$h" ] && bad="a ui/ header"; done
            fi
            case $hdr in cli/*|*/cli/*) bad="a CLI header" ;; esac
            for h in $clih; do [ "$base" = "$h" ] && bad="a CLI header"; done
            [ -n "$bad" ] && echo "$rel:$ln: the $layer includes $bad: $hdr"
        done
    done >> "$V"
}

# "SYMBOL FILE" lines: what each object of directory $1 defines / needs.
symbols() { # objdir tmpprefix
    : > "$2.def"; : > "$2.und"; : > "$2.fn"
    for o in "$1"/*.o; do
        [ -f "$o" ] || continue
        b=$(basename "$o" .o)
        nm "$o" > "$2.nm" || { echo "nm $o failed" >> "$V"; continue; }
        awk -v f="$b" '$2 ~ /^[TDBRCV]$/ {print $3, f}' "$2.nm" >> "$2.def"
        awk -v f="$b" '$1 == "U" {print $2, f}' "$2.nm" >> "$2.und"
        # every function of the file, static ones too (foo.constprop.0 -> foo)
        awk -v f="$b" '$2 ~ /^[tT]$/ {sub(/\..*/, "", $3); print $3, f}' "$2.nm" >> "$2.fn"
    done
    sort -u -o "$2.def" "$2.def"; sort -u -o "$2.und" "$2.und"; sort -u -o "$2.fn" "$2.fn"
}

# The code of a source file without comments and string literals.
code_of() {
    ${CC:-cc} -fpreprocessed -dD -E -P "$1" 2>/dev/null |
        sed -E 's/"([^"\\]|\\.)*"/""/g; s/'"'"'([^'"'"'\\]|\\.)*'"'"'/0/g'
}

# Caller-callee edges "A B WHY" among the files of srcdir/objdir.
edges() { # srcdir objdir tmpprefix
    ES=$1; ET=$3
    symbols "$2" "$ET"
    # nm: A needs a symbol B defines
    join "$ET.und" "$ET.def" | awk '$2 != $3 {print $2, $3, $1}' > "$ET.edges"
    : > "$ET.hooks"
    for c in "$ES"/*.c; do
        [ -f "$c" ] || continue
        a=$(basename "$c" .c)
        code_of "$c" > "$ET.code"
        # public functions of other files named in A's code
        grep -oE '[A-Za-z_][A-Za-z0-9_]*' "$ET.code" | sort -u | join - "$ET.def" |
            awk -v a="$a" '$2 != a {print a, $2, $1 " (named in the code)"}' >> "$ET.edges"
        # A's own functions stored as hooks: "FIELD A FUNCTION"
        grep -oE '(\.|->)[A-Za-z_][A-Za-z0-9_]*[[:space:]]*=[[:space:]]*[A-Za-z_][A-Za-z0-9_]*[[:space:]]*[;,}]' "$ET.code" |
            sed -E 's/^(\.|->)([A-Za-z0-9_]+)[[:space:]]*=[[:space:]]*([A-Za-z0-9_]+).*/\3 \2/' | sort -u |
            join - "$ET.fn" | awk -v a="$a" '$3 == a {print $2, a, $1}' >> "$ET.hooks"
    done
    # B calls through a hook field that A filled: B -> A
    while read -r field a fn; do
        for c in "$ES"/*.c; do
            b=$(basename "$c" .c)
            [ "$b" = "$a" ] && continue
            if code_of "$c" | grep -qE "(\\.|->)$field[[:space:]]*\\("; then
                echo "$b $a hook $field = $fn" >> "$ET.edges"
            fi
        done
    done < "$ET.hooks"
    sort -u -o "$ET.edges" "$ET.edges"
}

# Pairs of files that call each other, from "A B WHY" edges.
circles() { # edges label
    awk -v label="$2" '
        { why = $3; for (i = 4; i <= NF; i++) why = why " " $i
          if (!(($1 SUBSEP $2) in e)) e[$1, $2] = why }
        END { for (k in e) { split(k, p, SUBSEP)
                  if (p[1] < p[2] && ((p[2], p[1]) in e))
                      printf "%s: %s <-> %s (%s -> %s: %s; %s -> %s: %s)\n", label, p[1], p[2],
                             p[1], p[2], e[p[1], p[2]], p[2], p[1], e[p[2], p[1]] } }' "$1" | sort >> "$V"
}

# The core needs nothing the CLI or ui/ defines.
core_uses_front() { # tmpcore tmpfront label
    join "$1.und" "$2.def" | awk -v l="$3" '{print "the core calls the " l ": " $2 " uses " $1 " (" $3 ")"}' >> "$V"
}

long_files() { # R
    (cd "$1" && find src ui tests scripts -type f \( -name '*.c' -o -name '*.h' -o -name '*.sh' \
        -o -name '*.py' -o -name '*.mk' \) ! -path 'tests/fixtures/*' 2>/dev/null | sort |
        while read -r f; do
            n=$(wc -l < "$f")
            [ "$n" -gt $MAX_LINES ] && echo "$f: $n lines (more than $MAX_LINES)"
        done) >> "$V"
}

check() { # R O -> fills $V, prints a summary
    R=$1; O=$2
    W=$(mktemp -d); : > "$V"
    includes "$R"
    edges "$R/src" "$O/src" "$W/core"
    circles "$W/core.edges" core
    if [ -d "$R/src/cli" ]; then
        edges "$R/src/cli" "$O/src/cli" "$W/cli"
        circles "$W/cli.edges" cli
        core_uses_front "$W/core" "$W/cli" CLI
    fi
    if [ -d "$O/ui" ]; then
        symbols "$O/ui" "$W/ui"
        core_uses_front "$W/core" "$W/ui" "console (ui/)"
    fi
    long_files "$R"
    ncore=$(ls "$O"/src/*.o 2>/dev/null | wc -l)
    ncli=$(ls "$O"/src/cli/*.o 2>/dev/null | wc -l)
    necore=$(cut -d' ' -f1,2 "$W/core.edges" | sort -u | wc -l)
    nhook=$(grep -c ' hook ' "$W/core.edges")
    biggest=$(cd "$R" && find src ui tests scripts -type f \( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name '*.py' \) \
        ! -path 'tests/fixtures/*' 2>/dev/null | xargs wc -l | grep -v ' total$' | sort -n | tail -n 1)
    echo "structure: core: $ncore objects, $necore calling pairs ($nhook through hooks); cli: $ncli objects; largest source file:$biggest"
    rm -rf "$W"
}

# ---- self-test: each kind of fault, planted in a small tree, is found ----

self_test() {
    ST=$(mktemp -d); V=$ST/violations
    mkdir -p "$ST/src/cli" "$ST/ui" "$ST/obj/src/cli" "$ST/obj/ui" "$ST/tests" "$ST/scripts"
    cat > "$ST/src/a.c" <<'EOF'
#include "b.h"
#include <curses.h>
void b_fn(void);
void a_fn(void) { b_fn(); }
EOF
    cat > "$ST/src/b.c" <<'EOF'
#include "../ui/view.h"
void a_fn(void);
void b_fn(void) { a_fn(); }
EOF
    cat > "$ST/src/store.c" <<'EOF'
struct st { void (*on_step)(void *); void *ctx; };
void store_run(struct st *s) { if (s->on_step) s->on_step(s->ctx); }
EOF
    cat > "$ST/src/sess.c" <<'EOF'
struct st { void (*on_step)(void *); void *ctx; };
void store_run(struct st *s);
static void step(void *ctx) { (void)ctx; }
void sess_open(struct st *s) { s->on_step = step; store_run(s); }
EOF
    cat > "$ST/src/fine.c" <<'EOF'
/* b_fn is only named in this comment, and "a_fn" in a string */
const char *fine_name(void) { return "a_fn"; }
EOF
    cat > "$ST/src/c.c" <<'EOF'
#include "cli.h"
void cli_fn(void);
void c_fn(void) { cli_fn(); }
EOF
    cat > "$ST/src/cli/cli.h" <<'EOF'
void cli_fn(void);
EOF
    cat > "$ST/src/cli/main.c" <<'EOF'
void sub_fn(void);
void cli_fn(void) { sub_fn(); }
int main(void) { cli_fn(); return 0; }
EOF
    cat > "$ST/src/cli/sub.c" <<'EOF'
void cli_fn(void);
void sub_fn(void) { cli_fn(); }
EOF
    cat > "$ST/ui/view.h" <<'EOF'
void view_fn(void);
EOF
    cat > "$ST/ui/view.c" <<'EOF'
#include "cli.h"
void view_fn(void) {}
EOF
    awk 'BEGIN { for (i = 0; i < 801; i++) print "#"; }' > "$ST/scripts/long.sh"
    for c in "$ST"/src/*.c "$ST"/src/cli/*.c "$ST"/ui/*.c; do
        rel=${c#"$ST"/}
        sed 's/^#include.*//' "$c" > "$ST/tmp.c"
        ${CC:-cc} -w -O0 -c "$ST/tmp.c" -o "$ST/obj/${rel%.c}.o" || exit 1
    done
    check "$ST" "$ST/obj" > /dev/null
    sed -E 's/ \(.*//' "$V" | sort > "$ST/got"
    cat > "$ST/want" <<'EOF'
cli: main <-> sub
core: a <-> b
core: sess <-> store
scripts/long.sh: 801 lines
src/a.c:2: the core includes a curses header: curses.h
src/b.c:1: the core includes a ui/ header: ../ui/view.h
src/c.c:1: the core includes a CLI header: cli.h
the core calls the CLI: c uses cli_fn
ui/view.c:1: the ui includes a CLI header: cli.h
EOF
    sort -o "$ST/want" "$ST/want"
    if diff -u "$ST/want" "$ST/got"; then
        echo "structure: self-test ok: $(wc -l < "$ST/want") planted faults found, nothing else"
        rm -rf "$ST"
    else
        echo "structure: self-test FAILED (tree in $ST)" >&2
        exit 1
    fi
}

if [ "${1:-}" = --self-test ]; then
    self_test
    exit 0
fi
B=${1:-build}
[ -d "$B/obj/src" ] || { echo "structure: no objects in $B/obj/src (run make first)" >&2; exit 2; }
V=$(mktemp)
check . "$B/obj"
if [ -s "$V" ]; then
    sed 's/^/structure: FAIL: /' "$V" >&2
    rm -f "$V"
    exit 1
fi
rm -f "$V"
echo "structure: ok: the core includes no curses, ui/ or CLI header and calls nothing of them; no two core files and no two CLI files call each other; no source file over $MAX_LINES lines"
