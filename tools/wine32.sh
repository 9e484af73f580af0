#!/usr/bin/env bash
# tools/wine32.sh -- installs 32-bit Wine (wine32:i386) without ever removing
# a package and without putting the two architectures out of step.  Called by
# tools/deps.sh only where the kernel runs 32-bit programs.  Prints "deps:"
# lines; the last one says "wine32 installed", "wine32 present" or
# "SKIPPED: wine32: REASON".  Exit status 0 unless the 64-bit Wine that worked
# before no longer works (then 1: that must never happen silently).
#
# Why this is not just `apt-get install wine32:i386`: Multi-Arch: same
# libraries must have the same version on amd64 and i386.  When an index of
# one architecture cannot be read (observed: bookworm-security's i386
# Packages.xz "has unexpected size"), the i386 candidates come from another
# suite than the installed amd64 libraries and apt "solves" that by removing
# wine64, libwine and libwine-dev.  So:
#   1. every plan is simulated first (apt-get -s); a plan that removes any
#      package is never run (the real run also passes --no-remove);
#   2. plans tried in order: plain; then pinned (-t) to the base suite, whose
#      index both architectures could read; each time a Multi-Arch: same
#      library clashes, both architectures are asked for the one version the
#      i386 index offers (PKG:amd64=V PKG:i386=V; a downgrade only for such a
#      library, and said so);
#   3. afterwards 64-bit `wine` must still run a program and a 32-bit program
#      must run; otherwise everything this script changed is undone (new
#      packages purged, changed versions put back where apt still has them)
#      and the 32-bit tests are SKIPPED with the reason.
set -uo pipefail
export LC_ALL=C

log() { echo "deps: wine32: $*"; }
SUDO=
[ "$(id -u)" = 0 ] || { command -v sudo >/dev/null 2>&1 && SUDO=sudo; }
APT=($SUDO apt-get -o DPkg::Lock::Timeout=900 -q)
export DEBIAN_FRONTEND=noninteractive
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# Debian's wineserver keeps its socket directory in $TMPDIR/wine-XXXXXX and
# leaves it behind: keep it inside $WORK, which goes at exit.
export TMPDIR="$WORK"

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

# ---- can this machine run a program under 64-bit and 32-bit Wine? -----------
# One throwaway prefix; tiny programs built with MinGW (deps.sh installed it).
PROGS_OK=0
build_probes() {
    printf '#include <stdio.h>\nint main(void){puts("wine-probe-ok");return 0;}\n' > "$WORK/p.c"
    x86_64-w64-mingw32-gcc -o "$WORK/p64.exe" "$WORK/p.c" 2>/dev/null &&
        i686-w64-mingw32-gcc -o "$WORK/p32.exe" "$WORK/p.c" 2>/dev/null && PROGS_OK=1
}
probe() { # probe 64|32 -> 0 when the program printed its line under `wine`
    local pfx="$WORK/prefix" out
    [ $PROGS_OK = 1 ] || return 1
    out=$(WINEPREFIX="$pfx" WINEDEBUG=-all DISPLAY= WINEDLLOVERRIDES="mscoree,mshtml=" \
          timeout -k 5 240 wine "$WORK/p$1.exe" 2>"$WORK/probe$1.err" | tr -d '\r')
    WINEPREFIX="$pfx" timeout 30 wineserver -k >/dev/null 2>&1
    WINEPREFIX="$pfx" timeout 30 wineserver -w >/dev/null 2>&1
    [ "$out" = wine-probe-ok ]
}
probe_reason() { tail -2 "$WORK/probe$1.err" 2>/dev/null | tr '\n' ' ' | cut -c1-200; }

build_probes || log "MinGW could not build the probe programs; the after-checks will fail"

if installed wine32:i386; then
    if probe 32; then log "wine32 present (a 32-bit program runs)"; else
        log "SKIPPED: wine32: wine32:i386 is installed but a 32-bit program does not run: $(probe_reason 32)"; fi
    exit 0
fi

WINE64_BEFORE=0
probe 64 && WINE64_BEFORE=1
[ $WINE64_BEFORE = 1 ] || log "note: 64-bit wine did not run the probe even before installing: $(probe_reason 64)"

