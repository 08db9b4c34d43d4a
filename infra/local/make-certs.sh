#!/usr/bin/env bash
# Makes a development CA and the certificates a local TLS cluster needs, with openssl, into DIR (default
# infra/local/.run/tls): ca.pem/ca.key (the CA), silo.pem/silo.key (every local silo: server and client
# authentication, for 127.0.0.1 and localhost) and client.pem/client.key (the dagger command line). Existing files
# are kept, so a restart keeps its certificates; delete DIR to make new ones (see SECURITY.md, rotation).
#
#   infra/local/make-certs.sh [DIR]
#   DAGGER_CERT_DAYS=30: validity of new certificates in days
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="${1:-$HERE/.run/tls}"
DAYS="${DAGGER_CERT_DAYS:-30}"
command -v openssl >/dev/null 2>&1 || { echo "make-certs.sh: 'openssl' is not installed: apt-get install -y openssl" >&2; exit 1; }
[[ "$DAYS" =~ ^[1-9][0-9]*$ ]] || { echo "make-certs.sh: DAGGER_CERT_DAYS must be a positive number of days, got '$DAYS'" >&2; exit 2; }
mkdir -p "$DIR"
chmod 700 "$DIR"
umask 077

if [[ ! -f "$DIR/ca.pem" || ! -f "$DIR/ca.key" ]]; then
    echo "make-certs.sh: making a development CA in $DIR/ca.pem" >&2
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days "$DAYS" \
        -subj "/CN=Dagger development CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -keyout "$DIR/ca.key" -out "$DIR/ca.pem" 2>/dev/null
fi

# issue NAME CN EXTENDED_KEY_USAGE: a key and a certificate signed by the CA.
issue() {
    local name="$1" cn="$2" eku="$3"
    [[ -f "$DIR/$name.pem" && -f "$DIR/$name.key" ]] && return 0
    echo "make-certs.sh: issuing $DIR/$name.pem ($cn)" >&2
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -subj "/CN=$cn" \
        -keyout "$DIR/$name.key" -out "$DIR/$name.csr" 2>/dev/null
    printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=%s\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n' "$eku" >"$DIR/$name.ext"
    openssl x509 -req -in "$DIR/$name.csr" -CA "$DIR/ca.pem" -CAkey "$DIR/ca.key" -CAcreateserial -sha256 -days "$DAYS" \
        -extfile "$DIR/$name.ext" -out "$DIR/$name.pem" 2>/dev/null
    rm -f "$DIR/$name.csr" "$DIR/$name.ext"
}
issue silo "dagger-silo" "serverAuth,clientAuth"
issue client "dagger-client" "clientAuth"
chmod 600 "$DIR"/*.key
