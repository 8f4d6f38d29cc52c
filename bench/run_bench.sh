#!/usr/bin/env bash
# make bench: the load benchmark on PostgreSQL (database portal_bench), gunicorn (2 workers) and a Celery
# worker on 127.0.0.1, driven by locust (20 users, headless). Three interleaved rounds, each of two phases: the
# portal's mixed workload, then the reference page (bench/views.py: the same middleware and session, ten Person
# gets, a 20-line template, no cache), each measured for 45 s after a 10-s warm-up of its own, under the same
# gunicorn, database and sessions; before the first round, the agents browse for 45 s more to fill the page
# cache. Prints, per round and phase, requests per second and p50/p95/p99 per page and the CPU seconds of each
# component, then the ratio portal / reference of each round and their median (the figure that a shared
# machine's load moves least); all written to bench/results/ (summary.txt).
# Everything it starts stops with it (trap). About 8 minutes on a loaded 2-core machine (the timeout: 12).
# The database is made again at every run (about 15 s): the presidents' approvals of a run would otherwise
# leave the next run nothing to approve, and its figures would not compare.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
RESULTS=bench/results
PORT=${BENCH_PORT:-8100}
USERS=${BENCH_USERS:-20}
ROUNDS=${BENCH_ROUNDS:-3}
# In seconds ("45s"). Six measured phases and their warm-ups keep `make bench` within about 8 minutes; before
# the reference page was measured with it, the run had one phase of 60 s after a 30-s warm-up.
RUN_TIME=${BENCH_RUN_TIME:-45s}
# Before each measured phase, its users browse for WARMUP (not measured), so that a phase starts on workers,
# connections and cache entries in use rather than on what the other page left. The portal's warm-up is done by
# agents only: the presidents wait for the measured phase, so that all its approvals happen in it.
# Before the first round, the agents also browse for FILL (not measured): the dataset is written in bulk and
# every cached page starts empty, which a portal in service never sees (its cache outlives deployments).
# On a loaded machine a 20-s warm-up made 360 requests and left the first round on a cold cache (its throughput
# 40 % of the third round's). Asking every page once instead (2,240 pages) took 164 s, and all those entries
# then expired together 5 minutes later (PAGE_CACHE_TIMEOUT), in the middle of the third round.
# BENCH_WARMUP=0: neither (the portal's cache starts empty, the hardest case).
WARMUP=${BENCH_WARMUP:-10s}
FILL=${BENCH_FILL:-45s}
mkdir -p "$RESULTS"
rm -f "$RESULTS"/portal-* "$RESULTS"/reference-*

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal_bench"
# Redis db 5 (BENCH_REDIS_DB), the benchmarks' own on this shared machine (other engineers' tests and workers use
# 0, 3 and 4: a worker of theirs on the same broker database would take this run's tasks): the broker, and the
# sessions and cache, as in production with several web processes (cached_db sessions); their keys do not meet.
export CELERY_BROKER_URL="redis://127.0.0.1:6379/${BENCH_REDIS_DB:-5}"
export CACHE_URL="redis://127.0.0.1:6379/${BENCH_REDIS_DB:-5}"
export DJANGO_SETTINGS_MODULE=portal.settings
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY="bench-secret-key-only-for-the-load-benchmark-0123456789"
# The trail's key (production refuses to start without one): a fixed one, for this benchmark's database only.
export TRAIL_KEYS="bench:$(printf bench-trail-key | sha256sum | cut -c1-64)"
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0
export CONN_MAX_AGE=600
export ADMIN_REQUIRE_OTP=0
export HEALTH_CHECK_CELERY_WORKERS=0
export LOG_LEVEL=WARNING
export MEDIA_ROOT="$PWD/$RESULTS/media"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  sleep 1
  for pid in "${pids[@]}"; do
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT INT TERM

$BIN/pip install --quiet -r bench/requirements.txt

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS portal_bench WITH (FORCE)"
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE portal_bench"

echo "== $(date +%T) migrate, static files, dataset"
$BIN/python manage.py migrate --noinput -v 0
$BIN/python manage.py collectstatic --noinput -v 0
$BIN/python bench/generate.py

