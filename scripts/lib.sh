# Helpers for scripts/test (sourced, not run). Bash, `set -Eeuo pipefail` in the caller.

CARGO_FUZZ_VERSION=0.13.2
PASSED=0 FAILED=0 SKIPPED=0
RESULTS=()

have() { command -v "$1" >/dev/null 2>&1; }

# (grep without -q: with pipefail, -q can SIGPIPE the writer and fail the pipeline.)
has_nightly() { rustup toolchain list | grep '^nightly' >/dev/null; }

# Fail the current layer with a message.
fail() { echo "!! $*" >&2; return 1; }

# `step CMD…`: run a command the rest of the layer depends on; its failure ends the layer.
# (CMD runs in `||` context, where errexit is off: a function given to `step` must not rely on
# errexit. `check` has no such limit.)
step() {
  local t=$SECONDS rc=0
  echo "--- $*"
  "$@" || rc=$?
  if ((rc != 0)); then
    echo "!!  FAILED with exit $rc ($((SECONDS - t)) s): $*"
    return "$rc"
  fi
  echo "    ok ($((SECONDS - t)) s)"
}

# `check CMD…`: run an independent check; the layer goes on and fails at `checks_passed`.
CHECK_FAILS=()
check() {
  local t=$SECONDS rc
  echo "--- $*"
  set +e
  (set -e; "$@")
  rc=$?
  set -e
  if ((rc == 0)); then
    echo "    ok ($((SECONDS - t)) s)"
  else
    echo "!!  FAILED with exit $rc ($((SECONDS - t)) s): $*"
    CHECK_FAILS+=("$*")
  fi
}
checks_passed() {
  ((${#CHECK_FAILS[@]} == 0)) && return 0
  printf '!!  failed check: %s\n' "${CHECK_FAILS[@]}"
  return 1
}

# `in_dir DIR CMD…`: run a command in another directory (in a subshell: the cwd stays).
in_dir() {
  local d=$1
  shift
  (cd "$d" || exit; "$@")
}

# `run_layer NAME FUNCTION`: run a layer in a subshell with errexit (a failing command ends it),
# time it and count it. `CI_SKIP="name …"` skips it. Not `( … ) || rc=$?`: that would switch
# errexit off inside the layer, hence the set +e / set -e dance.
run_layer() {
  local name=$1 fn=$2 t=$SECONDS rc
  if [[ " ${CI_SKIP:-} " == *" $name "* ]]; then
    echo
    echo "=== $name: skipped (CI_SKIP)"
    SKIPPED=$((SKIPPED + 1))
    RESULTS+=("skip  $name")
    return 0
  fi
  echo
  echo "================================ $name ================================"
  set +e
  (
    set -e
    "$fn"
  )
  rc=$?
  set -e
  t=$((SECONDS - t))
  if ((rc == 0)); then
    PASSED=$((PASSED + 1))
    RESULTS+=("PASS  $name  ${t} s")
    echo "=== $name: PASS (${t} s)"
  else
    FAILED=$((FAILED + 1))
    RESULTS+=("FAIL  $name  ${t} s")
    echo "=== $name: FAIL (exit $rc, ${t} s)"
  fi
}

summary() {
  echo
  echo "================================ summary ================================"
  printf '%s\n' "${RESULTS[@]}"
  echo "total $1 s"
  if ((SKIPPED)); then
    echo "ci: $PASSED passed, $FAILED failed, $SKIPPED skipped"
  else
    echo "ci: $PASSED passed, $FAILED failed"
  fi
  ((FAILED == 0))
}

# `cargo install`, trying --locked first: wasm-bindgen-cli's lockfile names a webpki-roots the
# reachable registry index does not have, so it only installs unlocked.
cargo_install() { cargo install --locked "$@" || cargo install "$@"; }

# The version of a package in a Cargo.lock.
lock_version() {
  awk -v name="$2" '$1 == "name" && $3 == "\"" name "\"" { getline; gsub(/"/, "", $3); print $3; exit }' "$1"
}

# Stamp files: `stamped STAMP FILE` is true when STAMP holds FILE's current hash.
stamped() { [[ -f "$1" ]] && [[ "$(cat "$1")" == "$(sha256sum <"$2")" ]]; }
stamp() { sha256sum <"$2" >"$1"; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_port() {
  local i
  for i in $(seq 1 50); do
    python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "nothing listens on 127.0.0.1:$1"
}
