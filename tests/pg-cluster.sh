#!/bin/sh
# pg-cluster.sh - a throwaway PostgreSQL 15 cluster for the tests.
#
#   sh tests/pg-cluster.sh start DIR   make DIR (it may exist, empty), start a cluster in it
#                                      and print one line on stdout, its URI:
#                                        postgresql://gimark@127.0.0.1:PORT/gimark
#                                      (also written to DIR/uri)
#   sh tests/pg-cluster.sh stop DIR    stop that cluster and remove DIR; safe to call twice,
#                                      and after a start that failed halfway (a primary's
#                                      standbys are stopped and removed first)
#   sh tests/pg-cluster.sh standby PRIMARY_DIR DIR
#                                      a streaming standby (hot, read-only) of the running
#                                      cluster in PRIMARY_DIR: pg_basebackup -R into DIR, its
#                                      own free port; prints its URI (same role and database)
#                                      and writes DIR/uri. `stop DIR` stops and removes it.
#   sh tests/pg-cluster.sh down DIR    stop the server of DIR, keeping DIR (a standby down
#   sh tests/pg-cluster.sh up DIR      for a while), and start it again on the same port
#
# The cluster: Debian's postgresql-15 binaries (PGBIN, default /usr/lib/postgresql/15/bin),
# data in DIR/data, server log in DIR/server.log, its unix socket in DIR/sock, listening on
# 127.0.0.1 only, on a port that was free a moment before (bound as port 0 and released;
# a start that loses that race is retried on a new port). Authentication is `trust` for the
# socket and 127.0.0.1, nothing else: a test cluster on loopback, never a server. Settings
# trade durability for speed (fsync, synchronous_commit and full_page_writes off) and leave
# room for many test connections (max_connections 200). A role `gimark` (LOGIN CREATEDB,
# not a superuser, so the tests see what a deployment sees and may still make databases of
# their own) owns the database `gimark`; the bootstrap superuser is `postgres`.
#
# PostgreSQL refuses to run as root: run as root, the server runs as the `postgres` system
# user the Debian package creates (or `nobody` when there is none) and DIR is given to that
# user, so DIR's parents must be searchable by it (mktemp -d under /tmp is). Run as anyone
# else, the server runs as that user. DIR/.pg-cluster marks a directory this script made and
# names the user; stop removes nothing without it (an empty directory aside).
#
# A standby replicates over TCP as `postgres` (pg_hba.conf: `host replication postgres
# 127.0.0.1/32 trust`); the primary keeps 64 MB of WAL (wal_keep_size) for a standby that
# was down a while, without a replication slot that would hold WAL after a failed test.
#
# Exit status: 0 done, 1 failed (the reason on stderr, with the end of the log when the
# server did not start; a failed start leaves no server running and DIR for `stop`).
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
START_TRIES=5      # ports tried before giving up
READY_SECONDS=30   # how long a started server may take to accept connections
STOP_SECONDS=20    # how long pg_ctl stop may take, per mode

# The caller's libpq settings must not steer this script's own connections.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGOPTIONS PGDATA 2>/dev/null || true

me=pg-cluster.sh
standby_of_user="" # set by standby: the user of its primary
die() {
    echo "$me: $*" >&2
    exit 1
}

usage() {
    echo "usage: sh tests/pg-cluster.sh start|stop|down|up DIR" >&2
    echo "       sh tests/pg-cluster.sh standby PRIMARY_DIR DIR" >&2
    exit 1
}

# Runs a command as the cluster's user: as that user when we are root, else as ourselves.
as_user() {
    if [ "$(id -u)" -ne 0 ]; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        runuser -u "$run_user" -- "$@"
    else
        setpriv --reuid="$run_user" --regid="$(id -g "$run_user")" --init-groups -- "$@"
    fi
}

# Writes standard input to the file $1 as the cluster's user, so it owns what it reads.
put() {
    as_user sh -c 'cat > "$1"' put "$1"
}

now() { date +%s; }

# A TCP port free on 127.0.0.1 at this moment: the kernel's pick for port 0. Without
# python3, a random one in the dynamic range; either may be taken before the server binds
# it, which fails that start and is retried.
free_port() {
    p=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' 2>/dev/null) || p=""
    case $p in
    "" | *[!0-9]*) echo $((49152 + $(od -An -N2 -tu2 /dev/urandom) % 16000)) ;;
    *) echo "$p" ;;
    esac
}

