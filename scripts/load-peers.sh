#!/usr/bin/env bash
# HTTP load on loopback over a random query mix, against guide-search and its floors:
#   - guide-search computing every search (no response cache, no rate limit), and /healthz
#     of the same server: this machine's HTTP floor;
#   - a bare tantivy server over the same passages (examples/bare_tantivy.rs: default
#     tokenizer, top 10, no snippets): what the engine alone costs over HTTP;
#   - Meilisearch over the same passages, when MEILISEARCH_BIN names its executable.
# Each request is 1 to 3 words drawn at random from the corpus's words (four letters or
# more, accented ones included); every server gets the same words, Lua and seeds, so the
# same sequence of queries. wrk runs at 1, 8 and 32 connections; the output is markdown.
# scripts/load.sh is the other half: the response cache, over a fixed mix.
# Needs wrk (Debian package `wrk`, installed here when missing).
# Usage: [MEILISEARCH_BIN=…] [LOAD_SEED=N] scripts/load-peers.sh [seconds per step, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"
seed="${LOAD_SEED:-$RANDOM}"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

cargo build --release --quiet --bin guide-search
# A separate build: an example brings in the dev-dependencies' features (the lab), which
# the server binary must be built without.
cargo build --release --quiet --example bare_tantivy
bare=./target/release/examples/bare_tantivy
guide_port=18771
bare_port=18772
meili_port=18773

work="$(mktemp -d)"
pids=()
stop() { # pid: asks it to stop, then forces it after 5 s
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}
cleanup() {
  for pid in "${pids[@]}"; do stop "$pid"; done
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "load-peers: $*" >&2; exit 1; }

# A port that already answers would measure someone else's server.
for port in "$guide_port" "$bare_port" "$meili_port"; do
  if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then
    fail "127.0.0.1:$port is in use; stop what listens there"
  fi
done

wait_ready() { # url name pid: up to 30 s for the server to answer
  local deadline=$((SECONDS + 30))
  until curl -sf -o /dev/null --max-time 2 "$1"; do
    kill -0 "$3" 2>/dev/null || { cat "$work/$2.log" >&2; fail "$2 exited before it was ready"; }
    ((SECONDS < deadline)) || fail "$2 not ready after 30 s, giving up ($1)"
    sleep 0.2
  done
}

# guide-search, every search computed.
./target/release/guide-search index --index "$work/index" >/dev/null 2>"$work/index.log" ||
  { cat "$work/index.log" >&2; fail "guide-search could not build its index"; }
GUIDE_SEARCH_RATE_LIMIT=0 GUIDE_SEARCH_CACHED_RESPONSES=0 ./target/release/guide-search serve \
  --addr "127.0.0.1:$guide_port" --index "$work/index" 2>"$work/guide-search.log" &
pids+=($!)
wait_ready "http://127.0.0.1:$guide_port/readyz" guide-search $!

# The bare tantivy server builds its index in memory before it listens.
"$bare" --addr "127.0.0.1:$bare_port" 2>"$work/bare-tantivy.log" &
pids+=($!)
wait_ready "http://127.0.0.1:$bare_port/search?q=aide" bare-tantivy $!

# Meilisearch: a fresh database, the same passages, searchable as title, heading and text.
meili_auth=()
if [[ -z "${MEILISEARCH_BIN:-}" ]]; then
  echo "Meilisearch skipped: MEILISEARCH_BIN is not set (the path of a meilisearch executable)." >&2
else
  [[ -x "$MEILISEARCH_BIN" ]] || fail "MEILISEARCH_BIN=$MEILISEARCH_BIN is not an executable"
  key="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  meili_auth=(-H "Authorization: Bearer $key")
  meili="http://127.0.0.1:$meili_port"
  mkdir "$work/meili"
  "$bare" --dump-json "$work/passages.json"
  # In its own folder: Meilisearch writes dumps and snapshots under its working directory.
  (cd "$work/meili" && exec "$MEILISEARCH_BIN" --http-addr "127.0.0.1:$meili_port" \
    --db-path "$work/meili/data.ms" --master-key "$key" --env development --no-analytics) \
    >"$work/meilisearch.log" 2>&1 &
  pids+=($!)
  wait_ready "$meili/health" meilisearch $!
  meili_task() { # method path json: sends it, then waits up to 60 s for its task to succeed
    local answer uid status deadline=$((SECONDS + 60))
    answer="$(curl -sS --fail-with-body --max-time 10 -X "$1" "${meili_auth[@]}" \
      -H 'Content-Type: application/json' --data-binary "$3" "$meili$2")" ||
      fail "Meilisearch refused $1 $2: $answer"
    uid="$(grep -o '"taskUid": *[0-9]*' <<<"$answer" | grep -o '[0-9]*$')" ||
      fail "no task in Meilisearch's answer to $1 $2: $answer"
    until status="$(curl -sf --max-time 2 "${meili_auth[@]}" "$meili/tasks/$uid")" &&
      grep -q '"status": *"succeeded"' <<<"$status"; do
      if grep -q '"status": *"\(failed\|canceled\)"' <<<"${status:-}"; then
        fail "Meilisearch task $uid ($1 $2) did not succeed: $status"
      fi
      ((SECONDS < deadline)) || fail "Meilisearch task $uid ($1 $2) unfinished after 60 s: ${status:-}"
      sleep 0.2
    done
  }
  meili_task POST /indexes '{"uid": "guide", "primaryKey": "id"}'
  meili_task PATCH /indexes/guide/settings '{"searchableAttributes": ["title", "heading", "text"]}'
  meili_task POST /indexes/guide/documents "@$work/passages.json"
fi

