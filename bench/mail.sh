#!/usr/bin/env bash
# bench/mail.sh — e-mail ingest throughput: messages parsed and committed per second by
# `helpo mail-process` for a typical ~30 KB message with one attachment (bench/mail-gen.py).
# Spools N messages with `helpo mail-in` (not timed), then times one `helpo mail-process` over
# the whole spool (durable commits: synchronous=FULL) and prints "mail ingest: X msg/s".
#
# Environment: HELPO_BIN (build/helpo), BENCH_MAIL_N (2000), BENCH_WORK (parent of the scratch
# dir, /var/tmp), BENCH_KEEP (1 = keep the scratch dir).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${HELPO_BIN:-build/helpo}
case "$bin" in /*) ;; *) bin=$PWD/$bin ;; esac
n=${BENCH_MAIL_N:-2000}
[ -x "$bin" ] || { echo "bench/mail.sh: $bin is not an executable" >&2; exit 2; }
work=$(mktemp -d "${BENCH_WORK:-/var/tmp}/helpo-mailbench.XXXXXX")
cleanup() { if [ -z "${BENCH_KEEP:-}" ]; then rm -rf "$work"; else echo "kept $work" >&2; fi; }
trap cleanup EXIT

data=$work/data
"$bin" init --data "$data" >/dev/null
"$bin" mailbox add --data "$data" --email support@helpo.test --name Support >/dev/null
python3 bench/mail-gen.py "$n" "$work/msgs"
bytes=$(du -sb "$work/msgs" | cut -f1)
echo "bench/mail.sh: spooling $n messages ($((bytes / n)) bytes each on average)" >&2
find "$work/msgs" -name '*.eml' -print0 |
	xargs -0 -P 4 -n 1 sh -c 'exec "$0" mail-in --data "$1" --mailbox support@helpo.test < "$2"' \
		"$bin" "$data"
spooled=$(find "$data/spool/new" -type f | wc -l)
[ "$spooled" -eq "$n" ] || { echo "bench/mail.sh: only $spooled of $n spooled" >&2; exit 1; }

start=$(date +%s.%N)
out=$("$bin" mail-process --data "$data")
end=$(date +%s.%N)
[ "$out" = "processed $n" ] || { echo "bench/mail.sh: mail-process said '$out'" >&2; exit 1; }
tickets=$(sqlite3 "$data/helpo.db" 'SELECT count(*) FROM tickets')
atts=$(sqlite3 "$data/helpo.db" 'SELECT count(*) FROM attachments')
python3 - "$n" "$start" "$end" "$tickets" "$atts" <<'PY'
import sys
n, start, end, tickets, atts = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
secs = end - start
print(f"mail ingest: {n / secs:.0f} msg/s ({n} messages in {secs:.2f} s; {tickets} tickets, {atts} attachments)")
PY
