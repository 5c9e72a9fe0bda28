# The data folder's configuration file, for scripts/run (sourced): made on a first run and
# brought up to date on later ones, so a folder from any earlier version starts. Reads
# CONF, DATA_DIR, ROOT, ADMIN_BIN, DB_VALUE, DB_COMMENT, CHECK_THREADS_NEW, CHECK_KEEPALIVE,
# CHECK_SPARE, and for a PostgreSQL cluster use_pg_cluster, PG_URL and PG_DIR.
datadir_config() {
    # A new data folder's file: every key described (authtoken-admin config --template, from the
    # server's own table of keys), these set, the rest at their defaults, a new secret key.
    # The check listener's threads: at least nginx workers ($WORKERS here) x $CHECK_KEEPALIVE kept
    # connections + $CHECK_SPARE spare, written as max(32, workers x $CHECK_KEEPALIVE + 16).
    if [[ ! -e "$CONF" ]]; then
        "$ADMIN_BIN" config --template "AUTHTOKEN_DATABASE=$DB_VALUE" \
            "AUTHTOKEN_LISTEN=unix:$DATA_DIR/authtoken.sock" "AUTHTOKEN_CHECK_LISTEN=http+unix:$DATA_DIR/authtoken-check.sock" \
            "AUTHTOKEN_CHECK_THREADS=$CHECK_THREADS_NEW" "AUTHTOKEN_WWW_DIR=$ROOT/www" "AUTHTOKEN_REGISTRATION=on" \
            >"$CONF.new" || { rm -f "$CONF.new"; echo "run: could not write $CONF" >&2; return 1; }
        mv "$CONF.new" "$CONF"
    fi

    # The key that seals two-factor secrets: made once per data folder and kept in its config.
    # Losing or changing it disables everyone's two-factor sign-in (see docs/configuration.md).
    if ! grep -q '^[[:space:]]*AUTHTOKEN_SECRET_KEY[[:space:]]*=' "$CONF"; then
        {
            echo "# Seals two-factor secrets (AES-256-GCM): 64 hex characters. Keep it with backups of"
            echo "# the database but not inside them; losing it turns everyone's two-factor sign-in off."
            echo "AUTHTOKEN_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
        } >>"$CONF"
    fi

    # A data folder from before the token check had its own listener: size that listener's
    # threads for this machine, as a first start would.
    if ! grep -q '^[[:space:]]*AUTHTOKEN_CHECK_THREADS[[:space:]]*=' "$CONF"; then
        {
            echo "# Threads of the token-check listener: at least nginx workers x $CHECK_KEEPALIVE + $CHECK_SPARE (see docs/guarding.md)."
            echo "AUTHTOKEN_CHECK_THREADS=$CHECK_THREADS_NEW"
        } >>"$CONF"
    fi

    # A data folder first run without --postgres: its authtoken.conf names the cluster from now
    # on (a file given by AUTHTOKEN_CONFIG is not rewritten; the environment wins for this run).
    if ((use_pg_cluster)) && [[ -z "${AUTHTOKEN_CONFIG:-}" ]]; then
        local was
        was=$(sed -n "s/^[[:space:]]*AUTHTOKEN_DATABASE[[:space:]]*=[[:space:]]*//p" "$CONF" | tail -n 1)
        if [[ "$was" != "$PG_URL" ]]; then
            if [[ -n "$was" ]]; then
                sed -i "s|^[[:space:]]*AUTHTOKEN_DATABASE[[:space:]]*=.*|AUTHTOKEN_DATABASE=$(sed_escape "$PG_URL")|" "$CONF"
            else
                printf '%s\nAUTHTOKEN_DATABASE=%s\n' "$DB_COMMENT" "$PG_URL" >>"$CONF"
            fi
            echo "run: $CONF now names the PostgreSQL cluster in $PG_DIR${was:+ instead of $was}" >&2
        fi
    fi
}