# The random mix. Arguments after wrk's `--`: the word list, the path up to the query's
# value, the run's seed. Words are percent-encoded once, when the thread starts.
"$bare" --dump-words "$work/words.txt"
cat >"$work/mix.lua" <<'LUA'
local words, prefix = {}, nil
local next_id = 0

-- Each thread gets its own number, so its own random sequence.
function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
end

local function encode(word)
  return (word:gsub("[^A-Za-z0-9._~-]", function(c) return string.format("%%%02X", c:byte()) end))
end

function init(args)
  for line in assert(io.open(args[1])):lines() do
    if line ~= "" then words[#words + 1] = encode(line) end
  end
  prefix = args[2]
  math.randomseed(tonumber(args[3]) * 1000 + id)
end

function request()
  local query = {}
  for i = 1, math.random(1, 3) do query[i] = words[math.random(#words)] end
  return wrk.format("GET", prefix .. table.concat(query, "%20"))
end
LUA
echo "Random mix: $(wc -l <"$work/words.txt") words ($(grep -c '[^a-z]' "$work/words.txt") with accents), seed $seed, ${duration} s per step." >&2

# Every server is asked one query of the mix's kind before the load, to fail early.
curl -sf -o /dev/null "http://127.0.0.1:$guide_port/api/search?q=trousse%20m%C3%A9dicol%C3%A9gale" ||
  fail "guide-search did not answer a search"
curl -sf -o /dev/null "http://127.0.0.1:$bare_port/search?q=trousse%20m%C3%A9dicol%C3%A9gale" ||
  fail "bare tantivy did not answer a search"
meili_search="/indexes/guide/search?limit=10&attributesToRetrieve=passage,title&showRankingScore=true&q="
if [[ ${#meili_auth[@]} -gt 0 ]]; then
  curl -sf -o /dev/null "${meili_auth[@]}" "$meili${meili_search}trousse" || fail "Meilisearch did not answer a search"
fi

# wrk's latencies (e.g. 523.10us, 1.20ms, 1.02s) in milliseconds.
to_ms() { awk -v v="$1" 'BEGIN {
  n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/) n *= 1000; else if (v ~ /m$/) n *= 60000
  printf "%.3f", n }'; }
show_ms() { awk -v n="$1" 'BEGIN { printf (n < 10 ? "%.2f ms" : n < 100 ? "%.1f ms" : "%.0f ms"), n }'; }
thousands() { awk -v n="$1" 'BEGIN { s = sprintf("%.0f", n); t = ""
  while (length(s) > 3) { t = "," substr(s, length(s) - 2) t; s = substr(s, 1, length(s) - 3) }
  print s t }'; }

declare -A rps p50 p99
row() { # name label conns wrk-arguments…: one line of the table
  local name=$1 label=$2 conns=$3 out errors
  shift 3
  local threads=$((conns < 2 ? 1 : 2))
  out="$(wrk -t"$threads" -c"$conns" -d"${duration}s" --latency "$@")"
  rps[$name,$conns]="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p50[$name,$conns]="$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")"
  p99[$name,$conns]="$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
  # Answers other than 2xx (a 503 when no search slot is free) and socket errors.
  errors="$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/[^0-9 ]/, ""); n += $1 + $2 + $3 + $4} END {print n + 0}' <<<"$out")"
  printf '| %s | %s | %s | %s | %s | %s |\n' "$label" "$conns" "$(thousands "${rps[$name,$conns]}")" \
    "$(show_ms "${p50[$name,$conns]}")" "$(show_ms "${p99[$name,$conns]}")" "$errors"
}

echo "| server | connections | requests/s | p50 | p99 | errors |"
echo "|---|---|---|---|---|---|"
for conns in 1 8 32; do
  # The script's arguments follow `--`, after the URL.
  row guide "guide-search, no cache" "$conns" -s "$work/mix.lua" "http://127.0.0.1:$guide_port" \
    -- "$work/words.txt" "/api/search?q=" "$seed"
  row healthz "guide-search /healthz" "$conns" "http://127.0.0.1:$guide_port/healthz"
  row bare "bare tantivy" "$conns" -s "$work/mix.lua" "http://127.0.0.1:$bare_port" \
    -- "$work/words.txt" "/search?q=" "$seed"
  if [[ ${#meili_auth[@]} -gt 0 ]]; then
    row meili "Meilisearch" "$conns" "${meili_auth[@]}" -s "$work/mix.lua" "$meili" \
      -- "$work/words.txt" "$meili_search" "$seed"
  fi
done

# guide-search's requests/s as a share of each other's.
ratio() { awk -v a="${rps[guide,$2]}" -v b="${rps[$1,$2]}" 'BEGIN { r = 100 * a / b; printf (r < 10 ? "%.1f %%" : "%.0f %%"), r }'; }
echo
echo "guide-search's requests/s as a share of each other's:"
echo
if [[ ${#meili_auth[@]} -gt 0 ]]; then
  echo "| connections | guide-search / healthz | guide-search / bare tantivy | guide-search / Meilisearch |"
  echo "|---|---|---|---|"
else
  echo "| connections | guide-search / healthz | guide-search / bare tantivy |"
  echo "|---|---|---|"
fi
for conns in 1 8 32; do
  line="| $conns | $(ratio healthz "$conns") | $(ratio bare "$conns") |"
  [[ ${#meili_auth[@]} -eq 0 ]] || line+=" $(ratio meili "$conns") |"
  echo "$line"
done

echo
memory=()
names=(guide-search "bare tantivy" Meilisearch)
for i in "${!pids[@]}"; do
  memory+=("${names[$i]} $(awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/${pids[$i]}/status")")
done
joined="$(printf '%s, ' "${memory[@]}")"
echo "Resident memory after the run: ${joined%, }."
echo "Seed $seed, ${duration} s per step, $(nproc) cores shared by wrk and the servers."
