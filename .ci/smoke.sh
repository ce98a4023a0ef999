#!/usr/bin/env bash
# The README's quick start on whatever `node` is first on PATH: `npm start` (PORT=0 so it cannot
# collide with anything on the machine; WORKERS as the README leaves it, one per core), the
# README's first query, SIGTERM, exit code 0.
set -euo pipefail
node --version
log="$(mktemp)"
PORT=0 LOG_LEVEL=info npm start >"$log" 2>&1 &
pid=$!
url=""
for _ in $(seq 1 600); do
  url="$(grep -o '"msg":"gateway ready: [^ ]*' "$log" | sed 's/.*ready: //' || true)"
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.2
done
[ -n "$url" ] || { echo "no gateway after 120 s"; cat "$log"; kill "$pid"; exit 1; }
body="$(node -e '
fetch(process.argv[1], { method: "POST", headers: { "content-type": "application/json", "x-likenama-token": "demo-phoebe-token" },
  body: JSON.stringify({ query: "{ smmProviders { id balance { amount currency } } matchIdStatus(matchId: \"PAID_001\") { state } likenamaViewer { username coinCredit } }" }) })
  .then(r => r.text()).then(t => { console.log(t); const j = JSON.parse(t); process.exit(j.errors || !j.data.matchIdStatus ? 1 : 0); }, e => { console.error(e); process.exit(1); });
' "$url")"
echo "$body"
# SIGTERM to the server process itself (npm would answer a signal with its own exit code 143),
# as an orchestrator signals the process it runs: it drains and exits 0
descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
# the first node process running it (npm's `sh -c` names the command too; with WORKERS > 1 the
# primary's workers run the same command below it)
server=""
for p in $(descendants "$pid"); do
  if tr '\0' ' ' <"/proc/$p/cmdline" | grep -qE '^[^ ]*node .*dist/scripts/start\.js'; then server="$p"; break; fi
done
[ -n "$server" ] || { echo "server process not found"; kill "$pid"; exit 1; }
kill -TERM "$server"
code=0
wait "$pid" || code=$?
echo "exit code $code"
exit "$code"
