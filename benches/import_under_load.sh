#!/usr/bin/env bash
# Save latency while a 50,000-question bank is imported during a running exam.
#
#   benches/import_under_load.sh            # SQLite
#   DB=postgres benches/import_under_load.sh  # PostgreSQL at 127.0.0.1:5432 (a fresh database)
#
# Starts the release server on a fresh database, has loadgen seat CANDIDATES candidates (default
# 2,000) saving one answer every SAVE_MS (default 2,000 ms: 1,000 saves/s) for DURATION_S seconds,
# and posts the bank file at IMPORT_AT_S; loadgen prints the saves that overlapped the import on a
# line of their own ("saves during the import") next to the whole run's figures.
set -euo pipefail
cd "$(dirname "$0")/.."
QUESTIONS=${QUESTIONS:-50000}
CANDIDATES=${CANDIDATES:-2000}
SAVE_MS=${SAVE_MS:-2000}
DURATION_S=${DURATION_S:-40}
IMPORT_AT_S=${IMPORT_AT_S:-10}
PORT=${PORT:-18090}
PW=bench-admin-pw
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

cargo build --release --bins -q
bin=target/release/exam-platform
"$bin" gen-bank --questions "$QUESTIONS" --format native -o "$work/bank.toml" >/dev/null
if [ "${DB:-sqlite}" = postgres ]; then
  name="exam_bench_$$"
  psql postgres://postgres@127.0.0.1:5432/postgres -qc "CREATE DATABASE $name"
  url="postgres://postgres@127.0.0.1:5432/$name"
  trap 'kill "$server" 2>/dev/null || true; sleep 1; psql postgres://postgres@127.0.0.1:5432/postgres -qc "DROP DATABASE IF EXISTS $name"; rm -rf "$work"' EXIT
else
  url="sqlite://$work/exam.db"
fi
BIND=127.0.0.1:$PORT DATABASE_URL=$url ADMIN_PASSWORD=$PW BANK_DIR= RUST_LOG=error \
  "$bin" serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/api/health" >/dev/null && break; sleep 0.2; done
base="http://127.0.0.1:$PORT"
target/release/loadgen setup --base "$base" --candidates "$CANDIDATES" --admin-password "$PW" \
  --file "$work/candidates.csv" | tail -n 2
target/release/loadgen run --base "$base" --file "$work/candidates.csv" \
  --save-interval-ms "$SAVE_MS" --duration-s "$DURATION_S" --ramp-s 5 \
  --import "$work/bank.toml" --import-at-s "$IMPORT_AT_S" --admin-password "$PW" --server-pid "$server"
