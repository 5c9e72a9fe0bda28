# The token check's thread sizing, for scripts/run (sourced; ROOT is set). Every
# connection nginx keeps to the check holds one of its threads; with too few, guarded
# requests wait for a thread that an idle kept connection is holding.

# Sets WORKERS, CHECK_KEEPALIVE, CHECK_SPARE and CHECK_THREADS_NEW for this machine.
check_sizing() {
    # nginx runs "worker_processes auto": one worker per CPU it sees. Each worker keeps up to
    # CHECK_KEEPALIVE connections open to the token-check listener (the keepalive line of the
    # authtoken_check upstream in nginx/authtoken-http.conf), and each holds one check thread.
    WORKERS=$(nproc)
    ONLINE=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
    ((ONLINE > WORKERS)) && WORKERS=$ONLINE
    CHECK_KEEPALIVE=$(awk '/^upstream authtoken_check/ { u = 1 } u && $1 == "keepalive" { sub(";", "", $2); print $2; exit }' \
        "$ROOT/nginx/authtoken-http.conf")
    [[ "$CHECK_KEEPALIVE" =~ ^[0-9]+$ ]] || { echo "run: no keepalive in upstream authtoken_check of nginx/authtoken-http.conf" >&2; return 1; }
    CHECK_SPARE=8
    # What a new data folder gets: room for every kept connection plus spare for a bigger machine.
    CHECK_THREADS_NEW=$((WORKERS * CHECK_KEEPALIVE + 16))
    ((CHECK_THREADS_NEW > 32)) || CHECK_THREADS_NEW=32
}

# Refuses a check pool smaller than nginx's kept connections: $1 is AUTHTOKEN_CHECK_THREADS,
# $2 the configuration file named in the message. With several instances the rule holds for
# each: keepalive bounds a worker's kept connections to the whole upstream, and they may all
# end up on one instance (the others dead, say).
check_threads_enough() {
    local threads=$1 need=$((WORKERS * CHECK_KEEPALIVE + CHECK_SPARE))
    if ! [[ "$threads" =~ ^[0-9]+$ ]] || ((threads < need)); then
        echo "run: AUTHTOKEN_CHECK_THREADS=$threads is too few: nginx runs $WORKERS workers (one per CPU)," \
            "each keeping $CHECK_KEEPALIVE connections to AUTHTOKEN_CHECK_LISTEN, plus $CHECK_SPARE spare:" \
            "set AUTHTOKEN_CHECK_THREADS=$need or more (in $2 or the environment)" >&2
        return 1
    fi
}
