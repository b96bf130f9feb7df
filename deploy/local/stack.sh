#!/usr/bin/env bash
# Run Halyard's infrastructure as private, unprivileged-style local processes:
# RabbitMQ, PostgreSQL and nginx on loopback, every file under $HALYARD_STATE.
#
#   stack.sh start | stop | status | env
#   stack.sh stop-broker | start-broker | kill-broker
#   stack.sh reload-nginx          (new gateway pool from HALYARD_GATEWAYS)
#   stack.sh stop-db / start-db    (PostgreSQL alone, for outage tests)
#   stack.sh wipe                  (stop, then delete the state directory)
#
# Settings (environment; `start` records them in $HALYARD_STATE/stack.env and
# later commands fall back to the recorded values, then to the defaults):
#   HALYARD_STATE          state directory            (<repo>/.run)
#   HALYARD_AMQP_PORT      RabbitMQ AMQP port         (47672)
#   HALYARD_AMQP_DIST_PORT RabbitMQ distribution port (47673)
#   HALYARD_PG_PORT        PostgreSQL port            (47432)
#   HALYARD_HTTP_PORT      nginx CWMP port            (47547)
#   HALYARD_LISTEN         nginx listen address       (127.0.0.1)
#   HALYARD_GATEWAYS       SCGI upstreams, space separated ("127.0.0.1:47900")
#   HALYARD_NGINX_WORKERS  nginx worker_processes     (auto)
#   HALYARD_PG_FAST        1: fsync, synchronous_commit, full_page_writes off
#   HALYARD_FILE_STORE     file store root            ($HALYARD_STATE/store)
#   HALYARD_FILES_SECRET   upload URL signing secret  (generated once into
#                          $HALYARD_STATE/files.secret)
#   HALYARD_UPLOAD_MAX     largest CPE upload         (16m)
set -euo pipefail
HY_PROG=stack
# shellcheck source=deploy/local/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SETTINGS=(HALYARD_AMQP_PORT HALYARD_AMQP_DIST_PORT HALYARD_PG_PORT HALYARD_HTTP_PORT
    HALYARD_LISTEN HALYARD_GATEWAYS HALYARD_NGINX_WORKERS HALYARD_PG_FAST HALYARD_FILE_STORE
    HALYARD_UPLOAD_MAX)

STATE=${HALYARD_STATE:-$HALYARD_ROOT/.run}
mkdir -p "$STATE"
STATE=$(cd "$STATE" && pwd)
LOGS=$STATE/logs

# Recorded settings fill in whatever the environment does not set.
if [[ -f $STATE/stack.env ]]; then
    while IFS='=' read -r key val; do
        [[ " ${SETTINGS[*]} " == *" $key "* ]] || continue
        [[ -n ${!key+x} ]] || export "$key=$val"
    done <"$STATE/stack.env"
fi
AMQP_PORT=${HALYARD_AMQP_PORT:-47672}
DIST_PORT=${HALYARD_AMQP_DIST_PORT:-47673}
PG_PORT=${HALYARD_PG_PORT:-47432}
HTTP_PORT=${HALYARD_HTTP_PORT:-47547}
LISTEN=${HALYARD_LISTEN:-127.0.0.1}
GATEWAYS=${HALYARD_GATEWAYS:-127.0.0.1:47900}
NGINX_WORKERS=${HALYARD_NGINX_WORKERS:-auto}
PG_FAST=${HALYARD_PG_FAST:-0}
STORE=${HALYARD_FILE_STORE:-$STATE/store}
UPLOAD_MAX=${HALYARD_UPLOAD_MAX:-16m}
[[ $UPLOAD_MAX =~ ^[0-9]+[kKmMgG]?$ ]] || hy_die "bad HALYARD_UPLOAD_MAX: $UPLOAD_MAX"
for p in "$AMQP_PORT" "$DIST_PORT" "$PG_PORT" "$HTTP_PORT"; do
    if ! [[ $p =~ ^[0-9]+$ ]] || ((p < 1 || p > 65535)); then hy_die "bad port: $p"; fi
done

