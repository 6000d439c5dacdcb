#!/usr/bin/env bash
# Builds the container image (scripts/image-build.sh, podman) and tests it for
# real. First on the embedded emulator, as `docker run` users would: read-only
# root filesystem, non-root, no capabilities; waits for /readyz, calls it with
# grpcurl and curl, checks --version, the image's user and size, and a clean
# exit on SIGTERM. Then as deploy/overlays/example configures it: the same
# flags and variables, TLS, bearer tokens and credentials from read-only files,
# with the standalone emulator as Pigello in a shared network namespace (as in
# a pod). Exits non-zero on any failure; always removes its containers.
#
# For CI on a fresh Debian machine, as root: the first run installs podman and
# makes the builder base (scripts/podman-setup.sh); later runs reuse the
# packages, the builder image, the layers and the Go build cache.
#
# Settings (environment): VERSION (default: git describe, else dev), IMAGE
# (default localhost/pigello-facade:$VERSION), MAX_IMAGE_MB (default 64).
# The containers' ports are published on 127.0.0.1 at ports podman picks
# among the free ones, so whatever else listens on the machine is no
# obstacle; podman port tells the script which.
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
log() { printf 'image-test: [%3ss] %s\n' "$(($(date +%s) - start))" "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
IMAGE=${IMAGE:-localhost/pigello-facade:$VERSION}
MAX_IMAGE_MB=${MAX_IMAGE_MB:-64}
DEMO_ID=3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31
NAME=pigello-facade-image-test-$$
POD=$NAME-pod
GRPCURL=(go tool -modfile=tools/go.mod grpcurl)

# shellcheck source=scripts/podman-setup.sh
source scripts/podman-setup.sh
log "podman $(podman version --format '{{.Client.Version}}'), builder $BUILDER_IMAGE, CONTAINERS_CONF=$CONTAINERS_CONF"

secrets=$(mktemp -d)
cleanup() {
	local rc=$? c
	for c in "$NAME" "$POD-facade" "$POD-emulator"; do # the facade before the namespace it joined
		podman container exists "$c" 2>/dev/null || continue
		[ $rc -eq 0 ] || { log "logs of $c:"; podman logs "$c" 2>&1 | tail -n 40 >&2 || true; }
		podman rm -f -t 0 "$c" >/dev/null 2>&1 || true
	done
	rm -rf "$secrets"
	if [ $rc -eq 0 ]; then log "PASS in $(($(date +%s) - start))s"; else log "FAILED (exit $rc) after $(($(date +%s) - start))s"; fi
}
trap cleanup EXIT
# Containers left by a run that was killed would go on running.
podman ps -a --format '{{.Names}}' | grep '^pigello-facade-image-test-' | xargs -r podman rm -f -t 0 >/dev/null || true

log "building $IMAGE (VERSION=$VERSION)"
VERSION=$VERSION IMAGE=$IMAGE scripts/image-build.sh

# Warm the pinned grpcurl (compiled once per Go build cache) while nothing runs.
log "built; compiling grpcurl (tools/go.mod) if needed"
"${GRPCURL[@]}" -version >/dev/null 2>&1

# The image's own settings.
user=$(podman image inspect --format '{{.Config.User}}' "$IMAGE")
[ "$user" = "65532:65532" ] || fail "image user is '$user', want 65532:65532"
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
log "image $IMAGE: user $user, size $((size / 1024 / 1024)) MiB ($size bytes)"
[ "$size" -le $((MAX_IMAGE_MB * 1024 * 1024)) ] || fail "image is larger than $MAX_IMAGE_MB MiB"

out=$(podman run --rm --read-only "$IMAGE" --version)
[ "$out" = "pigello-facade $VERSION" ] || fail "--version printed '$out', want 'pigello-facade $VERSION'"
log "--version: $out"
podman run --rm --read-only --entrypoint /usr/local/bin/pigello-emulator "$IMAGE" -h >/dev/null 2>&1 ||
	fail "pigello-emulator -h failed"

# On the embedded emulator, read-only, non-root, no capabilities.
podman run -d --name "$NAME" --read-only --user 65532:65532 \
	--cap-drop=ALL --security-opt=no-new-privileges \
	-p 127.0.0.1::9090 -p 127.0.0.1::8080 \
	"$IMAGE" --emulator --grpc-addr :9090 --http-addr :8080 --log-format json >/dev/null
# published container port: the 127.0.0.1 port podman picked for the
# container's port.
published() {
	local addr
	addr=$(podman port "$1" "$2/tcp") || fail "podman port $1 $2: $addr"
	addr=$(head -n 1 <<<"$addr")
	[[ $addr == 127.0.0.1:* ]] || fail "podman port $1 $2: '$addr', want 127.0.0.1:<port>"
	echo "${addr##*:}"
}
wait_ready() { # container url [curl options]
	local c=$1 url=$2 _
	shift 2
	# A container that exits fails at once; the limit only stops one that
	# hangs, and is generous for a busy machine.
	for _ in $(seq 1 600); do
		curl -fsS -o /dev/null "$@" "$url" 2>/dev/null && return 0
		[ "$(podman inspect --format '{{.State.Running}}' "$c")" = true ] || fail "$c exited"
		sleep 0.2
	done
	fail "$url did not answer 200 within 2 minutes"
}
GRPC_PORT=$(published "$NAME" 9090)
HTTP_PORT=$(published "$NAME" 8080)
log "published: gRPC on 127.0.0.1:$GRPC_PORT, HTTP on 127.0.0.1:$HTTP_PORT"
wait_ready "$NAME" "http://127.0.0.1:$HTTP_PORT/readyz"
log "/readyz: 200"
curl -fsS "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null || fail "/healthz"

services=$("${GRPCURL[@]}" -plaintext "127.0.0.1:$GRPC_PORT" list 2>&1) || fail "grpcurl list: $services"
grep -qx 'pigello.accounts.v1.WorkEngagementService' <<<"$services" || fail "grpcurl list: $services"
log "grpcurl list: $(tr '\n' ' ' <<<"$services")"
got=$("${GRPCURL[@]}" -plaintext -d "{\"id\": \"$DEMO_ID\"}" "127.0.0.1:$GRPC_PORT" \
	pigello.accounts.v1.WorkEngagementService/GetWorkEngagement 2>&1) || fail "GetWorkEngagement: $got"
grep -q "\"id\": \"$DEMO_ID\"" <<<"$got" || fail "GetWorkEngagement: $got"
log "grpcurl GetWorkEngagement: ok"
health=$("${GRPCURL[@]}" -plaintext "127.0.0.1:$GRPC_PORT" grpc.health.v1.Health/Check 2>&1) || fail "health: $health"
grep -q SERVING <<<"$health" || fail "health: $health"

code=$(curl -sS -o /tmp/image-test-body.$$ -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/v1/workEngagements/$DEMO_ID")
body=$(cat /tmp/image-test-body.$$); rm -f /tmp/image-test-body.$$
[ "$code" = 200 ] || fail "GET /v1/workEngagements/$DEMO_ID: $code $body"
grep -q "$DEMO_ID" <<<"$body" || fail "GET body: $body"
log "curl GET /v1/workEngagements/$DEMO_ID: 200"

# SIGTERM: the facade drains (no --drain-delay here) and exits 0 well within
# Kubernetes' grace period, logging the drain's start and end.
podman stop -t 20 "$NAME" >/dev/null
exit_code=$(podman inspect --format '{{.State.ExitCode}}' "$NAME")
[ "$exit_code" = 0 ] || fail "exit code after SIGTERM: $exit_code"
logs=$(podman logs "$NAME" 2>&1)
for msg in "drain began" "drain ended"; do
	grep -q "\"msg\":\"$msg" <<<"$logs" || fail "no '$msg' log line on SIGTERM"
done
log "stopped on SIGTERM: exit 0"
podman rm "$NAME" >/dev/null

# As deploy/overlays/example runs it: the same flags and variables, the
# Secrets as read-only files readable by group 65532 only (as fsGroup and
# defaultMode 0440 make them), Pigello played by the standalone emulator on
# the same loopback (with its demo credentials).
TOKEN=image-test-token-$RANDOM$RANDOM
mkdir -p "$secrets"/{credentials,tokens,tls}
for k in application-id client-ct client-entity client-secret customer-id service-id service-version-id; do
	printf 'demo-%s\n' "$k" >"$secrets/credentials/$k"
done
printf '# image-test\n%s\n' "$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)" >"$secrets/tokens/tokens.txt"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=pigello-facade \
	-addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
	-keyout "$secrets/tls/tls.key" -out "$secrets/tls/tls.crt" 2>/dev/null
chown -R 0:65532 "$secrets"
chmod 0750 "$secrets"/* && chmod 0440 "$secrets"/*/*

# One network namespace, as in a pod: the emulator's container holds it (and
# the published ports), the facade's joins it.
podman run -d --name "$POD-emulator" -p 127.0.0.1::9090 -p 127.0.0.1::8080 --read-only --user 65532:65532 --cap-drop=ALL \
	--entrypoint /usr/local/bin/pigello-emulator "$IMAGE" --addr 127.0.0.1:8000 >/dev/null
env_args=(-e PIGELLO_BASE_URL=http://127.0.0.1:8000 -e FACADE_LOG_FORMAT=json -e FACADE_DRAIN_DELAY=10s -e FACADE_SHUTDOWN_TIMEOUT=15s)
for k in application-id client-ct client-entity client-secret customer-id service-id service-version-id; do
	v=$(tr a-z- A-Z_ <<<"$k")
	env_args+=(-e "PIGELLO_${v}_FILE=/etc/pigello-facade/credentials/$k")
done
# --memory is the manifests' limits.memory: the facade's budget follows it.
podman run -d --network "container:$POD-emulator" --name "$POD-facade" --read-only --user 65532:65532 --group-add 65532 \
	--cap-drop=ALL --security-opt=no-new-privileges --memory=256m "${env_args[@]}" \
	-v "$secrets/credentials:/etc/pigello-facade/credentials:ro" \
	-v "$secrets/tokens:/etc/pigello-facade/tokens:ro" \
	-v "$secrets/tls:/etc/pigello-facade/tls:ro" \
	"$IMAGE" --grpc-addr=:9090 --http-addr=:8080 \
	--auth-tokens-file=/etc/pigello-facade/tokens/tokens.txt \
	--tls-cert-file=/etc/pigello-facade/tls/tls.crt --tls-key-file=/etc/pigello-facade/tls/tls.key >/dev/null
TLS_GRPC_PORT=$(published "$POD-emulator" 9090)
TLS_HTTP_PORT=$(published "$POD-emulator" 8080)
# The kubelet's HTTPS probe: no certificate check, no token.
wait_ready "$POD-facade" "https://127.0.0.1:$TLS_HTTP_PORT/readyz" -k
curl -fsSk -o /dev/null "https://127.0.0.1:$TLS_HTTP_PORT/healthz" || fail "TLS /healthz"
log "TLS pod: https /readyz and /healthz: 200 without a token"
# The container's 256m is the budget, read from its cgroup; the Go runtime's
# soft limit is 32 MiB below it; the GC at its default 400%.
budget=$(podman logs "$POD-facade" 2>&1 | grep '"msg":"memory budget"') || fail "TLS pod: no memory budget log line"
grep -q '"memory_budget_bytes":268435456,"source":"cgroup","soft_memory_limit":"224MiB","soft_memory_limit_bytes":234881024,"gc_percent":"400"' <<<"$budget" ||
	fail "TLS pod: memory budget $budget, want the container's 256m from its cgroup, a 224MiB soft limit, GC at 400%"
log "TLS pod: memory budget 256MiB, the container's limit (cgroup), soft limit 224MiB, GC at 400%"
G=("${GRPCURL[@]}" -cacert "$secrets/tls/tls.crt")
# (grpcurl's reflection needs the token; the health service itself does not.)
health=$("${G[@]}" -H "authorization: Bearer $TOKEN" "127.0.0.1:$TLS_GRPC_PORT" grpc.health.v1.Health/Check 2>&1) || fail "TLS gRPC health: $health"
grep -q SERVING <<<"$health" || fail "TLS gRPC health: $health"
if out=$("${G[@]}" -d "{\"id\": \"$DEMO_ID\"}" "127.0.0.1:$TLS_GRPC_PORT" \
	pigello.accounts.v1.WorkEngagementService/GetWorkEngagement 2>&1); then
	fail "TLS gRPC call without a token succeeded: $out"
fi
grep -q Unauthenticated <<<"$out" || fail "TLS gRPC call without a token: $out"
got=$("${G[@]}" -H "authorization: Bearer $TOKEN" -d "{\"id\": \"$DEMO_ID\"}" "127.0.0.1:$TLS_GRPC_PORT" \
	pigello.accounts.v1.WorkEngagementService/GetWorkEngagement 2>&1) || fail "TLS gRPC call with a token: $got"
grep -q "\"id\": \"$DEMO_ID\"" <<<"$got" || fail "TLS GetWorkEngagement: $got"
log "TLS pod: grpcurl health SERVING, GetWorkEngagement Unauthenticated without a token, ok with one (Pigello = emulator, credentials from files)"
code=$(curl -sSk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$TLS_HTTP_PORT/v1/workEngagements/$DEMO_ID")
[ "$code" = 401 ] || fail "TLS REST without a token: $code, want 401"
code=$(curl -sSk -o /dev/null -w '%{http_code}' -H "authorization: Bearer $TOKEN" "https://127.0.0.1:$TLS_HTTP_PORT/v1/workEngagements/$DEMO_ID")
[ "$code" = 200 ] || fail "TLS REST with a token: $code, want 200"
log "TLS pod: curl GET 401 without a token, 200 with one"
# The 10 s drain delay, then an empty drain: well within the 20 s before SIGKILL.
podman stop -t 20 "$POD-facade" >/dev/null
exit_code=$(podman inspect --format '{{.State.ExitCode}}' "$POD-facade")
[ "$exit_code" = 0 ] || fail "TLS pod: exit code after SIGTERM: $exit_code"
log "TLS pod: stopped on SIGTERM after the drain delay: exit 0"
