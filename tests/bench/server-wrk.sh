#!/usr/bin/env bash
# server-wrk.sh: kbc-account-server under wrk, side by side with nginx.
#
# Starts a real kbc-account-server on a temporary database (a user, signed in
# for a token, a few notifications), captures the exact bodies of
# GET /manage/tokens/verify and GET /manage/notifications, and has nginx serve
# those bytes as static files on another loopback port. Then, in one run:
#   wrk -c 64 -t 2 -d 10s --latency   on verify and on notifications (with the
#                                     token header), and on nginx's copies;
#   the same on verify while 50 clients sign in (argon2id) all the time;
# and the server's RSS before and after all of it. Prints the BENCH lines of
# the shared format (docs/performance.md, "Server under load").
#
#   meson test --benchmark -C BUILD server-wrk -v
#   KBC_ACCOUNT_SERVER=BUILD/src/server/kbc-account-server tests/bench/server-wrk.sh
#
# Environment: KBC_BENCH_DURATION (default 10s), KBC_BENCH_CONNECTIONS (64),
# KBC_BENCH_SERVE_ARGS (extra `serve` options, e.g. --quiet), KBC_BENCH_PERF=1 (perf record
# -g on the server during the verify run, into the temporary directory, kept;
# KBC_BENCH_PERF_ARGS replaces -g, e.g. "--call-graph dwarf -F 1000" for a
# release build).
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

SERVER=${KBC_ACCOUNT_SERVER:-kbc-account-server}
DURATION=${KBC_BENCH_DURATION:-10s}
CONNECTIONS=${KBC_BENCH_CONNECTIONS:-64}
STORM_CLIENTS=50
EMAIL=bench@example.test
PASSWORD=Copper-Kettle-Morning-93

skip() {
  echo "server-wrk: $*; skipped" >&2
  exit 77
}

command -v wrk >/dev/null || skip "wrk is not installed (apt-get install wrk)"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || skip "nginx is not installed (apt-get install nginx-light)"
command -v curl >/dev/null || skip "curl is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"
command -v "$SERVER" >/dev/null || [ -x "$SERVER" ] || {
  echo "server-wrk: no kbc-account-server (set KBC_ACCOUNT_SERVER)" >&2
  exit 1
}

# The token is in files here: only ours to read (nginx's copies aside).
umask 077
DIR=$(mktemp -d -t kbc-bench-wrk-XXXXXX)
SERVER_PID=
NGINX_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
  if [ "${KBC_BENCH_PERF:-0}" = 1 ]; then
    echo "# kept $DIR (perf.data)"
  else
    rm -rf "$DIR"
  fi
}
trap cleanup EXIT

DB=$DIR/kbc.db
"$SERVER" init --db "$DB" >/dev/null
echo "$PASSWORD" | "$SERVER" user add --db "$DB" --email "$EMAIL" --name "Bench User" >/dev/null
for i in $(seq 1 20); do
  "$SERVER" notify --db "$DB" --email "$EMAIL" --type common --title "Notification $i" \
    --message "Your project **Acme Sales** used $i% of its [storage](https://example.test/)." \
    >/dev/null
done
# The storm's accounts: each is checked at most 4 at a time, so 50 clients
# need 13 of them to all be hashing or queued.
STORM_ACCOUNTS=$(((STORM_CLIENTS + 3) / 4))
for i in $(seq 1 "$STORM_ACCOUNTS"); do
  echo "$PASSWORD" | "$SERVER" user add --db "$DB" --email "storm$i@example.test" \
    --name "Storm $i" >/dev/null
done

# shellcheck disable=SC2086 # the extra options are words
# As deployed: the request log on (into a file here).
"$SERVER" serve --db "$DB" --listen 127.0.0.1:0 --port-file "$DIR/port" \
  ${KBC_BENCH_SERVE_ARGS:-} >"$DIR/server.out" 2>"$DIR/server.err" &