# ---- state to undo ---------------------------------------------------------------
dpkg-query -W -f='${binary:Package}\t${Version}\t${db:Status-Abbrev}\n' | awk -F'\t' '$3 ~ /^ii/ {print $1 "\t" $2}' | sort > "$WORK/before"
ADDED_ARCH=0
if ! dpkg --print-foreign-architectures | grep -qx i386; then
    $SUDO dpkg --add-architecture i386 && ADDED_ARCH=1
fi
# An index that cannot be read is reported, not fatal: the plans below only use
# what apt could read and are checked before anything is installed.
"${APT[@]}" update > "$WORK/update.log" 2>&1 ||
    log "apt-get update reported errors: $(grep -E '^E: ' "$WORK/update.log" | head -2 | cut -c1-160 | tr '\n' ' ')"

# ---- plan ------------------------------------------------------------------------
CODENAME=$(. /etc/os-release 2>/dev/null; echo "${VERSION_CODENAME:-}")
# i386 candidate version of PKG under the plan's pin (empty if none)
cand386() { apt-cache "${PIN[@]}" policy "$1:i386" 2>/dev/null | awk '/Candidate:/ {print $2; exit}'; }
has_amd64_version() { apt-cache madison "$1" 2>/dev/null | awk -F'|' -v v="$2" '{gsub(/ /,"",$2)} $2==v && /amd64/ {f=1} END {exit !f}'; }

simulate() { "${APT[@]}" -s "${PIN[@]}" install --no-install-recommends wine32:i386 "${EXTRA[@]}" > "$WORK/sim" 2>&1; }

plan() { # plan -> 0 with a removal-free simulation in $WORK/sim; uses PIN, fills EXTRA
    EXTRA=()
    local round pkgs p v new
    for round in $(seq 1 25); do
        simulate && ! grep -q '^Remv ' "$WORK/sim" && return 0
        # libraries that clash between the architectures: unmet i386 deps, and
        # amd64 packages the plan would remove while installing their :i386 twin
        pkgs=$( { grep -oE 'Depends: [^ :]+:i386' "$WORK/sim" | sed 's/Depends: //; s/:i386$//'
                  grep -oE '^Remv [^ :]+' "$WORK/sim" | cut -d' ' -f2 |
                      while read -r p; do grep -qE "^Inst $p:i386 " "$WORK/sim" && echo "$p"; done; } | sort -u)
        new=0
        for p in $pkgs; do
            printf '%s\n' "${EXTRA[@]}" | grep -qx "$p:i386=.*" && continue
            v=$(cand386 "$p")
            [ -n "$v" ] && [ "$v" != "(none)" ] || continue
            EXTRA+=("$p:i386=$v"); new=1
            if installed "$p:amd64" && [ "$(dpkg-query -W -f='${Version}' "$p:amd64")" != "$v" ]; then
                has_amd64_version "$p" "$v" || { log "no amd64 $p $v to match the i386 one"; return 1; }
                EXTRA+=("$p:amd64=$v")
            fi
        done
        [ $new = 1 ] || return 1
    done
    return 1
}

PLAN_OK=0
for mode in plain pinned; do
    PIN=()
    if [ $mode = pinned ]; then
        [ -n "$CODENAME" ] || break
        PIN=(-t "$CODENAME")
    fi
    if plan; then PLAN_OK=1; break; fi
    log "plan '$mode' not usable: $(grep -E '^(E:| .*: Depends)|^Remv' "$WORK/sim" | head -3 | cut -c1-140 | tr '\n' ' ')"
done

undo_arch() { [ $ADDED_ARCH = 1 ] && ! dpkg-query -W -f='${Architecture}\n' 2>/dev/null | grep -qx i386 && $SUDO dpkg --remove-architecture i386; return 0; }

if [ $PLAN_OK = 0 ]; then
    undo_arch
    log "SKIPPED: wine32: no plan installs wine32:i386 without removing packages (see apt-get -s install wine32:i386)"
    exit 0
