#!/usr/bin/env bash
# Starts the services the tests talk to when they have stopped: PostgreSQL (127.0.0.1:5432, database
# `test`) and Redis (127.0.0.1:6379). They come with the project's machines; this only restarts them, and
# fails (naming the service and how to start it) when one still does not answer, so that a test run never
# passes with its PostgreSQL or Redis suites quietly missing.
set -uo pipefail
pg_up() { command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; }
redis_up() { command -v redis-cli >/dev/null && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; }

if ! pg_up && [ -d /etc/postgresql ]; then
  echo "Starting PostgreSQL…"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
if ! redis_up && command -v redis-server >/dev/null; then
  echo "Starting Redis…"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  for _ in $(seq 1 10); do redis_up && break; sleep 1; done
fi

missing=0
if ! pg_up; then
  echo "PostgreSQL is not answering at 127.0.0.1:5432. The tests need it (trust auth, database 'test'):" >&2
  echo "  apt-get install -y postgresql && pg_ctlcluster <version> main start" >&2
  missing=1
fi
if ! redis_up; then
  echo "Redis is not answering at 127.0.0.1:6379. The tests need it:" >&2
  echo "  apt-get install -y redis-server && redis-server --daemonize yes --bind 127.0.0.1 --port 6379" >&2
  missing=1
fi
exit "$missing"