# True when PID is alive and is the postmaster of DIR/data (not a recycled pid).
is_our_postmaster() {
    [ -n "$1" ] && [ -r "/proc/$1/cmdline" ] || return 1
    tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -F -q -- "$DIR/data"
}

# True while process PID exists and has not exited (a zombie counts as gone).
running() {
    [ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
    [ -n "$state" ] && [ "$state" != Z ]
}

# Waits until PID is gone; non-zero when it is still there after STOP_SECONDS.
wait_gone() {
    deadline=$(($(now) + STOP_SECONDS))
    while running "$1"; do
        [ "$(now)" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

# Stops the server of DIR/data if one runs: fast shutdown, then immediate, then SIGKILL of
# the postmaster itself (its backends leave when they see it gone), and waits until the
# postmaster has exited (pg_ctl returns when its pid file is gone, a moment before).
# Returns non-zero only when a server of ours is still there afterwards.
halt_server() {
    pidfile=$DIR/data/postmaster.pid
    [ -f "$pidfile" ] || return 0
    pid=$(head -n 1 "$pidfile" 2>/dev/null || true)
    is_our_postmaster "$pid" || pid=""   # stale pid file: nothing of ours to wait for
    for mode in fast immediate; do
        if as_user "$PGBIN/pg_ctl" -D "$DIR/data" -s -w -t "$STOP_SECONDS" -m "$mode" stop \
            >/dev/null 2>&1; then
            wait_gone "$pid" && return 0
        fi
        [ -n "$pid" ] && running "$pid" || return 0
    done
    echo "$me: the server (pid $pid) did not stop; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid"
}

# The end of the server's log, or of initdb's when the server never ran.
log_tail() {
    f=$DIR/server.log
    [ -s "$f" ] || f=$DIR/initdb.log
    [ -s "$f" ] || f=$DIR/basebackup.log
    [ -s "$f" ] || return 0
    echo "--- last lines of $f:" >&2
    tail -n 15 "$f" >&2
}

# On a failed start: leave nothing running, say where the logs are.
start_exit() {
    rc=$?
    trap - EXIT
    [ "$rc" -eq 0 ] && exit 0
    if [ -n "${DIR:-}" ] && [ -f "$DIR/.pg-cluster" ]; then
        log_tail
        halt_server || echo "$me: a server may still run in $DIR/data" >&2
        echo "$me: start failed; remove $DIR with: sh tests/pg-cluster.sh stop $DIR" >&2
    fi
    exit "$rc"
}

# Makes DIR (it may exist, empty), makes it absolute, picks the user the server runs as
# (a standby: its primary's user, standby_of_user) and arms the cleanup of a failed start.
make_dir() {
    if [ -e "$DIR" ]; then
        [ -d "$DIR" ] || die "$DIR exists and is not a directory"
        [ -z "$(ls -A "$DIR")" ] || die "$DIR is not empty (a cluster there? stop it first)"
    else
        mkdir -p "$DIR" || die "cannot create $DIR"
    fi
    DIR=$(cd "$DIR" && pwd -P)
    case $DIR in
    *\'* | *\\*) die "$DIR: a quote or backslash in the path is not supported" ;;
    esac
    # A unix socket path holds at most 107 bytes.
    [ ${#DIR} -le 80 ] || die "$DIR: path too long for a unix socket directory (80 bytes at most)"

    if [ -n "$standby_of_user" ]; then
        run_user=$standby_of_user
    elif [ "$(id -u)" -eq 0 ]; then
        if id -u postgres >/dev/null 2>&1; then run_user=postgres; else run_user=nobody; fi
    else
        run_user=$(id -un)
    fi
    echo "$run_user" > "$DIR/.pg-cluster"
    trap start_exit EXIT
    trap 'exit 129' HUP
    trap 'exit 130' INT
    trap 'exit 143' TERM
    cd /
    if [ "$(id -u)" -eq 0 ]; then
        chown "$run_user:" "$DIR" "$DIR/.pg-cluster"
        chmod 0700 "$DIR"
        as_user test -w "$DIR" ||
            die "$run_user cannot write $DIR: its parent directories must be searchable by $run_user"
    fi
}

# Starts the server of DIR/data on a free port, with the settings that the function named
# $1 prints for a port in DIR/data/test.conf; a start that lost its port is retried on
# another. Sets port.
launch() {
    try=1
    while :; do
        port=$(free_port)
        put "$DIR/server.log" < /dev/null # this try's lines only, for the check below
        "$1" "$port" | put "$DIR/data/test.conf"
        if as_user "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -s -w -t 60 start \
            >/dev/null 2>&1; then
            break
        fi
        halt_server || true
        if grep -q -e 'could not bind' -e 'already in use' "$DIR/server.log" 2>/dev/null &&
            [ "$try" -lt "$START_TRIES" ]; then
            try=$((try + 1))
            continue
        fi
        die "the server did not start (port $port, try $try of $START_TRIES)"
    done
    wait_ready
}

# pg_ctl -w saw the server up; waits until it accepts connections over TCP too.
wait_ready() {
    deadline=$(($(now) + READY_SECONDS))
    until "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres; do
        [ "$(now)" -lt "$deadline" ] ||
            die "the server on port $port did not accept connections within ${READY_SECONDS}s"
        sleep 0.1
    done
}

# A primary's settings, on port $1.
primary_settings() {
    cat <<EOF
listen_addresses = '127.0.0.1'
port = $1
unix_socket_directories = '$DIR/sock'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 64MB
timezone = 'UTC'
log_timezone = 'UTC'
wal_level = replica
max_wal_senders = 10
wal_keep_size = 64MB
EOF
}

# A standby's: its primary's (kept in DIR/primary.conf) on port $1 and its own socket.
standby_settings() {
    grep -v -e '^port = ' -e '^unix_socket_directories = ' "$DIR/primary.conf"
    printf "port = %s\nunix_socket_directories = '%s/sock'\nhot_standby = on\n" "$1" "$DIR"
}

start() {
    [ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pg_ctl" ] ||
        die "no PostgreSQL binaries in $PGBIN (Debian: apt-get install postgresql)"
    make_dir
    as_user mkdir -m 0700 "$DIR/sock"

    if ! as_user "$PGBIN/initdb" -D "$DIR/data" -U postgres --auth-local=trust \
        --auth-host=trust -E UTF8 --locale=C --no-sync --no-instructions \
        > "$DIR/initdb.log" 2>&1; then
        die "initdb failed"
    fi
    put "$DIR/data/pg_hba.conf" <<EOF
# pg-cluster.sh: a throwaway test cluster; trust on the socket and on 127.0.0.1 only
local all all              trust
host  all all 127.0.0.1/32 trust
host  replication postgres 127.0.0.1/32 trust
EOF
    printf "\n# pg-cluster.sh: settings of a throwaway test cluster\ninclude 'test.conf'\n" |
        as_user sh -c 'cat >> "$1"' put "$DIR/data/postgresql.conf"

    launch primary_settings

    psql_admin() {
        "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres "$@"
    }
    psql_admin -c "CREATE ROLE gimark LOGIN CREATEDB" >/dev/null ||
        die "cannot create the role gimark"
    psql_admin -c "CREATE DATABASE gimark OWNER gimark" >/dev/null ||
        die "cannot create the database gimark"

    uri="postgresql://gimark@127.0.0.1:$port/gimark"
    [ "$("$PGBIN/psql" -X -A -t -d "$uri" -c 'SELECT 1')" = 1 ] ||
        die "cannot connect to $uri"
    echo "$uri" | put "$DIR/uri"
    trap - EXIT INT TERM HUP
    echo "$uri"
}

# The port in DIR/data/test.conf.
conf_port() {
    sed -n 's/^port = \([0-9]*\)$/\1/p' "$DIR/data/test.conf"
}

# The running cluster in $1 (a directory start made): sets PRIMARY (its absolute path)
# and primary_port.
running_primary() {
    [ -f "$1/.pg-cluster" ] || die "$1 was not made by pg-cluster.sh start"
    PRIMARY=$(cd "$1" && pwd -P)
    [ -f "$PRIMARY/data/postmaster.pid" ] || die "no server runs in $PRIMARY/data"
    primary_port=$(sed -n 's/^port = \([0-9]*\)$/\1/p' "$PRIMARY/data/test.conf")
    [ -n "$primary_port" ] || die "$PRIMARY/data/test.conf names no port"
}

standby() {
    [ -x "$PGBIN/pg_basebackup" ] || die "no pg_basebackup in $PGBIN"
    running_primary "$PRIMARY_ARG"
    standby_of_user=$(cat "$PRIMARY/.pg-cluster")
    [ "$PRIMARY" != "$(cd "$DIR" 2>/dev/null && pwd -P)" ] || die "a standby needs its own DIR"
    make_dir
    as_user mkdir -m 0700 "$DIR/sock"
    echo "$PRIMARY" | put "$DIR/primary"
    # a primary started before replication was let in (an older cluster): let it in
    if ! grep -q '^host  *replication  *postgres ' "$PRIMARY/data/pg_hba.conf"; then
        echo "host  replication postgres 127.0.0.1/32 trust" |
            as_user sh -c 'cat >> "$1"' put "$PRIMARY/data/pg_hba.conf"
        as_user "$PGBIN/pg_ctl" -D "$PRIMARY/data" -s reload >/dev/null ||
            die "cannot reload the primary's pg_hba.conf"
    fi
    # -R: standby.signal and primary_conninfo (host, port, user postgres) in
    # postgresql.auto.conf; -X stream: the WAL written during the copy comes along
    if ! as_user "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres \
        -D "$DIR/data" -R -X stream -c fast --no-sync > "$DIR/basebackup.log" 2>&1; then
        die "pg_basebackup from port $primary_port failed"
    fi
    as_user cp "$DIR/data/test.conf" "$DIR/primary.conf"
    # stop the primary stops this standby first: a test that died leaves none running
    echo "$DIR" | as_user sh -c 'cat >> "$1"' put "$PRIMARY/standbys"
    launch standby_settings
    uri="postgresql://gimark@127.0.0.1:$port/gimark"
    [ "$("$PGBIN/psql" -X -A -t -d "$uri" -c 'SELECT pg_is_in_recovery()')" = t ] ||
        die "$uri is not a standby"
    echo "$uri" | put "$DIR/uri"
    trap - EXIT INT TERM HUP
    echo "$uri"
}

# The directory of a cluster this script made, absolute, with run_user set.
made_dir() {
    [ -f "$DIR/.pg-cluster" ] || die "$DIR was not made by pg-cluster.sh"
    DIR=$(cd "$DIR" && pwd -P)
    run_user=$(cat "$DIR/.pg-cluster")
    [ -n "$run_user" ] || die "$DIR/.pg-cluster names no user"
    cd /
}

down() {
    made_dir
    halt_server || die "the server in $DIR/data is still running"
}

up() {
    made_dir
    port=$(conf_port)
    [ -n "$port" ] || die "$DIR/data/test.conf names no port"
    as_user "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -s -w -t 60 start \
        >/dev/null 2>&1 || { log_tail; die "the server did not start again on port $port"; }
    wait_ready
}

stop() {
    [ -e "$DIR" ] || exit 0 # stopped already, or never made
    [ -d "$DIR" ] || die "$DIR is not a directory"
    DIR=$(cd "$DIR" && pwd -P)
    if [ ! -f "$DIR/.pg-cluster" ]; then
        # An empty directory is what a start that failed at once leaves (or mktemp made).
        [ -z "$(ls -A "$DIR")" ] ||
            die "$DIR was not made by pg-cluster.sh start (no .pg-cluster in it): not removing it"
        rmdir "$DIR"
        exit 0
    fi
    run_user=$(cat "$DIR/.pg-cluster")
    [ -n "$run_user" ] || die "$DIR/.pg-cluster names no user"
    cd /
    if [ -f "$DIR/standbys" ]; then
        while read -r standby_dir; do
            # one still there and still this primary's (not a directory made anew since)
            case $standby_dir in /*) ;; *) continue ;; esac
            [ "$(cat "$standby_dir/primary" 2>/dev/null)" = "$DIR" ] || continue
            (DIR=$standby_dir && stop) || exit 1
        done < "$DIR/standbys"
    fi
    halt_server || die "the server in $DIR/data is still running: $DIR kept"
    rm -rf -- "$DIR"
}

if [ "${1:-}" = standby ]; then
    [ $# -eq 3 ] && [ -n "$2" ] && [ -n "$3" ] || usage
    PRIMARY_ARG=$2
    DIR=$3
    standby
    exit 0
fi
[ $# -eq 2 ] || usage
DIR=$2
[ -n "$DIR" ] || usage
case $1 in
start) start ;;
stop) stop ;;
down) down ;;
up) up ;;
*) usage ;;
esac
