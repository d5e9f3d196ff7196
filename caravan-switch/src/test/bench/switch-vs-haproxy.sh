#!/usr/bin/env bash
# Content-aware and transport-level switching vs HAProxy, on this machine (not part of the test suite).
#
#   caravan-switch/src/test/bench/switch-vs-haproxy.sh [THREADS] [DURATION_S] [ROUNDS] [MODES]
#
# Backends: one HAProxy process (1 thread) with 3 listeners answering a fixed "200 hello" from
# `http-request return` (no backend behind them). Under test, alternating per round so load drift
# hits both alike: HAProxy 2.6 (nbthread THREADS; mode http: balance roundrobin, http-reuse always,
# option forwardfor; mode tcp: balance roundrobin) and SwitchBenchMain (THREADS event loops,
# HttpContentFrontend or TransportFrontend, round robin). wrk -t2 -c64 and -c256, keep-alive.
# Prints one line per run (with the 1-minute load average before it and the CPU time the process under
# test spent per request) and a median/min/max summary.
# BASE_CLASSES=DIR (optional): main classes of another build of caravan-switch (e.g. an earlier
# commit compiled with javac), run as a second switch "base-MODE" in the same rounds (before/after).
# Needs: target/classes and target/test-classes built (mvn -o -pl caravan-switch -am test-compile).
set -euo pipefail
THREADS=${1:-2}
DUR=${2:-10}
ROUNDS=${3:-3}
MODES=${4:-"http tcp"}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
JVM_OPTS=${JVM_OPTS:-"-Xms256m -Xmx256m"}
HERE=$(cd "$(dirname "$0")/../../.." && pwd)   # caravan-switch
ROOT=$(cd "$HERE/.." && pwd)
WORK=$(mktemp -d /tmp/switch-bench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Classpath: this worktree's classes instead of any caravan jars in ~/.m2.
(cd "$ROOT" && ./mvnw -q -B -ntp -o -pl caravan-switch dependency:build-classpath -Dmdep.outputFile="$WORK/cp.raw" -Dmdep.includeScope=test >/dev/null 2>&1)
CP="$HERE/target/classes:$HERE/target/test-classes"
for m in wire core naming servers; do CP="$CP:$ROOT/caravan-$m/target/classes"; done
CP="$CP:$(tr ':' '\n' < "$WORK/cp.raw" | grep -v '/dev/caravan/' | paste -sd:)"

B1=$(free_port); B2=$(free_port); B3=$(free_port); LB_HTTP=$(free_port); LB_TCP=$(free_port)
cat > "$WORK/backends.cfg" <<CFG
global
  nbthread 1
defaults
  mode http
  timeout client 30s
  timeout server 30s
  timeout connect 5s
frontend b1
  bind 127.0.0.1:$B1
  http-request return status 200 content-type text/plain string "hello"
frontend b2
  bind 127.0.0.1:$B2
  http-request return status 200 content-type text/plain string "hello"
frontend b3
  bind 127.0.0.1:$B3
  http-request return status 200 content-type text/plain string "hello"
CFG
cat > "$WORK/lb.cfg" <<CFG
global
  nbthread $THREADS
  maxconn 4000
defaults
  timeout client 30s
  timeout server 30s
  timeout connect 5s
frontend web
  mode http
  bind 127.0.0.1:$LB_HTTP
  default_backend web
backend web
  mode http
  balance roundrobin
  http-reuse always
  option forwardfor
  server b1 127.0.0.1:$B1
  server b2 127.0.0.1:$B2
  server b3 127.0.0.1:$B3
frontend tcp
  mode tcp
  bind 127.0.0.1:$LB_TCP
  default_backend tcp
backend tcp
  mode tcp
  balance roundrobin
  server b1 127.0.0.1:$B1
  server b2 127.0.0.1:$B2
  server b3 127.0.0.1:$B3
CFG
haproxy -f "$WORK/backends.cfg" & PIDS+=($!)
haproxy -f "$WORK/lb.cfg" & PIDS+=($!); LB_PID=$!
for port in $B1 $LB_HTTP $LB_TCP; do
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
  curl -s -o /dev/null "http://127.0.0.1:$port/" || { echo "haproxy on :$port does not answer" >&2; exit 1; }
done

to_ms() { awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.2f", n }'; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # user + system, all threads (GC and JIT too)
TICK_US=$((1000000 / $(getconf CLK_TCK)))

# run LABEL PORT CONNS PID → appends "label conns rps p99ms load cpu_us_per_request" to $WORK/results.
# CPU per request (the process under test, from /proc) depends far less on other load than req/s does.
run() {
  local load out rps p99 errs t0 t1 n cpu
  load=$(cut -d' ' -f1 /proc/loadavg)
  t0=$(cpu_ticks "$4")
  out=$(wrk -t2 -c"$3" -d"${DUR}s" --latency "http://127.0.0.1:$2/")
  t1=$(cpu_ticks "$4")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p99=$(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")")
  n=$(awk '/requests in/ {print $1}' <<<"$out")
  cpu=$(awk -v t=$((t1 - t0)) -v n="$n" -v u="$TICK_US" 'BEGIN { printf "%.1f", t * u / n }')
  errs=$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr -s ' ' | paste -sd' ' || true)
  printf '%-14s c=%-4s %10s req/s  p99 %8s ms  cpu %6s us/req  load %5s  %s\n' "$1" "$3" "$rps" "$p99" "$cpu" "$load" "${errs:-}"
  echo "$1 $3 $rps $p99 $load $cpu" >> "$WORK/results"
}

# start_switch NAME CLASSPATH MODE → PORT; the switch serves until fd of NAME closes (stop_switches)
start_switch() {
  mkfifo "$WORK/$1.in"
  "$JAVA" $JVM_OPTS -cp "$2" dev.caravan.switching.bench.SwitchBenchMain "$3" "$THREADS" \
      "127.0.0.1:$B1,127.0.0.1:$B2,127.0.0.1:$B3" < "$WORK/$1.in" > "$WORK/$1.out" &
  PIDS+=($!)
  SWITCH_PIDS+=($!)
  PID=$!
  if [[ $1 == sw ]]; then exec 8> "$WORK/$1.in"; else exec 7> "$WORK/$1.in"; fi
  for _ in $(seq 100); do grep -q listening "$WORK/$1.out" 2>/dev/null && break; sleep 0.1; done
  PORT=$(awk '/listening/ {print $2}' "$WORK/$1.out")
}
stop_switches() {
  exec 8>&- 7>&-
  for p in "${SWITCH_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  SWITCH_PIDS=()
  rm -f "$WORK"/*.in
}
SWITCH_PIDS=()

for mode in $MODES; do
  start_switch sw "$CP" "$mode"; SW_PORT=$PORT; SW_PID=$PID
  BASE_PORT=
  if [[ -n ${BASE_CLASSES:-} ]]; then start_switch base "$BASE_CLASSES:$CP" "$mode"; BASE_PORT=$PORT; BASE_PID=$PID; fi
  if [[ $mode == http ]]; then LB=$LB_HTTP; else LB=$LB_TCP; fi
  echo "# mode $mode threads $THREADS: haproxy :$LB, switch :$SW_PORT ${BASE_PORT:+base :$BASE_PORT }(warm-up 5 s each)"
  for port in $LB $SW_PORT $BASE_PORT; do wrk -t2 -c64 -d5s "http://127.0.0.1:$port/" >/dev/null; done
  for conns in 64 256; do
    for r in $(seq "$ROUNDS"); do
      run "haproxy-$mode" "$LB" "$conns" "$LB_PID"
      run "switch-$mode" "$SW_PORT" "$conns" "$SW_PID"
      if [[ -n $BASE_PORT ]]; then run "base-$mode" "$BASE_PORT" "$conns" "$BASE_PID"; fi
    done
  done
  stop_switches
done

echo "# summary: median (min..max) over $ROUNDS rounds"
python3 - "$WORK/results" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, conns, rps, p99, load, cpu = line.split()
    rows[(label, int(conns))].append((float(rps), float(p99), float(load), float(cpu)))
def stat(vals):
    return statistics.median(vals), min(vals), max(vals)
for (label, conns) in sorted(rows):
    v = rows[(label, conns)]
    r, p, l, c = (stat([x[i] for x in v]) for i in range(4))
    print(f"{label:14s} c={conns:<4d} {r[0]:9.0f} req/s ({r[1]:.0f}..{r[2]:.0f})  p99 {p[0]:7.2f} ms ({p[1]:.2f}..{p[2]:.2f})"
          f"  cpu {c[0]:5.1f} us/req ({c[1]:.1f}..{c[2]:.1f})  load {l[1]:.1f}..{l[2]:.1f}")
for mode in ("http", "tcp"):
    for conns in (64, 256):
        h = rows.get((f"haproxy-{mode}", conns))
        for who in ("switch", "base"):
            s = rows.get((f"{who}-{mode}", conns))
            if h and s:
                hr, sr = statistics.median(x[0] for x in h), statistics.median(x[0] for x in s)
                hp, sp = statistics.median(x[1] for x in h), statistics.median(x[1] for x in s)
                hc, sc = statistics.median(x[3] for x in h), statistics.median(x[3] for x in s)
                print(f"ratio {who}/haproxy {mode} c={conns}: req/s {sr/hr:.2f}x  p99 {sp/hp:.2f}x  cpu/req {sc/hc:.2f}x")
PY
