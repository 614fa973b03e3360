#!/usr/bin/env bash
# Sets up a fresh machine and runs every check of the repository: build, typecheck, lint,
# format, package checks (publint, attw), jest and a smoke run of the benchmark. Needs Node 20
# and npm; installs pnpm and the Debian packages the tests use when they are missing. Runs every
# step even after a failure, so the summary is complete, and ends with one line
# `N passed, N failed` (each non-jest step is one check, each jest test is one). Exits 1 when
# anything failed.
#
# Usage: bash scripts/test.sh
set -uo pipefail

# Debian packages the tests need (e.g. prometheus for promtool, chromium for browser tests).
APT_PACKAGES=(prometheus chromium)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1
export CI="${CI:-true}"

PASSED=0
FAILED=0
RESULTS=()

record() { # record <name> <status>
  if [ "$2" -eq 0 ]; then
    PASSED=$((PASSED + 1))
    RESULTS+=("PASS  $1")
    echo "--- PASS  $1"
  else
    FAILED=$((FAILED + 1))
    RESULTS+=("FAIL  $1 (exit $2)")
    echo "--- FAIL  $1 (exit $2)"
  fi
}

setup_step() { # setup_step <name> <command...>: like step, but only a failure is counted
  local name="$1"
  shift
  echo
  echo "=== $name"
  "$@"
  local status=$?
  if [ "$status" -eq 0 ]; then echo "--- PASS  $name"; else record "$name" "$status"; fi
}

step() { # step <name> <command...>: runs the command, counts it as one check
  local name="$1"
  shift
  echo
  echo "=== $name: $*"
  "$@"
  record "$name" $?
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    echo "need root (or sudo) to run: $*" >&2
    return 1
  fi
}

install_pnpm() {
  command -v pnpm >/dev/null 2>&1 && return 0
  # The exact version the repository pins (a pnpm 10), so pnpm does not switch versions itself.
  local version
  version="$(node -p "(require('./package.json').packageManager || 'pnpm@10').split('@')[1]")"
  npm install --global --no-audit --no-fund "pnpm@${version}" || return 1
  PATH="$(npm prefix --global)/bin:$PATH"
  command -v pnpm >/dev/null 2>&1
}

install_apt_packages() {
  [ "${#APT_PACKAGES[@]}" -eq 0 ] && return 0
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
      missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "apt-get not found; install these packages by hand: ${missing[*]}" >&2
    return 1
  fi
  as_root apt-get update &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      "${missing[@]}"
}

attw_check() { # attw_check <dir>: attw passes a package without types; ours must have them
  local output status
  output="$(cd "$1" && "$ROOT/node_modules/.bin/attw" --pack --profile node16 2>&1)"
  status=$?
  printf '%s\n' "$output"
  if [ "$status" -eq 0 ] && grep -q 'does not contain types' <<<"$output"; then
    echo "no types found: is the package built?"
    return 1
  fi
  return "$status"
}

package_checks() { # one publint and one attw check per published (non-private) package
  local dir name
  for dir in packages/*/; do
    dir="${dir%/}"
    [ -f "$dir/package.json" ] || continue
    name="$(node -p "const p = require('./$dir/package.json'); p.private ? '' : p.name")"
    [ -n "$name" ] || continue
    step "publint $name" bash -c "cd '$dir' && '$ROOT/node_modules/.bin/publint' --strict"
    step "attw $name" attw_check "$dir"
  done
}

run_jest() { # counts each jest test; a crash without a report counts as one failure
  local report status counts
  mkdir -p "$ROOT/test-output"
  report="$ROOT/test-output/jest-report.json"
  rm -f "$report"
  echo
  # Coverage of @fluxgate/core must stay at 100% of its lines and branches (the bar of
  # packages/core/jest.config.cjs; a project's own coverage settings do not apply in this run).
  local coverage=(--coverage --collectCoverageFrom='packages/core/src/**/*.ts'
    --coverageThreshold='{"./packages/core/src/":{"lines":100,"branches":100}}')
  # --detectOpenHandles: a test that leaves a handle open (a server, a timer, a child process)
  # makes jest print "Jest has detected the following N open handle(s)"; that counts as a failure.
  local log="$ROOT/test-output/jest.log"
  echo "=== jest: pnpm exec jest --ci --detectOpenHandles --json --outputFile=$report ${coverage[*]}"
  pnpm exec jest --ci --detectOpenHandles --json --outputFile="$report" "${coverage[@]}" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  if grep -q "Jest has detected the following" "$log"; then
    echo "--- FAIL  jest: open handles left behind (see above)"
    FAILED=$((FAILED + 1))
    RESULTS+=("FAIL  jest --detectOpenHandles: open handles left behind")
  else
    PASSED=$((PASSED + 1))
    RESULTS+=("PASS  jest --detectOpenHandles: no open handle left behind")
  fi
  if ! counts="$(node -e '
    const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    const n = [r.numPassedTests, r.numFailedTests, r.numRuntimeErrorTestSuites];
    if (!n.every(Number.isInteger)) process.exit(1);
    // A suite that fails to load has no failing test: count it as one failure.
    console.log(n[0], n[1] + n[2]);
  ' "$report" 2>/dev/null)"; then
    echo "--- FAIL  jest wrote no report (exit $status)"
    FAILED=$((FAILED + 1))
    RESULTS+=("FAIL  jest (no report, exit $status)")
    return
  fi
  local passed="${counts% *}" failed="${counts#* }"
  # A non-zero exit with no failing test (no tests found, a reporter error...) is still a failure.
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
  PASSED=$((PASSED + passed))
  FAILED=$((FAILED + failed))
  RESULTS+=("$([ "$failed" -eq 0 ] && echo PASS || echo FAIL)  jest ($passed passed, $failed failed)")
  echo "--- jest: $passed passed, $failed failed (exit $status)"
}

setup_step "setup: pnpm" install_pnpm
setup_step "setup: apt packages" install_apt_packages
setup_step "setup: pnpm install" pnpm install --frozen-lockfile --config.confirmModulesPurge=false
step "build" pnpm build
step "typecheck" pnpm typecheck
step "lint" pnpm exec eslint .
step "format" pnpm exec prettier --check .
package_checks
run_jest
# One short round of every benchmark case: the benchmark still runs and reports every target (no
# timing is judged here).
step "bench smoke run" pnpm --filter @fluxgate/bench run smoke

echo
echo "=== summary"
printf '%s\n' "${RESULTS[@]}"
echo "${PASSED} passed, ${FAILED} failed"
[ "$FAILED" -eq 0 ]
