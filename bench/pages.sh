#!/usr/bin/env bash
# bench/pages.sh — server-side rendering time of the customer portal and the knowledge base at
# scale: seeds BENCH_ARTICLES (1,000) KB articles through the Help Center API
# (bench/pages-seed.py), signs a seeded customer in (a requester of the bench's 100k tickets),
# and measures with wrk (bench/pages.lua, cookie auth, no compression) the latency of:
# KB home, a random KB article page, KB search, portal home (anonymous and signed in), the
# customer's request list and a random one of their request pages — at c=1 (rendering time)
# and c=8. Target: p99 ≤ 5 ms.
#
# Called by bench/run after its reads (server running on the 100k-ticket data dir), with BASE,
# DATA, WORK, BENCH_AUTH, BENCH_DIR, RES (results file, "name rep k=v ..." lines) set. Alone,
# it sets everything up itself on a fresh data dir:
#   BENCH_TICKETS=100000 bench/pages.sh            (prints a table; BENCH_BUILD, default build)
# Knobs: BENCH_PAGES_SECONDS (5), BENCH_REPEAT (3), BENCH_ARTICLES (1000).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECS=${BENCH_PAGES_SECONDS:-5}
REPEAT=${BENCH_REPEAT:-3}
ARTICLES=${BENCH_ARTICLES:-1000}
say() { printf '[pages %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }
for tool in wrk curl sqlite3 python3; do
	command -v $tool >/dev/null || die "$tool is not installed (scripts/bootstrap bench)"
done

STANDALONE=0
SERVER_PID=
if [ -z "${BASE:-}" ]; then
	STANDALONE=1
	BUILD=${BENCH_BUILD:-build}
	TICKETS=${BENCH_TICKETS:-100000}
	ninja -C "$BUILD" helpo bench-direct >/dev/null || die "build failed (ninja -C $BUILD)"
	HELPO=$ROOT/$BUILD/helpo
	WORK=$(mktemp -d "${BENCH_WORK:-/var/tmp}/helpo-pages.XXXXXX")
	DATA=$WORK/data
	RES=$WORK/results
	: >"$RES"
	cleanup() {
		[ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
		if [ "${BENCH_KEEP:-0}" = 1 ]; then say "scratch kept in $WORK"; else rm -rf "$WORK"; fi
	}
	trap cleanup EXIT
	EMAIL=bench-admin@example.com
	"$HELPO" init --data "$DATA" >/dev/null 2>&1
	"$HELPO" user add --data "$DATA" --role admin --email "$EMAIL" --name "Bench Admin" >/dev/null
	TOKEN=$("$HELPO" token create --data "$DATA" --email "$EMAIL")
	export BENCH_AUTH="Basic $(printf '%s' "$EMAIL/token:$TOKEN" | base64 -w0)"
	export BENCH_DIR=$ROOT/bench
	say "seeding $TICKETS tickets"
	"$ROOT/$BUILD/bench-direct" seed "$DATA/helpo.db" "$TICKETS" >/dev/null ||
		die "bench-direct seed failed"
	port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
	PORT=${BENCH_PORT:-18180}
	while ! port_free "$PORT"; do PORT=$((PORT + 1)); done
	BASE=http://127.0.0.1:$PORT
	"$HELPO" serve --data "$DATA" --listen "127.0.0.1:$PORT" 2>>"$WORK/server.log" &
	SERVER_PID=$!
	for _ in $(seq 100); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")" = 200 ] && break
		sleep 0.1
	done
fi
: "${DATA:?}" "${WORK:?}" "${BENCH_AUTH:?}" "${RES:?}"
export BENCH_DIR=${BENCH_DIR:-$ROOT/bench}
DB=$DATA/helpo.db
P=$WORK/pages
mkdir -p "$P"

# ---- 1,000 articles through the API ----
say "seeding $ARTICLES KB articles through /api/v2/help_center"
t0=$(date +%s.%N)
SEEDED=$(bench/pages-seed.py "$BASE" "$ARTICLES" "$P") || die "KB seeding failed"
say "$SEEDED in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s"

# ---- a customer with many requests, signed in by password ----
sq() { sqlite3 "$DB" "PRAGMA busy_timeout=5000; $1" | tail -1; }
CUST=$(sq "SELECT t.requester_id FROM tickets t JOIN users u ON u.id = t.requester_id
	WHERE u.role = 'end-user' GROUP BY t.requester_id ORDER BY count(*) DESC LIMIT 1")
[ -n "$CUST" ] || die "no end-user requester in the database (seed tickets first)"
CUST_EMAIL=$(sq "SELECT email FROM users WHERE id = $CUST")
CUST_N=$(sq "SELECT count(*) FROM tickets WHERE requester_id = $CUST")
sqlite3 "$DB" "PRAGMA busy_timeout=5000; SELECT '/requests/' || id FROM tickets
	WHERE requester_id = $CUST ORDER BY random() LIMIT 200" | grep '^/requests/' >"$P/request-paths.txt"
PW=bench-customer-pw-$RANDOM$RANDOM
curl -sf -o /dev/null -H "Authorization: $BENCH_AUTH" -H 'Content-Type: application/json' \
	-d "{\"password\":\"$PW\"}" "$BASE/api/v2/users/$CUST/password" ||
	die "cannot set the customer's password"
COOKIE=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
	-d "{\"session\":{\"email\":\"$CUST_EMAIL\",\"password\":\"$PW\"}}" "$BASE/api/v2/sessions" |
	sed -n 's/^[Ss]et-[Cc]ookie: helpo_session=\([^;]*\).*/\1/p' | head -1)
[ -n "$COOKIE" ] || die "cannot sign the customer in (POST /api/v2/sessions)"
TICKETS_NOW=$(sq "SELECT count(*) FROM tickets")
ARTICLES_NOW=$(sq "SELECT count(*) FROM kb_articles")
say "customer $CUST_EMAIL has $CUST_N requests; $TICKETS_NOW tickets, $ARTICLES_NOW articles"
echo "pages_meta 0 tickets=$TICKETS_NOW articles=$ARTICLES_NOW customer_requests=$CUST_N" >>"$RES"

# ---- check every page once: 200 and HTML (signed-in ones not a sign-in redirect) ----
check() { # PATH COOKIE? — prints the status
	local c=()
	[ -n "${2:-}" ] && c=(-H "Cookie: helpo_session=$2")
	curl -s -o "$P/check.html" -w '%{http_code} %{content_type}' "${c[@]}" "$BASE$1"
}
need() {
	local got; got=$(check "$@")
	case "$got" in 200\ text/html*) ;; *) die "GET $1 -> $got (expected 200 text/html): $(head -c 300 "$P/check.html")" ;; esac
}
ART1=$(head -1 "$P/article-paths.txt")
REQ1=$(head -1 "$P/request-paths.txt")
Q_SEARCH=printer
need /hc/en
need "$ART1"
need "/hc/en/search?query=$Q_SEARCH"
grep -q 'articles/' "$P/check.html" || die "KB search for '$Q_SEARCH' found no article"
need /
need / "$COOKIE"
need /requests "$COOKIE"
grep -q "/requests/" "$P/check.html" || die "/requests lists no request for the customer"
need "$REQ1" "$COOKIE"

