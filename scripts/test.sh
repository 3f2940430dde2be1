#!/usr/bin/env bash
# `npm test`: every test (unit, and end to end over real PTYs and a real Mosquitto).
# Installs socat, mosquitto, chromium and iproute2 through apt when they are missing and it may (root, or
# password-less sudo); otherwise says which packages to install. Ends with the plain line
# "N passed, N failed" counted from vitest's JSON report, so a run that tested nothing shows.
set -uo pipefail
cd "$(dirname "$0")/.."

need=()
command -v socat >/dev/null 2>&1 || need+=(socat)
{ command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ]; } || need+=(mosquitto)
command -v python3 >/dev/null 2>&1 || need+=(python3) # a transport test's listener with a full accept queue
command -v chromium >/dev/null 2>&1 || need+=(chromium) # the status page test (playwright-core drives Debian's Chromium)
command -v ip >/dev/null 2>&1 || need+=(iproute2) # network namespaces for the camera discovery (multicast) tests
command -v openssl >/dev/null 2>&1 || need+=(openssl) # bonin provision makes and checks client keys and certificates
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="none"; fi
  if [ "$SUDO" = none ]; then
    echo "npm test needs these Debian packages: ${need[*]}" >&2
    echo "install them with:  sudo apt-get install -y ${need[*]}" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "installing ${need[*]} (apt-get)…" >&2
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >&2 || { echo "apt-get install ${need[*]} failed" >&2; echo "0 passed, 1 failed"; exit 1; }
fi

status=0
echo "== typecheck" >&2; npx tsc --noEmit -p . || status=1
echo "== lint" >&2; npx eslint . || status=1

report="$(mktemp -t bonin-vitest-XXXXXX.json)"
echo "== vitest" >&2
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=1
node -e '
  const fs = require("fs");
  let r = {};
  try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { }
  const passed = r.numPassedTests ?? 0, failed = r.numFailedTests ?? 0;
  const broken = (r.testResults ?? []).filter((f) => f.status === "failed" && !(f.assertionResults ?? []).some((a) => a.status === "failed")).length;
  // A test file that failed to load counts as a failure even though it ran no test.
  console.log(`${passed} passed, ${failed + broken} failed`);
' "$report"
rm -f "$report"
exit $status
