#!/bin/sh
# Polaris catalog setup: applies the desired state rendered into $SETUP_DIR (POSIX sh and curl only).
#
# requests.tsv holds one request per line: METHOD <tab> PATH <tab> BODY-FILE <tab> KIND, in order.
# KIND `create` treats HTTP 409 (already exists) as success; `principal` also captures the consumer
# principal's generated credentials and writes them, as `clientId:clientSecret`, into the Secret
# $CREDENTIAL_SECRET_NAME/$CREDENTIAL_SECRET_ITEM of every namespace in $CONSUMER_NAMESPACES. When the principal
# already exists and every consumer Secret is present, nothing changes; when a Secret is missing, the
# principal's credentials are reset and all Secrets rewritten (running consumers must then be restarted:
# they read the credential from their environment at start).
# No credential is ever passed as an argument or printed: curl reads them from files in a private directory.
set -eu

: "${POLARIS_URI:?}" "${POLARIS_REALM:?}" "${SETUP_DIR:?}" "${ROOT_CLIENT_ID:?}" "${ROOT_CLIENT_SECRET:?}"
: "${CONSUMER_PRINCIPAL:?}" "${CONSUMER_NAMESPACES:?}" "${CREDENTIAL_SECRET_NAME:?}" "${CREDENTIAL_SECRET_ITEM:?}"
API="$POLARIS_URI/api/management/v1"
TOKEN_URL="$POLARIS_URI/api/catalog/v1/oauth/tokens"
KUBE_API="${KUBE_API:-https://kubernetes.default.svc}"
SA_DIR="${SA_DIR:-/var/run/secrets/kubernetes.io/serviceaccount}"
MAX_ATTEMPTS="${MAX_ATTEMPTS:-30}"
DELAY="${RETRY_DELAY_SECONDS:-2}"

umask 077
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

log() { echo "catalog-setup: $*"; }
fail() { echo "catalog-setup: ERROR: $*" >&2; exit 1; }

# --- token (client_credentials), retried with backoff while Polaris starts ----------------------------
printf '%s' "$ROOT_CLIENT_ID" > "$WORK/client-id"
printf '%s' "$ROOT_CLIENT_SECRET" > "$WORK/client-secret"
attempt=1
delay=$DELAY
while :; do
  code=$(curl -sS -o "$WORK/token.json" -w '%{http_code}' -X POST "$TOKEN_URL" \
    -H "Polaris-Realm: $POLARIS_REALM" --data grant_type=client_credentials \
    --data-urlencode scope=PRINCIPAL_ROLE:ALL --data-urlencode "client_id@$WORK/client-id" \
    --data-urlencode "client_secret@$WORK/client-secret" 2>"$WORK/curl.err") || code=000
  case "$code" in
    200) break ;;
    400|401|403) fail "Polaris rejected the root credentials (HTTP $code) for realm $POLARIS_REALM: $(cat "$WORK/token.json")" ;;
  esac
  if [ "$attempt" -ge "$MAX_ATTEMPTS" ]; then
    fail "Polaris not ready at $TOKEN_URL after $attempt attempts (last HTTP $code $(cat "$WORK/curl.err"))"
  fi
  log "Polaris not ready (HTTP $code), retry $attempt/$MAX_ATTEMPTS in ${delay}s"
  sleep "$delay"
  attempt=$((attempt + 1))
  if [ "$delay" -lt 30 ]; then delay=$((delay * 2)); fi