# ---- measure ----
run() { # NAME REP CONC PATH COOKIE PATHS_FILE
	local name=$1 rep=$2 conc=$3 line
	BENCH_PATH=$4 BENCH_COOKIE=$5 BENCH_PATHS_FILE=$6 wrk -c "$conc" -t "$((conc < 2 ? conc : 2))" \
		-d "${SECS}s" --latency -s bench/pages.lua "$BASE/" >"$P/wrk.$name.$rep.txt" 2>&1 || true
	line=$(grep '^BENCH ' "$P/wrk.$name.$rep.txt" | head -1 || true)
	[ -n "$line" ] || { cat "$P/wrk.$name.$rep.txt" >&2; die "wrk gave no result for $name"; }
	echo "$name $rep ${line#BENCH } load1=$(cut -d' ' -f1 /proc/loadavg)" >>"$RES"
	say "$name #$rep: $(echo "$line" | tr ' ' '\n' | sed -n 's/^rps=//p') req/s, p99 $(echo "$line" | tr ' ' '\n' | sed -n 's/^p99_ms=//p') ms"
}
for rep in $(seq "$REPEAT"); do
	for c in 1 8; do
		run "page_kb_home_c$c" "$rep" $c /hc/en "" ""
		run "page_kb_article_c$c" "$rep" $c / "" "$P/article-paths.txt"
		run "page_kb_search_c$c" "$rep" $c "/hc/en/search?query=$Q_SEARCH" "" ""
		run "page_portal_home_c$c" "$rep" $c / "" ""
		run "page_portal_home_signed_c$c" "$rep" $c / "$COOKIE" ""
		run "page_requests_c$c" "$rep" $c /requests "$COOKIE" ""
		run "page_request_c$c" "$rep" $c / "$COOKIE" "$P/request-paths.txt"
	done
done

if [ "$STANDALONE" = 1 ]; then
	# a Markdown table like bench/run's "Portal and knowledge-base pages" section
	median() { sort -g | awk '{v[NR] = $1} END {if (!NR) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
	med() { awk -v n="$1" '$1 == n' "$RES" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k {print $2}' | median; }
	sum() { awk -v n="$1" '$1 == n' "$RES" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k {s += $2} END {print s + 0}'; }
	echo "$TICKETS_NOW tickets, $ARTICLES_NOW articles, customer with $CUST_N requests; median of $REPEAT runs of $SECS s; $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	echo "| page | c | req/s | p50 | p90 | p95 | p99 | non-2xx (all runs) |"
	echo "|---|---|---|---|---|---|---|---|"
	for n in kb_home kb_article kb_search portal_home portal_home_signed requests request; do
		for c in 1 8; do
			m=page_${n}_c$c
			printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$n" "$c" "$(med "$m" rps)" \
				"$(med "$m" p50_ms)" "$(med "$m" p90_ms)" "$(med "$m" p95_ms)" "$(med "$m" p99_ms)" \
				"$(sum "$m" non2xx)"
		done
	done
	echo
	echo '```'
	cat "$RES"
	echo '```'
fi