SERVER_PID=$!
for _ in $(seq 1 500); do
  [ -s "$DIR/port" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || {
    cat "$DIR/server.err" >&2
    exit 1
  }
  sleep 0.01
done
PORT=$(cat "$DIR/port")
URL=http://127.0.0.1:$PORT

TOKEN=$(curl -sf -X POST -H 'Content-Type: application/json' \
  --data "{\"email\": \"$EMAIL\", \"password\": \"$PASSWORD\"}" "$URL/manage/auth/login" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
# The token never goes on a command line: wrk and curl read it from files.
HEADER_FILE=$DIR/token-header
printf 'X-KBC-ManageApiToken: %s\n' "$TOKEN" >"$HEADER_FILE"
cat >"$DIR/token.lua" <<EOF
wrk.headers["X-KBC-ManageApiToken"] = "$TOKEN"
EOF
unset TOKEN

# nginx's worker may run as another user (nobody, when this runs as root).
chmod 711 "$DIR"
mkdir -m 755 "$DIR/www" "$DIR/www/manage" "$DIR/www/manage/tokens"
curl -sf -H "@$HEADER_FILE" -o "$DIR/www/manage/tokens/verify" "$URL/manage/tokens/verify"
curl -sf -H "@$HEADER_FILE" -o "$DIR/www/manage/notifications" "$URL/manage/notifications"
chmod 644 "$DIR/www/manage/tokens/verify" "$DIR/www/manage/notifications"
echo "# verify: $(stat -c %s "$DIR/www/manage/tokens/verify") bytes," \
  "notifications: $(stat -c %s "$DIR/www/manage/notifications") bytes"

# nginx gets as many workers as the server has event loops (KBC_BENCH_LOOPS,
# when `serve` is given more than its one).
LOOPS=${KBC_BENCH_LOOPS:-1}
NGINX_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$DIR/nginx/logs"
cat >"$DIR/nginx/nginx.conf" <<EOF
worker_processes $LOOPS;
daemon off;
pid $DIR/nginx/nginx.pid;
error_log $DIR/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $DIR/nginx/body;
  proxy_temp_path $DIR/nginx/proxy;
  fastcgi_temp_path $DIR/nginx/fastcgi;
  uwsgi_temp_path $DIR/nginx/uwsgi;
  scgi_temp_path $DIR/nginx/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $DIR/www;
    default_type application/json;
    add_header Cache-Control no-store;
  }
}
EOF
"$NGINX" -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" -e "$DIR/nginx/logs/error.log" &
NGINX_PID=$!
for _ in $(seq 1 500); do
  curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT/manage/tokens/verify" && break
  sleep 0.01
done
cmp -s <(curl -sf "http://127.0.0.1:$NGINX_PORT/manage/tokens/verify") \
  "$DIR/www/manage/tokens/verify" || {
  echo "server-wrk: nginx does not serve the copy" >&2
  cat "$DIR/nginx/logs/error.log" >&2
  exit 1
}