done
token=$(sed -n 's/.*"access_token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$WORK/token.json")
[ -n "$token" ] || fail "the token response has no access_token"
printf 'header = "Authorization: Bearer %s"\n' "$token" > "$WORK/polaris.conf"
printf 'header = "Authorization: Bearer %s"\n' "$(cat "$SA_DIR/token")" > "$WORK/kube.conf"

# --- helpers ------------------------------------------------------------------------------------------
polaris() {  # METHOD PATH [BODY-FILE]: sets $code, response in $WORK/response
  if [ -n "${3:-}" ]; then
    code=$(curl -sS -K "$WORK/polaris.conf" -o "$WORK/response" -w '%{http_code}' -X "$1" \
      -H "Polaris-Realm: $POLARIS_REALM" -H 'Content-Type: application/json' --data "@$3" "$API$2") || code=000
  else
    code=$(curl -sS -K "$WORK/polaris.conf" -o "$WORK/response" -w '%{http_code}' -X "$1" \
      -H "Polaris-Realm: $POLARIS_REALM" "$API$2") || code=000
  fi
}

kube() {  # METHOD PATH [BODY-FILE]: sets $code
  if [ -n "${3:-}" ]; then
    code=$(curl -sS --cacert "$SA_DIR/ca.crt" -K "$WORK/kube.conf" -o "$WORK/kube-response" -w '%{http_code}' \
      -X "$1" -H 'Content-Type: application/json' --data "@$3" "$KUBE_API$2") || code=000
  else
    code=$(curl -sS --cacert "$SA_DIR/ca.crt" -K "$WORK/kube.conf" -o "$WORK/kube-response" -w '%{http_code}' \
      -X "$1" "$KUBE_API$2") || code=000
  fi
}

json_field() {  # FIELD FILE: the string value of "FIELD" (Polaris credentials are plain tokens)
  sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" "$2"
}

write_consumer_secrets() {  # from $WORK/response: {"credentials": {"clientId": ..., "clientSecret": ...}}
  id=$(json_field clientId "$WORK/response")
  secret=$(json_field clientSecret "$WORK/response")
  [ -n "$id" ] && [ -n "$secret" ] || fail "no credentials for principal $CONSUMER_PRINCIPAL in the Polaris response"
  for ns in $CONSUMER_NAMESPACES; do
    printf '{"apiVersion":"v1","kind":"Secret","type":"Opaque","metadata":{"name":"%s","namespace":"%s","labels":{"app.kubernetes.io/managed-by":"polaris-catalog-setup"}},"stringData":{"%s":"%s:%s"}}' \
      "$CREDENTIAL_SECRET_NAME" "$ns" "$CREDENTIAL_SECRET_ITEM" "$id" "$secret" > "$WORK/secret.json"
    kube PUT "/api/v1/namespaces/$ns/secrets/$CREDENTIAL_SECRET_NAME" "$WORK/secret.json"
    if [ "$code" = 404 ]; then kube POST "/api/v1/namespaces/$ns/secrets" "$WORK/secret.json"; fi
    case "$code" in
      200|201) log "wrote Secret $ns/$CREDENTIAL_SECRET_NAME for principal $CONSUMER_PRINCIPAL" ;;
      *) fail "writing Secret $ns/$CREDENTIAL_SECRET_NAME failed (HTTP $code): $(cat "$WORK/kube-response")" ;;
    esac
  done
  rm -f "$WORK/secret.json" "$WORK/response"
}

consumer_secrets_present() {
  for ns in $CONSUMER_NAMESPACES; do
    kube GET "/api/v1/namespaces/$ns/secrets/$CREDENTIAL_SECRET_NAME"
    [ "$code" = 200 ] || return 1
  done
}

# --- desired state ------------------------------------------------------------------------------------
created=0
existing=0
tab=$(printf '\t')
while IFS="$tab" read -r method path body kind; do
  [ -n "$method" ] || continue
  polaris "$method" "$path" "$SETUP_DIR/$body"
  case "$code" in
    200|201|204) created=$((created + 1)); log "$method $path: applied" ;;
    409) existing=$((existing + 1)); log "$method $path: already exists" ;;
    *) fail "$method $path failed (HTTP $code): $(cat "$WORK/response")" ;;
  esac
  if [ "$kind" = principal ] && [ "${path##*/}" = principals ]; then
    if [ "$code" = 201 ]; then
      write_consumer_secrets
    elif consumer_secrets_present; then
      log "consumer Secrets for principal $CONSUMER_PRINCIPAL are present"
    else
      log "a consumer Secret is missing: resetting the credentials of principal $CONSUMER_PRINCIPAL"
      printf '{}' > "$WORK/reset.json"
      polaris POST "/principals/$CONSUMER_PRINCIPAL/reset" "$WORK/reset.json"
      [ "$code" = 200 ] || fail "resetting principal $CONSUMER_PRINCIPAL failed (HTTP $code): $(cat "$WORK/response")"
      write_consumer_secrets
      log "credentials of $CONSUMER_PRINCIPAL rotated: running pods in $CONSUMER_NAMESPACES still hold the old one" \
        "(read at start); restart them"
    fi
  fi
done < "$SETUP_DIR/requests.tsv"
log "done: $created applied, $existing already present"
