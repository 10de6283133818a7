#!/usr/bin/env bash
# N5g-eir checks per second against one real imeisyncd on loopback, with
# h2load (Debian's nghttp2-client): HTTP/2 with prior knowledge (h2c), 10
# connections x 10 concurrent streams, beside HTTP/1.1 keep-alive from the
# same tool in the same run (10 connections, one request at a time each, as
# curl and Prometheus ask). Prints one JSON object; asserts nothing.
#
#   bench/h2/h2load_bench.sh [BUILD_DIR] [REQUESTS]
#
# Latencies are h2load's per-request times (--log-file: from sending the
# request to the end of its response), so they include client queueing.
set -euo pipefail

build=${1:-build/release}
requests=${2:-200000}
cli="$build/cli/imeisync"
daemon="$build/node/daemon/imeisyncd"
for bin in "$cli" "$daemon" /usr/bin/h2load /usr/bin/jq; do
  [[ -x "$bin" ]] || { echo "h2load_bench: $bin missing (build, or scripts/setup)" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/imeisync-h2bench.XXXXXX")
pid=""
cleanup() {
  [[ -n "$pid" ]] && { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  echo "h2load_bench: no free port found" >&2; exit 1
}

"$cli" federation init --id kz --dir "$work/fed" > /dev/null
"$cli" federation add-member --dir "$work/fed" --id ministry --role ministry \
  --endpoint "127.0.0.1:$(free_port)" --out "$work/ministry" > /dev/null
"$daemon" --config "$work/ministry/node.toml" > "$work/ready" 2> "$work/daemon.log" &
pid=$!
for _ in $(seq 1 200); do grep -q ready "$work/ready" && break; sleep 0.05; done
grep -q ready "$work/ready" || { cat "$work/daemon.log" >&2; exit 1; }
http=$(sed -n 's/^http_listen = "\(.*\)"/\1/p' "$work/ministry/node.toml")

# 64 distinct valid IMEIs (Luhn check digit), cycled through by h2load.
awk -v base="http://$http/n5g-eir-eic/v1/equipment-status?pei=imei-" 'BEGIN {
  for (i = 0; i < 64; i++) {
    core = sprintf("35209900%06d", 176148 + i); sum = 0
    for (j = 14; j >= 1; j--) {
      d = substr(core, j, 1) + 0
      if ((14 - j) % 2 == 0) { d *= 2; if (d > 9) d -= 9 }
      sum += d
    }
    print base core ((10 - sum % 10) % 10)
  }
}' > "$work/uris"

# run NAME H2LOAD_ARGS...: one h2load run, as a JSON object.
run() {
  local name=$1; shift
  local log="$work/$name.log"
  local out
  out=$(h2load -n "$requests" -c 10 "$@" --log-file="$log" -i "$work/uris")
  local rps ok
  rps=$(sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p' <<< "$out")
  ok=$(sed -n 's/^status codes: \([0-9]*\) 2xx.*/\1/p' <<< "$out")
  sort -n -t $'\t' -k3,3 "$log" | awk -F '\t' -v name="$name" -v rps="$rps" \
    -v ok="$ok" -v n="$requests" -v args="$*" '
    { t[NR] = $3 }
    END {
      printf "{\"protocol\":\"%s\",\"h2load\":\"-c 10 %s\",\"requests\":%d,", name, args, n
      printf "\"ok_2xx\":%d,\"checks_per_s\":%.0f,", ok, rps
      printf "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}",
        t[int(NR * 0.50)] / 1000, t[int(NR * 0.99)] / 1000, t[NR] / 1000
    }'
}

h2=$(run h2c -m 10)
h1=$(run http1.1 --h1 -m 1)
jq -n --argjson h2 "$h2" --argjson h1 "$h1" --arg cores "$(nproc)" \
  --arg build "$build" \
  '{bench: "n5g_eir_h2load", cores: ($cores | tonumber), build: $build,
    daemon_io_threads: 2, h2c: $h2, "http1.1": $h1}'
