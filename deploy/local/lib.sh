# Shared shell functions for deploy/local/*.sh and tests/run-all.sh.
# Source it; it defines functions and HALYARD_ROOT, nothing runs.
# shellcheck shell=bash

# shellcheck disable=SC2034 # used by the scripts that source this file
HALYARD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Messages go to stderr so that `stack.sh env` output stays clean.
hy_log() { printf '%s: %s\n' "${HY_PROG:-halyard}" "$*" >&2; }
hy_die() { hy_log "error: $*"; exit 1; }

# True when something accepts TCP connections on 127.0.0.1:PORT (or HOST:PORT).
hy_port_open() {
    local host=${2:-127.0.0.1}
    (exec 3<>"/dev/tcp/$host/$1") 2>/dev/null
}

# hy_wait SECONDS DESCRIPTION CMD...: run CMD every 0.2 s until it succeeds.
# Returns 1 (after logging) when SECONDS pass without success.
hy_wait() {
    local secs=$1 what=$2
    shift 2
    local deadline=$((SECONDS + secs))
    while ! "$@"; do
        if ((SECONDS >= deadline)); then
            hy_log "timed out after ${secs}s waiting for $what"
            return 1
        fi
        sleep 0.2
    done
}

# True when PID (a number) names a live process.
hy_pid_alive() {
    [[ $1 =~ ^[0-9]+$ ]] && kill -0 "$1" 2>/dev/null
}

# Read a pid file; print the pid when that process is alive.
hy_pidfile_alive() {
    local pid
    [[ -s $1 ]] || return 1
    pid=$(head -n1 "$1" 2>/dev/null)
    hy_pid_alive "$pid" || return 1
    printf '%s\n' "$pid"
}

# hy_stop_pid PID SECONDS [GROUP]: SIGTERM, wait up to SECONDS, then SIGKILL.
# With GROUP=1 the signals go to the whole process group led by PID.
hy_stop_pid() {
    local pid=$1 secs=$2 target=$1
    [[ ${3:-0} == 1 ]] && target=-$1
    hy_pid_alive "$pid" || return 0
    kill -TERM -- "$target" 2>/dev/null || true
    if ! hy_wait "$secs" "pid $pid to exit" hy_pid_gone "$pid"; then
        hy_log "pid $pid ignored SIGTERM; sending SIGKILL"
        kill -KILL -- "$target" 2>/dev/null || true
        hy_wait 5 "pid $pid to die" hy_pid_gone "$pid" || return 1
    fi
}

hy_pid_gone() { ! hy_pid_alive "$1"; }

# Print the last N lines of a file, indented, for diagnostics.
hy_tail() {
    [[ -f $1 ]] || return 0
    hy_log "--- last ${2:-30} lines of $1"
    tail -n "${2:-30}" "$1" | sed 's/^/    /' >&2
}

# md5 hex of a string (Digest HA1 = md5(user:realm:password)).
hy_md5() { printf '%s' "$1" | md5sum | cut -d' ' -f1; }

# 64 hex characters from the kernel's CSPRNG.
hy_random_hex64() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }
