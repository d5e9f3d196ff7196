#!/usr/bin/env bash
# Measures a PROCESS front end against the process's data endpoint, plain and with -P 16:
# redis-benchmark -t set,get -c 50, ROUNDS rounds whose order alternates (direct first in odd
# rounds), one untimed warm-up per path; prints each run and then the median ops/s, p50 and p99
# per path and test, the ratio switch/direct and the min-max spread of the switch's ops/s.
#
#   caravan up --nodes 1 --port 17731 &          # then:
#   CARAVAN_NAMING=127.0.0.1:17731 caravan deploy --sample kv --name kv1
#   caravan ps                                    # DATA ENDPOINT = direct, SWITCH = through the switch
#   caravan-switch/src/test/bench/process-frontend-bench.sh <direct port> <switch port>
#
# Environment: ROUNDS (3), REQUESTS (200000), PIPELINED_REQUESTS (600000), CLIENTS (50), HOST (127.0.0.1),
# PIDS (none): JVMs whose CPU time per request each run reports (the switch's and the node's, from
# `jcmd -l`). On a shared, loaded box ops/s follow the CPU share each process gets, while CPU
# microseconds per request stay put: compare changes by those.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 <direct port> <switch port>" >&2; exit 2; }
DIRECT=$1 SWITCH=$2
ROUNDS=${ROUNDS:-3} REQUESTS=${REQUESTS:-200000} PIPELINED=${PIPELINED_REQUESTS:-600000}
CLIENTS=${CLIENTS:-50} HOST=${HOST:-127.0.0.1}
OUT=$(mktemp); trap 'rm -f "$OUT"' EXIT

PIDS=${PIDS:-}
cpu_ticks() { for pid in $PIDS; do awk '{ printf "%d ", $14 + $15 }' "/proc/$pid/stat"; done; }

run() { # path port pipeline requests -> "path P test rps p50 p99" lines, then the CPU per request of PIDS
  local before after
  before=$(cpu_ticks)
  redis-benchmark -h "$HOST" -p "$2" -t set,get -n "$4" -c "$CLIENTS" -P "$3" -d 3 --csv 2>/dev/null \
    | awk -F'"' -v path="$1" -v p="$3" 'NR > 1 { print path, p, $2, $4, $10, $14 }'
  after=$(cpu_ticks)
  if [ -n "$PIDS" ]; then
    echo "$PIDS|$before|$after" | awk -F'|' -v n=$((2 * $4)) -v hz="$(getconf CLK_TCK)" '{
      split($1, p, " "); split($2, b, " "); split($3, a, " "); s = "  cpu us/request:"
      for (i = 1; i in p; i++) s = s sprintf(" %s=%.1f", p[i], (a[i] - b[i]) * 1e6 / hz / n); print s }' >&2
  fi
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for p in 1 16; do
  n=$REQUESTS; [ "$p" -gt 1 ] && n=$PIPELINED
  run direct "$DIRECT" "$p" $((n / 5)) >/dev/null
  run switch "$SWITCH" "$p" $((n / 5)) >/dev/null
done
for r in $(seq 1 "$ROUNDS"); do
  for p in 1 16; do
    n=$REQUESTS; [ "$p" -gt 1 ] && n=$PIPELINED
    if [ $((r % 2)) -eq 1 ]; then order="direct switch"; else order="switch direct"; fi
    for path in $order; do
      port=$DIRECT; [ "$path" = switch ] && port=$SWITCH
      run "$path" "$port" "$p" "$n" 2>&1 | tee -a "$OUT" | sed "s/^/round $r: /"
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "median of $ROUNDS rounds:      ops/s     p50 ms   p99 ms   (switch: ratio, ops/s min-max)"
for p in 1 16; do
  for t in SET GET; do
    med() { grep "^$1 $p $t " "$OUT" | awk -v c="$2" '{ print $c }' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
    d=$(med direct 4); s=$(med switch 4)
    lo=$(grep "^switch $p $t " "$OUT" | awk '{ print $4 }' | sort -g | head -1)
    hi=$(grep "^switch $p $t " "$OUT" | awk '{ print $4 }' | sort -g | tail -1)
    printf 'P%-2s %s direct %10.0f %8s %8s\n' "$p" "$t" "$d" "$(med direct 5)" "$(med direct 6)"
    printf 'P%-2s %s switch %10.0f %8s %8s   %.2fx  %.0f-%.0f\n' "$p" "$t" "$s" "$(med switch 5)" "$(med switch 6)" \
      "$(echo "$s / $d" | bc -l)" "$lo" "$hi"
  done
done
