# shellcheck shell=bash
# Rendering authtoken's nginx files (listed in nginx/files) for scripts/run and scripts/install:
# the @NAME@ placeholders are filled from shell variables of the same name, which the
# caller sets. A line naming @SOCKET@ or @CHECK_SOCKET@ (an upstream's server line) stands
# for one such line per entry of the arrays SOCKETS and CHECK_SOCKETS.
# Set before calling: SOCKETS CHECK_SOCKETS (arrays), CONF_DIR (what the files include
# each other by), LOG_DIR, WWW_ROOT, CHECK_TRANSPORT (http or fastcgi: which check-*.conf the
# locations include); optional: LISTEN_ADDR LISTEN_MORE PORT SAMPLE_SOCKET GUARDED_DIR.
# nginx_limits reads the NGINX_* environment and sets the limit placeholders.

NGINX_SRC=${NGINX_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../nginx" && pwd)}

# Per-address limits on API mode and the sign-in and registration forms, and who may read
# health and metrics (environment only: the server refuses keys it does not know in its file).
nginx_limits() {
    API_RATE=${NGINX_API_RATE:-20r/s}
    API_BURST=${NGINX_API_BURST:-40}
    FORM_RATE=${NGINX_FORM_RATE:-10r/s}
    FORM_BURST=${NGINX_FORM_BURST:-20}
    CONN_PER_ADDR=${NGINX_CONN_PER_ADDR:-32}
    local v a
    for v in API_RATE FORM_RATE; do
        [[ "${!v}" =~ ^[1-9][0-9]*r/[sm]$ ]] || { echo "NGINX_$v must look like 20r/s or 60r/m (got ${!v})" >&2; return 1; }
    done
    for v in API_BURST FORM_BURST CONN_PER_ADDR; do
        [[ "${!v}" =~ ^[0-9]+$ ]] || { echo "NGINX_$v must be a number (got ${!v})" >&2; return 1; }
    done
    MONITOR_ALLOW=""
    for a in ${NGINX_MONITOR_ALLOW:-127.0.0.1 ::1}; do
        [[ "$a" =~ ^[0-9A-Fa-f.:]+(/[0-9]{1,3})?$ ]] || { echo "NGINX_MONITOR_ALLOW: '$a' is not an address or network" >&2; return 1; }
        MONITOR_ALLOW+="allow $a; "
    done
}

nginx_sed_escape() { printf '%s' "$1" | sed 's/[\\|&]/\\&/g'; }

# nginx_render SOURCE TARGET: one file, placeholders filled; fails if one is left.
nginx_render() {
    local line s expr=() name
    for name in LISTEN_ADDR LISTEN_MORE PORT API_RATE API_BURST FORM_RATE FORM_BURST CONN_PER_ADDR MONITOR_ALLOW \
        WWW_ROOT LOG_DIR SAMPLE_SOCKET CONF_DIR GUARDED_DIR CHECK_TRANSPORT; do
        [[ -z "${!name+set}" ]] || expr+=(-e "s|@$name@|$(nginx_sed_escape "${!name}")|g")
    done
    while IFS= read -r line || [[ -n "$line" ]]; do
        if [[ "$line" == *@SOCKET@* ]]; then
            for s in "${SOCKETS[@]}"; do printf '%s\n' "${line//@SOCKET@/"$s"}"; done
        elif [[ "$line" == *@CHECK_SOCKET@* ]]; then
            for s in "${CHECK_SOCKETS[@]}"; do printf '%s\n' "${line//@CHECK_SOCKET@/"$s"}"; done
        else
            printf '%s\n' "$line"
        fi
    done <"$1" | sed "${expr[@]}" >"$2"
    # Comments may name placeholders; a directive may not keep one.
    if grep -v '^[[:space:]]*#' "$2" | grep -q '@[A-Z_]*@'; then
        echo "nginx: $2 still has a placeholder: $(grep -v '^[[:space:]]*#' "$2" | grep -o '@[A-Z_]*@' | sort -u | tr '\n' ' ')" >&2
        return 1
    fi
}

# nginx_render_all ROOT: every file of nginx/files into ROOT (nginx's configuration folder).
nginx_render_all() {
    local src dst
    while read -r src dst; do
        [[ -z "$src" || "$src" == \#* ]] && continue
        mkdir -p "$1/$(dirname "$dst")"
        nginx_render "$NGINX_SRC/$src" "$1/$dst" || return 1
    done <"$NGINX_SRC/files"
}