fi
# downgrades only of the libraries we matched on purpose
DOWN=$(awk '/will be DOWNGRADED/ {f=1; next} /^[^ ]/ {f=0} f' "$WORK/sim" | tr ' ' '\n' | grep -v '^$' || true)
for p in $DOWN; do
    printf '%s\n' "${EXTRA[@]}" | grep -q "^${p%%:*}:amd64=" ||
        { undo_arch; log "SKIPPED: wine32: the plan would downgrade $p, which was not asked for"; exit 0; }
    log "amd64 $p goes to $(printf '%s\n' "${EXTRA[@]}" | grep "^${p%%:*}:amd64=" | cut -d= -f2), the only version both architectures' indexes offer"
done
log "installing: apt-get install --no-install-recommends --no-remove ${PIN[*]} wine32:i386 ${EXTRA[*]}"
log "plan: $(grep -E '^[0-9]+ upgraded' "$WORK/sim")"
# WINE32_PLAN_ONLY=1: stop here (shows what would run)
[ "${WINE32_PLAN_ONLY:-}" = 1 ] && { undo_arch; exit 0; }
"${APT[@]}" install -y --no-install-recommends --no-remove --allow-downgrades "${PIN[@]}" wine32:i386 "${EXTRA[@]}" \
    > "$WORK/install.log" 2>&1
RC=$?

# ---- check, or undo ----------------------------------------------------------------
rm -rf "$WORK/prefix"    # a prefix made before wine32 existed has no 32-bit half
W64=0; W32=0
probe 64 && W64=1
probe 32 && W32=1
if [ $RC = 0 ] && [ $W32 = 1 ] && { [ $W64 = 1 ] || [ $WINE64_BEFORE = 0 ]; }; then
    log "wine32 installed (64-bit and 32-bit programs run)"
    exit 0
fi
WHY="apt-get install exited $RC: $(grep -E '^E: ' "$WORK/install.log" | head -1)"
[ $RC = 0 ] && WHY="after installing, 64-bit probe=$W64 32-bit probe=$W32: $(probe_reason 32) $(probe_reason 64)"
log "undoing: $WHY"
dpkg-query -W -f='${binary:Package}\t${Version}\t${db:Status-Abbrev}\n' | awk -F'\t' '$3 ~ /^ii/ {print $1 "\t" $2}' | sort > "$WORK/after"
NEW=$(join -v1 -t$'\t' "$WORK/after" "$WORK/before" | cut -f1)
if [ -n "$NEW" ]; then
    # purge exactly the packages this run added, nothing else
    "${APT[@]}" -s purge $NEW > "$WORK/undo.sim" 2>&1
    if [ -z "$(grep -E '^(Purg|Remv) ' "$WORK/undo.sim" | awk '{print $2}' | sort | comm -23 - <(printf '%s\n' $NEW | sed 's/:amd64$//' | sort))" ]; then
        "${APT[@]}" purge -y $NEW > "$WORK/undo.log" 2>&1 || log "purge failed: $(tail -1 "$WORK/undo.log")"
    else
        log "not purging (would remove more than what this run added)"
    fi
fi
# versions this run changed, back to the old ones that apt still offers
BACK=""; GONE=""
for pv in $(join -t$'\t' "$WORK/before" "$WORK/after" | awk -F'\t' '$2 != $3 {print $1 "=" $2}'); do
    if [ -n "$(apt-cache show "$pv" 2>/dev/null)" ]; then BACK="$BACK $pv"; else GONE="$GONE $pv"; fi
done
[ -z "$GONE" ] || log "left at their new versions (old ones no longer offered):$(echo $GONE | cut -c1-300)"
if [ -n "$BACK" ]; then
    "${APT[@]}" -s install --allow-downgrades $BACK > "$WORK/back.sim" 2>&1 && ! grep -q '^Remv ' "$WORK/back.sim" &&
        "${APT[@]}" install -y --no-remove --allow-downgrades $BACK > "$WORK/back.log" 2>&1 ||
        log "could not put back:$(echo $BACK | cut -c1-300)"
fi
undo_arch
rm -rf "$WORK/prefix"
if [ $WINE64_BEFORE = 1 ] && ! probe 64; then
    log "ERROR: 64-bit wine no longer runs a program after undoing: $(probe_reason 64)"
    log "SKIPPED: wine32: $WHY"
    exit 1
fi
log "SKIPPED: wine32: $WHY"
exit 0
