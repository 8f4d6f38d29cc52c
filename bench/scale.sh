#!/usr/bin/env bash
# make bench-scale: the pages and commands at national size. Two datasets on PostgreSQL, BENCH_SCALE=1 and
# BENCH_SCALE=20 (bench/generate.py; kept between runs: the national one takes 4–10 minutes to write, depending on
# the machine's load; BENCH_REGENERATE=1 writes both again, BENCH_GENERATE_ONLY=1 stops once they are written),
# each main page and admin changelist measured on both in the same minutes (bench/scale.py run: a worker per
# scale, taking turns request by request, BENCH_ROUNDS rounds of BENCH_REQUESTS warm requests each: queries, cold,
# warm median and p95), then verify_trails on both (wall and processor seconds). Prints the README's table;
# everything is written to bench/results/scale/.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
RESULTS=bench/results/scale
ROUNDS=${BENCH_ROUNDS:-6}
REQUESTS=${BENCH_REQUESTS:-50}
PREFIX=${BENCH_DATABASE_PREFIX:-portal_bench_scale}
mkdir -p "$RESULTS"
rm -f "$RESULTS"/round-*.json "$RESULTS"/scale-*.json

export DJANGO_SETTINGS_MODULE=portal.settings DJANGO_DEBUG=0
export DJANGO_SECRET_KEY="bench-secret-key-only-for-the-load-benchmark-0123456789"
export TRAIL_KEYS="bench:$(printf bench-trail-key | sha256sum | cut -c1-64)"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,testserver
export SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0
export ADMIN_REQUIRE_OTP=0 HEALTH_CHECK_CELERY_WORKERS=0 LOG_LEVEL=WARNING
# The page cache in Redis, as in production: db 5 (BENCH_REDIS_DB), the benchmarks' own (other engineers' tests
# and workers use 0, 3 and 4 on the shared machine); bench/scale.py empties it before each cold request.
export CACHE_URL=${BENCH_CACHE_URL:-redis://127.0.0.1:6379/${BENCH_REDIS_DB:-5}}

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
fi
$BIN/python manage.py collectstatic --noinput -v 0

for scale in 1 20; do
  database="${PREFIX}$scale"
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$database"
  exists=$(psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'")
  if [ "${BENCH_REGENERATE:-0}" = 1 ] || [ "$exists" != 1 ]; then
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)"
    psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $database"
  fi
  $BIN/python manage.py migrate --noinput -v 0
  echo "== $(date +%T) dataset of scale $scale ($database)"
  BENCH_SCALE=$scale BENCH_TARGETS="$RESULTS/targets-$scale.json" $BIN/python bench/generate.py
done
# BENCH_GENERATE_ONLY=1: write the datasets and stop (the national one takes ten minutes; measure later).
if [ "${BENCH_GENERATE_ONLY:-0}" = 1 ]; then
  exit 0
fi

# Both sizes in the same minutes: a worker per scale, taking turns request by request (bench/scale.py run).
$BIN/python bench/scale.py run --rounds "$ROUNDS" -n "$REQUESTS" \
  --scale 1 "postgres://postgres@127.0.0.1:5432/${PREFIX}1" "$RESULTS/targets-1.json" \
  --scale 20 "postgres://postgres@127.0.0.1:5432/${PREFIX}20" "$RESULTS/targets-20.json" "$RESULTS"

for scale in 1 20; do
  echo "== $(date +%T) verify_trails, scale $scale"
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/${PREFIX}$scale" /usr/bin/time -f "wall %e s, processor %U s user + %S s system" \
    $BIN/python manage.py verify_trails 2>&1 | tee "$RESULTS/verify-trails-$scale.txt"
done

$BIN/python bench/scale.py compare "$RESULTS" | tee "$RESULTS/summary.md"
