#!/usr/bin/env bash
# HTTP load on the real server, on loopback only: /api/search over a fixed mix of queries,
# and /healthz in the same run (the HTTP floor of this machine), at 1, 8, 32 and 128
# connections. Searches run twice: as served (repeated queries answered from the response
# cache) and on a second server that keeps no responses (every search computed).
# Needs wrk (Debian package `wrk`, installed here when missing).
# Usage: scripts/load.sh [seconds per step, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

cargo build --release --quiet
port=18765
uncached_port=18766
index="$(mktemp -d)"
trap 'kill "$server" "$uncached" 2>/dev/null; rm -rf "$index" "$mix"' EXIT
./target/release/guide-search index --index "$index" >/dev/null
export GUIDE_SEARCH_RATE_LIMIT=0
./target/release/guide-search serve --addr "127.0.0.1:$port" --index "$index" 2>/dev/null &
server=$!
GUIDE_SEARCH_CACHED_RESPONSES=0 ./target/release/guide-search serve --addr "127.0.0.1:$uncached_port" \
  --index "$index" 2>/dev/null &
uncached=$!
for p in "$port" "$uncached_port"; do
  until curl -sf "http://127.0.0.1:$p/readyz" >/dev/null; do sleep 0.2; done
done

# A fixed mix: each connection walks the same list of queries.
mix="$(mktemp)"
cat > "$mix" <<'LUA'
local queries = {
  "trousse%20medicolegale", "rape%20kit", "denunciar%20a%20la%20polic%C3%ADa", "consentement",
  "TACMES", "harcelement%20sexeul", "explotaci%C3%B3n%20sex", "how%20do%20I%20file%20a%20complaint",
  "centre%20d%C3%A9sign%C3%A9", "aide%20aux%20victimes",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/search?q=" .. queries[(i % #queries) + 1])
end
LUA

printf '%-16s %5s %12s %9s %9s %9s\n' endpoint conns "requests/s" p50 p99 max
for conns in 1 8 32 128; do
  threads=$(( conns < 2 ? 1 : 2 ))
  for endpoint in search search-uncached healthz; do
    case $endpoint in
      search) out=$(wrk -t"$threads" -c"$conns" -d"${duration}s" --latency -s "$mix" "http://127.0.0.1:$port") ;;
      search-uncached) out=$(wrk -t"$threads" -c"$conns" -d"${duration}s" --latency -s "$mix" "http://127.0.0.1:$uncached_port") ;;
      healthz) out=$(wrk -t"$threads" -c"$conns" -d"${duration}s" --latency "http://127.0.0.1:$port/healthz") ;;
    esac
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    max=$(awk '/Latency/ && !/Distribution/ {print $4; exit}' <<<"$out")
    printf '%-16s %5s %12s %9s %9s %9s\n' "$endpoint" "$conns" "$rps" "$p50" "$p99" "$max"
  done
done
echo "resident memory: $(awk '/VmRSS/ {print $2, $3}' "/proc/$server/status") (cached)," \
  "$(awk '/VmRSS/ {print $2, $3}' "/proc/$uncached/status") (uncached)"
