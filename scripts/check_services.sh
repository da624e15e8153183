#!/usr/bin/env bash
# Check that PostgreSQL, Redis and RabbitMQ answer; start them when their binaries are here.
set -u
fail() { echo "make test: $*" >&2; exit 1; }

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
rabbitmq_up() { rabbitmqctl -q await_startup --timeout 2 >/dev/null 2>&1; }

if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "PostgreSQL is not answering: starting it"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 20); do pg_up && break; sleep 0.5; done
  fi
  pg_up || fail "PostgreSQL does not answer on 127.0.0.1:5432 (user postgres, trust auth). Start it, or set TEST_DATABASE_URL."
fi

if ! redis_up; then
  if command -v redis-server >/dev/null; then
    echo "Redis is not answering: starting it"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
    for _ in $(seq 20); do redis_up && break; sleep 0.5; done
  fi
  redis_up || fail "Redis does not answer on 127.0.0.1:6379. Start it, or set TEST_REDIS_URL."
fi
if ! rabbitmq_up; then
  if command -v rabbitmq-server >/dev/null; then
    echo "RabbitMQ is not answering: starting it"
    rabbitmq-server -detached || true
    for _ in $(seq 60); do rabbitmq_up && break; sleep 1; done
  fi
  # The fault tests run on RabbitMQ too, each run on a virtual host of its own (tests/support/brokers.py).
  rabbitmq_up || fail "RabbitMQ does not answer (rabbitmqctl await_startup). Start it: rabbitmq-server -detached."
fi
echo "PostgreSQL, Redis and RabbitMQ answer."
