#!/usr/bin/env bash
# `make run`: start the stack in .run/, migrate the database, add a demo
# bootstrap credential, start acs-inventory, acs-gateway and acs-provision
# (policy examples/policy/bootstrap.json unless ACS_PROVISION_POLICY), print how to use
# them, and stay in the foreground. Ctrl-C (or SIGTERM) stops everything; a
# service that dies stops everything too, with a non-zero exit.
set -euo pipefail
HY_PROG=run
# shellcheck source=deploy/local/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$HALYARD_ROOT"

export HALYARD_STATE=${HALYARD_STATE:-$HALYARD_ROOT/.run}
GW_LISTEN=${HALYARD_GW_LISTEN:-127.0.0.1:47900}
GW_METRICS=${HALYARD_GW_METRICS:-127.0.0.1:47901}
INV_METRICS=${HALYARD_INV_METRICS:-127.0.0.1:47902}
PROV_METRICS=${HALYARD_PROV_METRICS:-127.0.0.1:47903}
export HALYARD_GATEWAYS=$GW_LISTEN
export HALYARD_NGINX_WORKERS=${HALYARD_NGINX_WORKERS:-auto}
STACK=$HALYARD_ROOT/deploy/local/stack.sh
BIN=${HALYARD_BIN:-$HALYARD_ROOT/build/bin}
LOGS=$HALYARD_STATE/logs

# Demo bootstrap credential for the simulated fleet.
DEMO_OUI=DEC0DE
DEMO_USER=bootstrap
DEMO_PASS=bootstrap
REALM=${ACS_AUTH_REALM:-halyard}

for b in acs-gateway acs-inventory acs-provision acsctl; do
    [[ -x $BIN/$b ]] || hy_die "$BIN/$b is missing: run 'make bins' (make run does)"
done

declare -A PIDS=()
stopping=0

stop_all() {
    local name
    ((stopping)) && return 0
    stopping=1
    for name in acs-gateway acs-provision acs-inventory; do # gateway first: it drains to the broker
        [[ -n ${PIDS[$name]:-} ]] || continue
        hy_log "stopping $name (pid ${PIDS[$name]})"
        hy_stop_pid "${PIDS[$name]}" 20 || true
    done
    bash "$STACK" stop || true
}

on_signal() {
    echo >&2
    hy_log "signal received, shutting down"
    stop_all
    exit 0
}
on_exit() {
    local rc=$?
    stop_all
    exit "$rc"
}
trap on_signal INT TERM
trap on_exit EXIT

bash "$STACK" start
eval "$(bash "$STACK" env)"
export ACS_AMQP_URL ACS_PG_DSN HALYARD_CWMP_URL

# One key per .run directory, so cookies survive a restart of make run.
if [[ ! -s $HALYARD_STATE/cookie.key ]]; then
    (umask 077 && hy_random_hex64 >"$HALYARD_STATE/cookie.key")
fi
export ACS_COOKIE_KEY
ACS_COOKIE_KEY=$(cat "$HALYARD_STATE/cookie.key")
# Seals connection-request passwords in PostgreSQL (acs_secret.h); losing it
# means re-provisioning every device's connection-request credentials.
if [[ ! -s $HALYARD_STATE/secret.key ]]; then
    (umask 077 && hy_random_hex64 >"$HALYARD_STATE/secret.key")
fi
export ACS_SECRET_KEY
ACS_SECRET_KEY=$(cat "$HALYARD_STATE/secret.key")
export ACS_FILES_URL ACS_FILE_STORE ACS_FILES_SECRET
export ACS_SQL_DIR=${ACS_SQL_DIR:-$HALYARD_ROOT/deploy/sql}
export ACS_LOG_LEVEL=${ACS_LOG_LEVEL:-info}

hy_log "applying migrations"
if ! "$BIN/acs-inventory" --migrate >"$LOGS/migrate.log" 2>&1; then
    hy_tail "$LOGS/migrate.log"
    hy_die "acs-inventory --migrate failed"
fi