# The RSS when no thread of the server runs (an argon2id hash holds 64 MiB
# while it runs: the warm-up one at start, the storm's): 3 samples in a row
# with every thread asleep, at most 10 s.
rss_kib() {
  local quiet=0
  for _ in $(seq 1 100); do
    if cat /proc/"$SERVER_PID"/task/*/stat 2>/dev/null | grep -q '^[0-9]* ([^)]*) R'; then
      quiet=0
    else
      quiet=$((quiet + 1))
      [ "$quiet" -ge 3 ] && break
    fi
    sleep 0.1
  done
  awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status"
}

# wrk's summary → "REQ_PER_S P99_MS NON_2XX"
run_wrk() {
  local out=$1 url=$2
  shift 2
  wrk -c "$CONNECTIONS" -t 2 -d "$DURATION" --latency "$@" "$url" >"$out"
  python3 - "$out" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\b", text, re.M)
scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
errors = re.search(r"Socket errors:.*", text)
print(f"{rps:.0f} {float(m.group(1)) * scale:.2f} {bad.group(1) if bad else 0}",
      "errors" if errors else "")
EOF
}

bench_line() {
  printf 'BENCH\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@"
}

# ratio VALUE BASELINE
ratio() {
  python3 -c "print(f'{$1 / $2:.2f}' if $2 else '-')"
}

# verdict EXPRESSION (python)
verdict() {
  python3 -c "print('ok' if ($1) else 'MISSED')"
}

# A warm-up, then the figures.
wrk -c "$CONNECTIONS" -t 2 -d 2s -s "$DIR/token.lua" "$URL/manage/tokens/verify" >/dev/null
RSS_BEFORE=$(rss_kib)

echo "# $(uptime)"
echo "# server: $URL ($LOOPS event loops), nginx: 127.0.0.1:$NGINX_PORT" \
  "($LOOPS workers), wrk -c $CONNECTIONS -t 2 -d $DURATION"
PERF_PID=
if [ "${KBC_BENCH_PERF:-0}" = 1 ]; then
  # shellcheck disable=SC2086 # the options are words
  perf record ${KBC_BENCH_PERF_ARGS:--g} -o "$DIR/perf.data" -p "$SERVER_PID" >"$DIR/perf.log" 2>&1 &
  PERF_PID=$!
fi
read -r V_RPS V_P99 V_BAD _ < <(run_wrk "$DIR/wrk-verify" "$URL/manage/tokens/verify" \
  -s "$DIR/token.lua")
if [ -n "$PERF_PID" ]; then
  kill -INT "$PERF_PID"
  wait "$PERF_PID" || true
fi
read -r NV_RPS NV_P99 _ _ < <(run_wrk "$DIR/wrk-nginx-verify" \
  "http://127.0.0.1:$NGINX_PORT/manage/tokens/verify")
read -r N_RPS N_P99 N_BAD _ < <(run_wrk "$DIR/wrk-notifications" \
  "$URL/manage/notifications" -s "$DIR/token.lua")
read -r NN_RPS NN_P99 _ _ < <(run_wrk "$DIR/wrk-nginx-notifications" \
  "http://127.0.0.1:$NGINX_PORT/manage/notifications")
for f in verify nginx-verify notifications nginx-notifications; do
  echo "# $f: $(grep -E 'Requests/sec|^ +99%|Non-2xx|Socket errors' "$DIR/wrk-$f" | tr -s ' ' |
    tr '\n' ';')"
done
if [ "$V_BAD" != 0 ] || [ "$N_BAD" != 0 ]; then
  echo "server-wrk: the server answered other than 2xx ($V_BAD, $N_BAD)" >&2
  cat "$DIR/wrk-verify" "$DIR/wrk-notifications" >&2
  exit 1
fi

# The storm: 50 clients, each from its own loopback address (the server
# holds at most 4 checks of one client), sign in again and again while wrk
# measures verify.
cat >"$DIR/storm.py" <<'EOF'
import http.client, json, sys, threading, time
port, clients, accounts, password, seconds = sys.argv[1:6]
clients, accounts, seconds = int(clients), int(accounts), float(seconds)
counts = {}
lock = threading.Lock()
end = time.monotonic() + seconds
def client(i):
    body = json.dumps({"email": f"storm{i % accounts + 1}@example.test", "password": password})
    while time.monotonic() < end:
        c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30,
                                       source_address=(f"127.0.1.{i + 1}", 0))
        try:
            c.request("POST", "/manage/auth/login", body, {"Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            status = r.status
            if status in (429, 503):
                time.sleep(float(r.getheader("Retry-After", "1")) / 10)
        except OSError as e:
            status = type(e).__name__
        finally:
            c.close()
        with lock:
            counts[status] = counts.get(status, 0) + 1
threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(" ".join(f"{k}:{v}" for k, v in sorted(counts.items(), key=str)))
EOF
STORM_SECONDS=$(python3 -c "print(float('${DURATION%s}') + 2)")
python3 "$DIR/storm.py" "$PORT" "$STORM_CLIENTS" "$STORM_ACCOUNTS" "$PASSWORD" \
  "$STORM_SECONDS" >"$DIR/storm.out" &
STORM_PID=$!
sleep 1
read -r _ S_P99 S_BAD _ < <(run_wrk "$DIR/wrk-storm" "$URL/manage/tokens/verify" \
  -s "$DIR/token.lua")
wait "$STORM_PID"
echo "# storm: sign-ins by status: $(cat "$DIR/storm.out"); verify meanwhile:" \
  "$(grep -E 'Requests/sec|^ +99%' "$DIR/wrk-storm" | tr -s ' ' | tr '\n' ';')"
grep -q '201:' "$DIR/storm.out" || {
  echo "server-wrk: no sign-in of the storm succeeded" >&2
  exit 1
}
[ "$S_BAD" = 0 ] || {
  echo "server-wrk: verify failed during the storm ($S_BAD)" >&2
  exit 1
}

RSS_AFTER=$(rss_kib)
kill -0 "$SERVER_PID"

bench_line server "verify req/s vs nginx" "$V_RPS req/s" "$NV_RPS req/s" \
  "$(ratio "$V_RPS" "$NV_RPS")" ">= 0.50" "$(verdict "$V_RPS >= 0.5 * $NV_RPS")"
bench_line server "verify p99 ms" "$V_P99 ms" "$NV_P99 ms" "$(ratio "$V_P99" "$NV_P99")" \
  "<= 10 ms" "$(verdict "$V_P99 <= 10")"
bench_line server "notifications req/s vs nginx" "$N_RPS req/s" "$NN_RPS req/s" \
  "$(ratio "$N_RPS" "$NN_RPS")" ">= 0.50" "$(verdict "$N_RPS >= 0.5 * $NN_RPS")"
bench_line server "notifications p99 ms" "$N_P99 ms" "$NN_P99 ms" "$(ratio "$N_P99" "$NN_P99")" \
  "<= 10 ms" "$(verdict "$N_P99 <= 10")"
bench_line server "verify p99 ms during 50 sign-ins" "$S_P99 ms" "$V_P99 ms" \
  "$(ratio "$S_P99" "$V_P99")" "<= 50 ms" "$(verdict "$S_P99 <= 50")"
bench_line memory "server RSS after/before load" "$((RSS_AFTER / 1024)) MiB" \
  "$((RSS_BEFORE / 1024)) MiB" "$(ratio "$RSS_AFTER" "$RSS_BEFORE")" "<= 1.10" \
  "$(verdict "$RSS_AFTER <= 1.1 * $RSS_BEFORE")"