save_settings() {
    local tmp=$STATE/stack.env.tmp
    {
        echo "HALYARD_AMQP_PORT=$AMQP_PORT"
        echo "HALYARD_AMQP_DIST_PORT=$DIST_PORT"
        echo "HALYARD_PG_PORT=$PG_PORT"
        echo "HALYARD_HTTP_PORT=$HTTP_PORT"
        echo "HALYARD_LISTEN=$LISTEN"
        echo "HALYARD_GATEWAYS=$GATEWAYS"
        echo "HALYARD_NGINX_WORKERS=$NGINX_WORKERS"
        echo "HALYARD_PG_FAST=$PG_FAST"
        echo "HALYARD_FILE_STORE=$STORE"
        echo "HALYARD_UPLOAD_MAX=$UPLOAD_MAX"
    } >"$tmp"
    mv "$tmp" "$STATE/stack.env"
}

# The default ports lie inside Linux's ephemeral range (32768-60999), so an
# outgoing connection can hold one of them for a moment and make a bind fail.
# RabbitMQ and PostgreSQL starts that fail with "address in use" are retried.
log_size() { stat -c %s "$1" 2>/dev/null || echo 0; }
log_since() { tail -c +"$(($2 + 1))" "$1" 2>/dev/null; }

# ---------------------------------------------------------------- RabbitMQ

RMQ=$STATE/rabbitmq
RMQ_NODE=halyard-$AMQP_PORT@localhost
RMQ_PIDFILE=$RMQ/server.pid
RMQ_LIB=/usr/lib/rabbitmq/bin

# Run a RabbitMQ script with the private node's environment. The Erlang
# cookie lives in HOME, so server and CLI must agree on it.
rmq_env() {
    RMQ_ENV=(HOME="$RMQ/home"
        RABBITMQ_NODENAME="$RMQ_NODE"
        RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
        RABBITMQ_NODE_PORT="$AMQP_PORT"
        RABBITMQ_DIST_PORT="$DIST_PORT"
        RABBITMQ_MNESIA_BASE="$RMQ/mnesia"
        RABBITMQ_LOG_BASE="$LOGS/rabbitmq"
        RABBITMQ_CONFIG_FILE="$RMQ/rabbitmq"
        RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ/advanced.config"
        RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ/enabled_plugins"
        RABBITMQ_CONF_ENV_FILE="$RMQ/rabbitmq-env.conf"
        RABBITMQ_PID_FILE="$RMQ/beam.pid"
        ERL_EPMD_ADDRESS=127.0.0.1)
}
rmq_run() {
    rmq_env
    env "${RMQ_ENV[@]}" "$@"
}
# Same, replacing the shell: `rmq_exec ... &` leaves $! = the server's pid.
rmq_exec() {
    rmq_env
    exec env "${RMQ_ENV[@]}" "$@"
}

rmq_ctl() { rmq_run "$RMQ_LIB/rabbitmqctl" -n "$RMQ_NODE" "$@"; }

rmq_write_config() {
    mkdir -p "$RMQ/home" "$RMQ/mnesia" "$LOGS/rabbitmq"
    cat >"$RMQ/rabbitmq.conf" <<EOF
# generated by deploy/local/stack.sh
loopback_users = none
listeners.tcp.default = 127.0.0.1:$AMQP_PORT
log.console = false
log.file.level = info
EOF
    echo '[].' >"$RMQ/enabled_plugins"
    : >"$RMQ/rabbitmq-env.conf"
    [[ -f $RMQ/advanced.config ]] || echo '[].' >"$RMQ/advanced.config"
}

rmq_pid() { hy_pidfile_alive "$RMQ_PIDFILE"; }

# Launch the node in the background and return at once; rmq_await waits.
rmq_launch() {
    if rmq_pid >/dev/null; then
        hy_log "rabbitmq already running (node $RMQ_NODE)"
        return 0
    fi
    hy_port_open "$AMQP_PORT" && hy_die "port $AMQP_PORT is taken by another process"
    rmq_write_config
    RMQ_LOG_MARK=$(log_size "$LOGS/rabbitmq-stdout.log")
    # setsid: the node gets its own process group, so that `stop` can
    # signal all of it and Ctrl-C in a terminal does not reach it.
    rmq_exec setsid "$RMQ_LIB/rabbitmq-server" \
        >>"$LOGS/rabbitmq-stdout.log" 2>&1 </dev/null &
    echo $! >"$RMQ_PIDFILE"
    hy_log "rabbitmq starting (node $RMQ_NODE, amqp 127.0.0.1:$AMQP_PORT, pid $!)"
}