# Two worker processes of 2 threads each (gthread): a thread waiting for PostgreSQL or Redis leaves the
# processor to the other; with 4 threads each the interpreter lock was handed around more and the same run gave
# 194 requests/s instead of 207–216. No keep-alive: locust's 20 connections would each stay on the worker that
# accepted it, and one worker (one interpreter lock, one core at most) was seen holding 14 of them, at 90 % of a
# core while the other idled at 40 %; closed after each response, the next request goes to whichever worker
# accepts it first.
echo "== $(date +%T) gunicorn (2 workers, ${BENCH_THREADS:-2} threads each, bench.settings) and a Celery worker on 127.0.0.1"
# bench.settings: the portal's settings and URLconf plus the reference page, served only here.
DJANGO_SETTINGS_MODULE=bench.settings $BIN/gunicorn portal.wsgi:application --workers 2 --worker-class gthread \
  --threads "${BENCH_THREADS:-2}" --keep-alive "${BENCH_KEEPALIVE:-0}" --bind "127.0.0.1:$PORT" --log-level warning \
  >"$RESULTS/gunicorn.log" 2>&1 &
pids+=($!)
$BIN/celery -A portal worker --concurrency 1 --loglevel WARNING -Q celery,pdf,imports \
  >"$RESULTS/celery.log" 2>&1 &
pids+=($!)
for _ in $(seq 30); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/compte/connexion/" && break
  sleep 0.5
done

# The same users, spawn rate and host in every warm-up and measured phase.
LOCUST=("$BIN/locust" -f bench/locustfile.py --headless --users "$USERS" --spawn-rate "$USERS"
  --host "http://127.0.0.1:$PORT" --only-summary --loglevel WARNING)

if [ "$WARMUP" != "0" ] && [ "$WARMUP" != "0s" ]; then
  echo "== $(date +%T) page cache: the agents browse for $FILL (not measured)"
  "${LOCUST[@]}" SecretariatAgent --run-time "$FILL" >"$RESULTS/fill.log" 2>&1 || true
fi

# "pid cumulative-CPU-seconds component" of the web workers, of PostgreSQL's processes working for
# portal_bench (other engineers' databases share the server) and of Redis (shared as well), to tell after
# each phase where the two cores went: a process started during the phase counts in full.
cpu_snapshot() {
  ps -o pid=,times= --ppid "${pids[0]}" | awk '{print $1, $2, "gunicorn"}' || true
  ps -C postgres -o pid=,times=,args= | awk '/ portal_bench / {print $1, $2, "postgres"}' || true
  ps -C redis-server -o pid=,times= | awk '{print $1, $2, "redis"}' || true
}
cpu_spent() {
  awk 'NR == FNR {before[$1] = $2; next} {spent[$3] += $2 - before[$1]}
    END {printf "gunicorn %d postgres %d redis %d", spent["gunicorn"], spent["postgres"], spent["redis"]}' "$1" "$2"
}

# phase NAME ROUND WARM-UP-CLASSES -- MEASURED-CLASSES: a warm-up, then the measured phase, written to
# bench/results/NAME-ROUND_stats.csv (locust) and NAME-ROUND.cpu (the CPU seconds of each component).
status=0
phase() {
  local name=$1 round=$2 prefix="$RESULTS/$1-$2" warm=() measured=()
  shift 2
  while [ "$1" != "--" ]; do warm+=("$1"); shift; done
  shift
  measured=("$@")
  if [ "$WARMUP" != "0" ] && [ "$WARMUP" != "0s" ]; then
    echo "== $(date +%T) round $round, $name: warm-up for $WARMUP (${warm[*]}, not measured)"
    BENCH_ROUND=$round "${LOCUST[@]}" "${warm[@]}" --run-time "$WARMUP" >"$prefix-warmup.log" 2>&1 || true
  fi
  cpu_snapshot >"$prefix.cpu-before"
  echo "== $(date +%T) round $round, $name: $USERS users (${measured[*]}) for $RUN_TIME, access: ${BENCH_ACCESS:-recent}"
  BENCH_ROUND=$round $BIN/python bench/cpu_of.py "$prefix-locust-cpu.txt" \
    "${LOCUST[@]}" "${measured[@]}" --run-time "$RUN_TIME" --csv "$prefix" >"$prefix.log" 2>&1 || {
    status=$?
    echo "locust failed (exit $status): see $prefix.log" >&2
  }
  cpu_snapshot >"$prefix.cpu-after"
  echo "seconds ${RUN_TIME%s} cores $(nproc) $(cpu_spent "$prefix.cpu-before" "$prefix.cpu-after")" \
    "locust $(cat "$prefix-locust-cpu.txt")" >"$prefix.cpu"
  $BIN/python bench/report.py "${prefix}_stats.csv" | tail -n 1 || true
}

for round in $(seq "$ROUNDS"); do
  phase portal "$round" SecretariatAgent -- SecretariatAgent SectionPresident
  phase reference "$round" ReferenceUser -- ReferenceUser
done

$BIN/python bench/report.py "$RESULTS" | tee "$RESULTS/summary.txt"
exit "$status"