PG_PORT=$(sed -n 's/^HALYARD_PG_PORT=//p' "$HALYARD_STATE/stack.env")
psql_halyard() {
    psql -X -q -v ON_ERROR_STOP=1 -tA -h 127.0.0.1 -p "$PG_PORT" -U halyard -d halyard
}
HA1=$(hy_md5 "$DEMO_USER:$REALM:$DEMO_PASS")
psql_halyard <<SQL
INSERT INTO bootstrap_credentials (oui, product_class, username, ha1, realm)
VALUES ('$DEMO_OUI', '*', '$DEMO_USER', '$HA1', '$REALM')
ON CONFLICT (oui, product_class, username)
DO UPDATE SET ha1 = EXCLUDED.ha1, realm = EXCLUDED.realm;
SQL

# start_service NAME ENV...: run build/bin/NAME with extra env, log to a file.
start_service() {
    local name=$1
    shift
    env "$@" setsid "$BIN/$name" >>"$LOGS/$name.log" 2>&1 </dev/null &
    PIDS[$name]=$!
    hy_log "$name started (pid $!, log $LOGS/$name.log)"
}

healthy() { curl -fs -o /dev/null --max-time 2 "http://$1/healthz"; }

await_health() {
    local name=$1 addr=$2 deadline=$((SECONDS + 30))
    until healthy "$addr"; do
        if ! hy_pid_alive "${PIDS[$name]}" || ((SECONDS >= deadline)); then
            hy_tail "$LOGS/$name.log" 40
            hy_die "$name did not become healthy on http://$addr/healthz"
        fi
        sleep 0.2
    done
}

start_service acs-inventory ACS_METRICS_ADDR="$INV_METRICS"
start_service acs-gateway ACS_GW_LISTEN="$GW_LISTEN" ACS_METRICS_ADDR="$GW_METRICS" \
    ACS_GW_ID="${ACS_GW_ID:-gw1}"
start_service acs-provision ACS_METRICS_ADDR="$PROV_METRICS" \
    ACS_PROVISION_POLICY="${ACS_PROVISION_POLICY:-$HALYARD_ROOT/examples/policy/bootstrap.json}"
await_health acs-inventory "$INV_METRICS"
await_health acs-gateway "$GW_METRICS"
await_health acs-provision "$PROV_METRICS"

cat <<EOF

Halyard is running (state and logs in $HALYARD_STATE).

  Point a CPE at     $HALYARD_CWMP_URL
  bootstrap login    user '$DEMO_USER', password '$DEMO_PASS' (realm $REALM),
                     accepted for OUI $DEMO_OUI, any ProductClass

  Simulated fleet    build/bin/cpe-sim --acs $HALYARD_CWMP_URL --count 100 --oui $DEMO_OUI \\
                       --username $DEMO_USER --password $DEMO_PASS --sessions 0 --interval 60
  Metrics            http://$GW_METRICS/metrics   (acs-gateway)
                     http://$INV_METRICS/metrics   (acs-inventory)
                     http://$PROV_METRICS/metrics   (acs-provision)
  Operator CLI       eval "\$(bash deploy/local/stack.sh env)"; build/bin/acsctl devices
  File store         $ACS_FILE_STORE (served at $ACS_FILES_URL/files/)
  Database           psql -h 127.0.0.1 -p $PG_PORT -U halyard halyard
  Broker             $ACS_AMQP_URL
  Logs               tail -f $LOGS/acs-gateway.log $LOGS/acs-inventory.log $LOGS/acs-provision.log

Press Ctrl-C to stop everything.
EOF

# Stay in the foreground; `sleep & wait` lets the traps run at once.
while :; do
    for name in "${!PIDS[@]}"; do
        if ! hy_pid_alive "${PIDS[$name]}"; then
            rc=0
            wait "${PIDS[$name]}" || rc=$?
            unset "PIDS[$name]"
            hy_log "$name exited unexpectedly (status $rc)"
            hy_tail "$LOGS/$name.log" 40
            exit 1
        fi
    done
    sleep 1 &
    wait $! || true
done