rmq_accepting() {
    rmq_pid >/dev/null || return 2
    hy_port_open "$AMQP_PORT"
}

# 0 when the AMQP port accepts, 2 when the node died, 1 after 90 s.
rmq_wait_port() {
    local rc deadline=$((SECONDS + 90))
    while :; do
        rc=0
        rmq_accepting || rc=$?
        ((rc == 0 || rc == 2)) && return $rc
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

rmq_await() {
    local attempt rc
    for attempt in 1 2 3; do
        rc=0
        rmq_wait_port || rc=$?
        ((rc == 0)) && break
        if ((rc == 2 && attempt < 3)) && log_since "$LOGS/rabbitmq-stdout.log" "$RMQ_LOG_MARK" | grep -qi eaddrinuse; then
            hy_log "rabbitmq: a port was briefly in use; retrying"
            rm -f "$RMQ_PIDFILE"
            sleep 1
            rmq_launch
            continue
        fi
        hy_tail "$LOGS/rabbitmq-stdout.log"
        ((rc == 2)) && hy_die "rabbitmq exited during start-up"
        hy_die "rabbitmq did not open port $AMQP_PORT"
    done
    if ! rmq_ctl -q await_startup --timeout 60 >>"$LOGS/rabbitmqctl.log" 2>&1; then
        hy_tail "$LOGS/rabbitmqctl.log"
        hy_tail "$LOGS/rabbitmq-stdout.log"
        hy_die "rabbitmq node $RMQ_NODE did not finish starting"
    fi
    hy_log "rabbitmq ready"
}

rmq_stop() {
    local pid
    if ! pid=$(rmq_pid); then
        # The wrapper is gone; a VM left behind in its group goes too.
        [[ -s $RMQ_PIDFILE ]] && kill -KILL -- "-$(cat "$RMQ_PIDFILE")" 2>/dev/null
        rm -f "$RMQ_PIDFILE"
        return 0
    fi
    hy_log "stopping rabbitmq (pid $pid)"
    # SIGTERM to the wrapper script makes it stop the node gracefully. Not
    # to the whole group: killing erl_child_setup would crash the VM.
    kill -TERM "$pid" 2>/dev/null || true
    if ! hy_wait 60 "rabbitmq to stop" hy_pid_gone "$pid"; then
        kill -KILL -- "-$pid" 2>/dev/null || true
        hy_wait 5 "rabbitmq to die" hy_pid_gone "$pid" || true
    fi
    # Anything left in the group (the VM itself if the wrapper was killed).
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$RMQ_PIDFILE"
}

rmq_kill() {
    local pid
    pid=$(rmq_pid) || return 0
    hy_log "killing rabbitmq (pid $pid) with SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || true
    hy_wait 10 "rabbitmq to die" hy_pid_gone "$pid" || true
    rm -f "$RMQ_PIDFILE"
}

# -------------------------------------------------------------- PostgreSQL

PG_BIN=${HALYARD_PG_BIN:-}
if [[ -z $PG_BIN ]]; then
    PG_BIN=/usr/lib/postgresql/15/bin
    [[ -x $PG_BIN/pg_ctl ]] ||
        PG_BIN=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n1)
fi

# initdb and postgres refuse to run as root: as root, run them as postgres.
if ((EUID == 0)); then
    PG_OWNER=postgres
    as_pg() { runuser -u postgres -- "$@"; }
else
    PG_OWNER=$(id -un)
    as_pg() { "$@"; }
fi

