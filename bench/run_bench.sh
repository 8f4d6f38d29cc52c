#!/usr/bin/env bash
# make bench: the load benchmark on PostgreSQL (database portal_bench), gunicorn (2 workers) and a Celery
# worker on 127.0.0.1, driven by locust (20 users, 60 s measured after a 30-s warm-up, headless). Prints requests
# per second and p50/p95/p99 per page and the CPU seconds of each component, also written to bench/results/.
# Everything it starts stops with it (trap).
# The database is made again at every run (about 15 s): the presidents' approvals of a run would otherwise
# leave the next run nothing to approve, and its figures would not compare.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
RESULTS=bench/results
PORT=${BENCH_PORT:-8100}
USERS=${BENCH_USERS:-20}
RUN_TIME=${BENCH_RUN_TIME:-60s}
# Before the measured minute, the agents browse for WARMUP (not measured): the dataset is written in bulk and
# every cached page starts empty, which a portal in service never sees (its cache outlives deployments).
# The presidents wait for the measured minute, so that all its approvals happen in it. BENCH_WARMUP=0: none.
WARMUP=${BENCH_WARMUP:-30s}
mkdir -p "$RESULTS"

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal_bench"
export CELERY_BROKER_URL="redis://127.0.0.1:6379/0"
# Sessions and the cache in Redis (db 1), as in production with several web processes (cached_db sessions).
export CACHE_URL="redis://127.0.0.1:6379/1"
export DJANGO_SETTINGS_MODULE=portal.settings
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY="bench-secret-key-only-for-the-load-benchmark-0123456789"
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

echo "== migrate, static files, dataset"
$BIN/python manage.py migrate --noinput -v 0
$BIN/python manage.py collectstatic --noinput -v 0
$BIN/python bench/generate.py

# Two worker processes of 2 threads each (gthread): a thread waiting for PostgreSQL or Redis leaves the
# processor to the other; with 4 threads each the interpreter lock was handed around more and the same run gave
# 194 requests/s instead of 207–216. No keep-alive: locust's 20 connections would each stay on the worker that
# accepted it, and one worker (one interpreter lock, one core at most) was seen holding 14 of them, at 90 % of a
# core while the other idled at 40 %; closed after each response, the next request goes to whichever worker
# accepts it first.
echo "== gunicorn (2 workers, ${BENCH_THREADS:-2} threads each) and a Celery worker on 127.0.0.1"
$BIN/gunicorn portal.wsgi:application --workers 2 --worker-class gthread --threads "${BENCH_THREADS:-2}" \
  --keep-alive "${BENCH_KEEPALIVE:-0}" --bind "127.0.0.1:$PORT" --log-level warning \
  >"$RESULTS/gunicorn.log" 2>&1 &
pids+=($!)
$BIN/celery -A portal worker --concurrency 1 --loglevel WARNING -Q celery,pdf,imports \
  >"$RESULTS/celery.log" 2>&1 &
pids+=($!)
for _ in $(seq 30); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/compte/connexion/" && break
  sleep 0.5
done

if [ "$WARMUP" != "0" ] && [ "$WARMUP" != "0s" ]; then
  echo "== warm-up: the agents for $WARMUP (not measured)"
  $BIN/locust -f bench/locustfile.py SecretariatAgent --headless --users 15 --spawn-rate 15 --run-time "$WARMUP" \
    --host "http://127.0.0.1:$PORT" --only-summary --loglevel WARNING >"$RESULTS/warmup.log" 2>&1
fi

# CPU seconds used so far by the web workers, PostgreSQL and Redis (ps' cumulative times), to tell after
# the run where the two cores went.
cpu_seconds() {
  ps -o times= "$@" 2>/dev/null | awk '{s += $1} END {print s + 0}'
}
web_workers=$(pgrep -d, -P "${pids[0]}")
web_before=$(cpu_seconds -p "$web_workers")
pg_before=$(cpu_seconds -C postgres)
redis_before=$(cpu_seconds -C redis-server)

echo "== locust: $USERS users for $RUN_TIME, access to meetings and RDDs: ${BENCH_ACCESS:-recent}"
status=0
$BIN/python bench/cpu_of.py "$RESULTS/locust_cpu.txt" $BIN/locust -f bench/locustfile.py --headless --users "$USERS" --spawn-rate "$USERS" --run-time "$RUN_TIME" \
  --host "http://127.0.0.1:$PORT" --csv "$RESULTS/bench" --only-summary --loglevel WARNING \
  >"$RESULTS/locust.log" 2>&1 || status=$?
$BIN/python bench/report.py "$RESULTS/bench_stats.csv" | tee "$RESULTS/summary.txt"
{
  echo "CPU seconds during the run: gunicorn workers $(($(cpu_seconds -p "$web_workers") - web_before)), PostgreSQL $(($(cpu_seconds -C postgres) - pg_before)), Redis $(($(cpu_seconds -C redis-server) - redis_before))"
  echo "locust $(cat "$RESULTS/locust_cpu.txt"), out of $(($(nproc) * ${RUN_TIME%s})) on $(nproc) cores in ${RUN_TIME}"
} | tee -a "$RESULTS/summary.txt"
if [ "$status" -ne 0 ]; then
  echo "locust failed (exit $status): see $RESULTS/locust.log" >&2
fi
exit "$status"
