#!/usr/bin/env bash
# A Docker engine of the tests' own: dockerd and containerd from Debian trixie (dockerd 26, which
# also runs privileged containers where Debian 12's 20.10 can't) and runc from the machine's own
# Debian release (trixie's needs a newer glibc), unpacked into the ignored
# .cache/docker/ and started with its own data-root, exec-root, pid file and unix socket there. It
# never touches a Docker engine of the machine's.
#
#   bash scripts/test-docker.sh start   → starts it if not running; last line DOCKER_HOST=unix://…
#   bash scripts/test-docker.sh stop    → stops it (containers included); the data-root stays for reuse
#   bash scripts/test-docker.sh halt    → stops the daemon alone, as a machine's Docker stops: its containers
#                                         stop with it and are kept (those with a restart policy come back on start)
#   bash scripts/test-docker.sh env     → prints DOCKER_HOST=… if it is running, else exit 1
#   exit 3 with a reason on stderr      → it cannot run on this machine
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/cache.sh
. "$repo/scripts/lib/cache.sh"
cache="${KUBETRACING_DOCKER_CACHE:-$repo/.cache/docker}"
pkgs="$cache/trixie"
own="$cache/os-release"
run="$cache/run"
socket="$run/docker.sock"
pidfile="$run/dockerd.pid"
export DOCKER_HOST="unix://$socket"

cannot() { echo "test-docker: $*" >&2; exit 3; }

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && docker version >/dev/null 2>&1; }

unpack() {
    local reason
    [ -x "$pkgs/root/usr/sbin/dockerd" ] && [ -x "$own/root/usr/sbin/runc" ] && return 0
    reason=$(debian_unpack trixie "$pkgs" docker.io containerd tini 2>&1) || cannot "Debian trixie's docker.io could not be had: $reason"
    # trixie's runc is linked against glibc 2.38+; the machine's own release has a runc for its glibc.
    local codename
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [ -n "$codename" ] || cannot "no VERSION_CODENAME in /etc/os-release to take runc from"
    reason=$(debian_unpack "$codename" "$own" runc 2>&1) || cannot "Debian $codename's runc could not be had: $reason"
}

start() {
    command -v docker >/dev/null || cannot "needs the docker client on PATH"
    [ "$(id -u)" = 0 ] || cannot "needs root (dockerd runs as root)"
    local reason
    reason=$(trusted_cache "$cache" KUBETRACING_DOCKER_CACHE 2>&1) || cannot "$reason"
    if running; then echo "DOCKER_HOST=$DOCKER_HOST"; return; fi
    if ! command -v iptables >/dev/null; then
        # dockerd programs iptables for published ports and its embedded DNS (container names).
        command -v apt-get >/dev/null || cannot "needs iptables"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends iptables >/dev/null 2>&1 \
            || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends iptables >/dev/null 2>&1; } \
            || cannot "needs iptables, and apt-get install iptables failed"
    fi
    unpack
    mkdir -p "$run" "$cache/data" "$cache/exec"
    local root="$pkgs/root"
    # dockerd finds containerd, runc, docker-proxy and docker-init on PATH.
    PATH="$own/root/usr/sbin:$root/usr/sbin:$root/usr/bin:$PATH" nohup "$root/usr/sbin/dockerd" \
        --data-root "$cache/data" --exec-root "$cache/exec" --pidfile "$pidfile" \
        -H "$DOCKER_HOST" --containerd-namespace kubetracing-test --containerd-plugins-namespace kubetracing-test-plugins \
        --bridge none --storage-driver overlay2 --log-level warn \
        >"$cache/dockerd.log" 2>&1 &
    local waited=0
    until docker version >/dev/null 2>&1; do
        sleep 0.5
        waited=$((waited + 1))
        if ! kill -0 $! 2>/dev/null || [ $waited -ge 120 ]; then
            tail -n 15 "$cache/dockerd.log" >&2
            cannot "dockerd did not start (log: $cache/dockerd.log)"
        fi
    done
    echo "DOCKER_HOST=$DOCKER_HOST"
}

stop() { # keep: "keep" leaves the containers to the daemon
    [ -f "$pidfile" ] || return 0
    local pid
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
        # Containers first, so no shim outlives the daemon (halt: dockerd stops them itself on SIGTERM).
        [ "${1:-}" = keep ] || docker ps -aq | xargs -r docker rm -f -v >/dev/null 2>&1 || true
        kill "$pid"
        for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    halt) stop keep ;;
    env) running && echo "DOCKER_HOST=$DOCKER_HOST" ;;
    *) echo "usage: bash scripts/test-docker.sh start|stop|halt|env" >&2; exit 2 ;;
esac