# The cluster lives in $STATE/pg when its owner can reach that directory,
# else in /tmp (a checkout in root's home is closed to postgres). The choice
# is recorded so that every later command finds the same place.
pg_base() {
    if [[ -s $STATE/pg.path ]]; then
        cat "$STATE/pg.path"
    elif as_pg test -x "$STATE" -a -r "$STATE" && ((${#STATE} < 70)); then
        echo "$STATE/pg"
    else
        echo "/tmp/halyard-pg-$EUID-$PG_PORT"
    fi
}
PG_BASE=$(pg_base)
PG_DATA=$PG_BASE/data
PG_SOCK=$PG_BASE/sock

pg_ctl() { as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" "$@"; }
pg_running() { [[ -f $PG_DATA/postmaster.pid ]] && pg_ctl status >/dev/null 2>&1; }
pg_psql() {
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -tA \
        -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "${PGDB:-postgres}" "$@"
}

pg_init() {
    mkdir -p "$PG_BASE"
    echo "$PG_BASE" >"$STATE/pg.path"
    if ((EUID == 0)); then chown "$PG_OWNER:" "$PG_BASE"; fi
    chmod 700 "$PG_BASE"
    as_pg mkdir -p "$PG_SOCK"
    [[ -s $PG_DATA/PG_VERSION ]] && return 0
    hy_log "initdb $PG_DATA"
    if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --no-locale \
        >"$LOGS/pg-initdb.log" 2>&1; then
        hy_tail "$LOGS/pg-initdb.log"
        hy_die "initdb failed"
    fi
}

pg_start() {
    if pg_running; then
        hy_log "postgresql already running ($PG_DATA)"
    else
        hy_port_open "$PG_PORT" && hy_die "port $PG_PORT is taken by another process"
        pg_init
        local opts="-p $PG_PORT -k $PG_SOCK -c listen_addresses=127.0.0.1 -c max_connections=300"
        # Tests may trade durability for speed; `make run` keeps fsync on.
        [[ $PG_FAST == 1 ]] && opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        hy_log "postgresql starting (127.0.0.1:$PG_PORT, data $PG_DATA)"
        ln -sfn "$PG_BASE/postgresql.log" "$LOGS/postgresql.log"
        local attempt mark
        for attempt in 1 2 3; do
            mark=$(log_size "$PG_BASE/postgresql.log")
            pg_ctl -l "$PG_BASE/postgresql.log" -o "$opts" -w -t 60 start >>"$LOGS/pg_ctl.log" 2>&1 && break
            if ((attempt < 3)) && log_since "$PG_BASE/postgresql.log" "$mark" |
                grep -q 'Address already in use'; then
                hy_log "postgresql: port $PG_PORT was briefly in use; retrying"
                sleep 1
                continue
            fi
            hy_tail "$PG_BASE/postgresql.log"
            hy_die "postgresql did not start"
        done
    fi
    pg_ensure_db
    hy_log "postgresql ready"
}

# Role and database halyard, owned by it; no password (trust, loopback only).
pg_ensure_db() {
    if [[ -z $(pg_psql -c "SELECT 1 FROM pg_roles WHERE rolname = 'halyard'") ]]; then
        pg_psql -c "CREATE ROLE halyard LOGIN"
    fi
    if [[ -z $(pg_psql -c "SELECT 1 FROM pg_database WHERE datname = 'halyard'") ]]; then
        pg_psql -c "CREATE DATABASE halyard OWNER halyard"
    fi
}

pg_stop() {
    [[ -d $PG_DATA ]] || return 0
    pg_running || return 0
    hy_log "stopping postgresql"
    pg_ctl -m fast -w -t 60 stop >/dev/null || hy_log "pg_ctl stop failed"
}

# ------------------------------------------------------------------- nginx

NGX=$STATE/nginx
NGX_CONF=$NGX/nginx.conf
NGX_PIDFILE=$NGX/nginx.pid
NGINX=${HALYARD_NGINX:-nginx}
command -v "$NGINX" >/dev/null || NGINX=/usr/sbin/nginx

ngx() { "$NGINX" -c "$NGX_CONF" -p "$NGX/" -e "$LOGS/nginx-error.log" "$@"; }
ngx_pid() { hy_pidfile_alive "$NGX_PIDFILE"; }

# The upload signing secret: HALYARD_FILES_SECRET, else one generated once
# and kept in the state directory (acsctl and acs-provision read the same).
files_secret() {
    if [[ -n ${HALYARD_FILES_SECRET:-} ]]; then
        [[ $HALYARD_FILES_SECRET =~ ^[A-Za-z0-9_-]{16,128}$ ]] ||
            hy_die "HALYARD_FILES_SECRET must be 16-128 characters of [A-Za-z0-9_-]"
        echo "$HALYARD_FILES_SECRET"
        return
    fi
    if [[ ! -s $STATE/files.secret ]]; then
        (umask 077 && head -c 24 /dev/urandom | base64 | tr '+/' '-_' >"$STATE/files.secret")
    fi
    cat "$STATE/files.secret"
}

# The store: files/ (operator files, read-only to nginx) and upload/ (CPE
# uploads: nginx's workers, which run as nobody when started as root,
# write there).
store_prepare() {
    mkdir -p "$STORE/files" "$STORE/upload" "$NGX/tmp/upload"
    if [[ $(id -u) == 0 ]]; then
        chown nobody "$STORE/upload" "$NGX/tmp/upload"
    fi
    chmod 0755 "$STORE" "$STORE/files"
}

# Write nginx.conf from the template and upstream.conf from HALYARD_GATEWAYS.
GW_RE="^[^[:space:];{}]+:[0-9]+$"
ngx_generate() {
    local gw tmpl=$HALYARD_ROOT/deploy/nginx/halyard.conf.template
    local secret
    secret=$(files_secret)
    mkdir -p "$NGX/tmp" "$LOGS"
    store_prepare
    : >"$NGX/upstream.conf.tmp"
    for gw in $GATEWAYS; do
        [[ $gw =~ $GW_RE ]] || hy_die "bad gateway address: $gw"
        echo "server $gw max_fails=1 fail_timeout=2s;" >>"$NGX/upstream.conf.tmp"
    done
    [[ -s $NGX/upstream.conf.tmp ]] || hy_die "HALYARD_GATEWAYS is empty"
    mv "$NGX/upstream.conf.tmp" "$NGX/upstream.conf"
    cp "$HALYARD_ROOT/deploy/nginx/halyard-scgi.conf" "$NGX/halyard-scgi.conf"
    sed -e "s|@STATE@|$STATE|g" -e "s|@LISTEN@|$LISTEN|g" -e "s|@PORT@|$HTTP_PORT|g" \
        -e "s|@WORKERS@|$NGINX_WORKERS|g" -e "s|@STORE@|$STORE|g" \
        -e "s|@UPLOAD_MAX@|$UPLOAD_MAX|g" -e "s|@FILES_SECRET@|$secret|g" "$tmpl" >"$NGX_CONF.tmp"
    mv "$NGX_CONF.tmp" "$NGX_CONF"
    if ! ngx -t -q >"$LOGS/nginx-test.log" 2>&1; then
        hy_tail "$LOGS/nginx-test.log"
        hy_die "nginx rejected $NGX_CONF"
    fi
}

ngx_start() {
    if ngx_pid >/dev/null; then
        hy_log "nginx already running"
        return 0
    fi
    hy_port_open "$HTTP_PORT" "$LISTEN" && hy_die "port $HTTP_PORT is taken by another process"
    ngx_generate
    rm -f "$NGX_PIDFILE"
    setsid "$NGINX" -c "$NGX_CONF" -p "$NGX/" -e "$LOGS/nginx-error.log" \
        >>"$LOGS/nginx-stderr.log" 2>&1 </dev/null &
    local pid=$!
    local deadline=$((SECONDS + 15))
    until [[ -s $NGX_PIDFILE ]] && hy_port_open "$HTTP_PORT" "$LISTEN"; do
        if ! hy_pid_alive "$pid" || ((SECONDS >= deadline)); then
            hy_tail "$LOGS/nginx-error.log"
            hy_tail "$LOGS/nginx-stderr.log"
            hy_die "nginx did not start"
        fi
        sleep 0.1
    done
    hy_log "nginx ready (http://$LISTEN:$HTTP_PORT/ -> $GATEWAYS)"
}

# Worker pids of the running master.
ngx_workers() { pgrep -P "$1" 2>/dev/null || true; }

# True when no pid in the list is a worker that still accepts connections
# (gone, or titled "worker process is shutting down").
ngx_old_retired() {
    local w cmd
    for w in "$@"; do
        cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$w/cmdline") || continue
        [[ -z $cmd || $cmd == *"shutting down"* ]] || return 1
    done
}

ngx_has_new_worker() {
    local master=$1 w
    shift
    for w in $(ngx_workers "$master"); do
        [[ " $* " == *" $w "* ]] || return 0
    done
    return 1
}

ngx_reload() {
    local master old
    master=$(ngx_pid) || hy_die "nginx is not running"
    ngx_generate
    old=$(ngx_workers "$master")
    ngx -s reload 2>>"$LOGS/nginx-stderr.log" || hy_die "nginx -s reload failed"
    # Reload is asynchronous: wait until new workers run and the old ones
    # no longer accept, so the next connection sees the new upstreams.
    # shellcheck disable=SC2086
    hy_wait 15 "nginx new workers" ngx_has_new_worker "$master" $old || {
        hy_tail "$LOGS/nginx-error.log"
        hy_die "nginx reload did not take effect"
    }
    # shellcheck disable=SC2086
    hy_wait 15 "nginx old workers to retire" ngx_old_retired $old || hy_die "nginx reload stuck"
    save_settings
    hy_log "nginx reloaded (-> $GATEWAYS)"
}

ngx_stop() {
    local pid
    pid=$(ngx_pid) || return 0
    hy_log "stopping nginx (pid $pid)"
    kill -QUIT "$pid" 2>/dev/null || true # graceful: nginx -s quit
    if ! hy_wait 10 "nginx to quit" hy_pid_gone "$pid"; then
        hy_stop_pid "$pid" 5 1 || true
    fi
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$NGX_PIDFILE"
}

# ---------------------------------------------------------------- commands

print_env() {
    echo "export ACS_AMQP_URL=amqp://guest:guest@127.0.0.1:$AMQP_PORT/"
    echo "export ACS_PG_DSN=\"host=127.0.0.1 port=$PG_PORT dbname=halyard user=halyard\""
    echo "export HALYARD_CWMP_URL=http://127.0.0.1:$HTTP_PORT/"
    echo "export ACS_FILES_URL=http://127.0.0.1:$HTTP_PORT"
    echo "export ACS_FILE_STORE=$STORE"
    echo "export ACS_FILES_SECRET=$(files_secret)"
}

cmd_start() {
    local t0=$SECONDS
    mkdir -p "$LOGS"
    # From here on a failure (or a signal) stops what this command started.
    trap 'hy_log "start failed; stopping"; cmd_stop' EXIT
    trap 'exit 1' INT TERM
    save_settings
    rmq_launch # RabbitMQ is the slowest: let it boot while the rest starts
    pg_start
    ngx_start
    rmq_await
    trap - EXIT INT TERM
    hy_log "stack up in $((SECONDS - t0))s (state $STATE)"
}

cmd_stop() {
    local rc=0
    ngx_stop || rc=1
    rmq_stop || rc=1
    pg_stop || rc=1
    return $rc
}

cmd_status() {
    local rc=0 pid
    if pid=$(rmq_pid); then
        echo "rabbitmq   running  pid $pid  amqp://127.0.0.1:$AMQP_PORT  node $RMQ_NODE"
    else
        echo "rabbitmq   stopped"
        rc=1
    fi
    if pg_running; then
        echo "postgresql running  127.0.0.1:$PG_PORT  data $PG_DATA"
    else
        echo "postgresql stopped"
        rc=1
    fi
    if pid=$(ngx_pid); then
        echo "nginx      running  pid $pid  http://$LISTEN:$HTTP_PORT/  -> $GATEWAYS"
    else
        echo "nginx      stopped"
        rc=1
    fi
    echo "state      $STATE"
    return $rc
}

cmd_wipe() {
    cmd_stop
    local base=$PG_BASE
    rm -rf "$STATE"
    [[ $base == /tmp/halyard-pg-* ]] && rm -rf "$base"
    hy_log "removed $STATE"
}

case ${1:-} in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
env) print_env ;;
stop-broker) rmq_stop ;;
kill-broker) rmq_kill ;;
start-broker)
    rmq_launch
    rmq_await
    ;;
reload-nginx) ngx_reload ;;
stop-db) pg_stop ;;
start-db) pg_start ;;
wipe) cmd_wipe ;;
*)
    echo "usage: $0 {start|stop|status|env|stop-broker|start-broker|kill-broker|stop-db|start-db|reload-nginx|wipe}" >&2
    exit 2
    ;;
esac
