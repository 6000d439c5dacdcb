#!/usr/bin/env bash
# Validates the Kubernetes manifests offline; exits non-zero on any problem.
#
# For deploy/base and every deploy/overlays/*: renders it with the pinned
# kustomize (tools/kustomize/go.mod), validates the output against the
# Kubernetes API schemas with the pinned kubectl-validate
# (tools/kubectl-validate/go.mod; built-in schemas, no cluster, no network),
# and checks it with manifestcheck (tools/kubectl-validate/manifestcheck)
# against the real binary's `-h`: flags, variables, mounted files, probes,
# grace period and drain delay, security context. Then makes sure broken
# variants are rejected, so a validator that silently passes everything fails
# here, and a few good variants accepted.
#
# Settings (environment): K8S_VERSION (schemas to validate against, default
# 1.30, the newest kubectl-validate v0.0.4 carries), OUT (keep the rendered
# manifests in this directory).
set -euo pipefail
cd "$(dirname "$0")/.."
K8S_VERSION=${K8S_VERSION:-1.30}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=${OUT:-$work/rendered}
mkdir -p "$out"

log() { printf 'validate-manifests: %s\n' "$*" >&2; }

# The tools: compiled once per Go build cache, which keeps the linked
# executables too (`go tool -n` prints where).
log "building kustomize, kubectl-validate, manifestcheck and pigello-facade (minutes on a cold Go cache)"
mkdir -p "$work/bin"
go tool -modfile=tools/kustomize/go.mod kustomize version >/dev/null
go tool -modfile=tools/kubectl-validate/go.mod kubectl-validate --help >/dev/null
kustomize=$(go tool -n -modfile=tools/kustomize/go.mod kustomize)
kubectl_validate=$(go tool -n -modfile=tools/kubectl-validate/go.mod kubectl-validate)
go -C tools/kubectl-validate build -o "$work/bin/manifestcheck" ./manifestcheck
go build -o "$work/bin/pigello-facade" ./cmd/pigello-facade
"$work/bin/pigello-facade" -h >"$work/help.txt" 2>&1

validate() { # files...
	"$kubectl_validate" --version "$K8S_VERSION" "$@" &&
		"$work/bin/manifestcheck" -help-file "$work/help.txt" "$@"
}

dirs=(deploy/base)
for d in deploy/overlays/*/; do dirs+=("${d%/}"); done
files=()
for d in "${dirs[@]}"; do
	f=$out/$(tr / _ <<<"${d#deploy/}").yaml
	"$kustomize" build "$d" >"$f"
	log "rendered $d: $(grep -c '^kind:' "$f") objects ($(grep '^kind:' "$f" | cut -d' ' -f2 | sort | uniq | paste -sd,))"
	files+=("$f")
done
validate "${files[@]}"

# Broken variants of the base must be rejected.
base=$out/base.yaml
bad=0
reject() { # name sed-expression
	local f=$work/broken-$1.yaml
	sed -e "$2" "$base" >"$f"
	if cmp -s "$f" "$base"; then log "self-test $1: the edit changed nothing"; bad=1; return; fi
	if validate "$f" >"$work/broken-$1.log" 2>&1; then
		log "self-test $1: a broken manifest passed"
		bad=1
		return
	fi
	log "self-test $1: rejected: $(grep -v -e '^$' -e ': OK$' -e '\.\.\.' -e '^Error: validation failed' "$work/broken-$1.log" | head -n 1 | sed "s#$work/##")"
}
reject unknown-field 's/^\( *\)readinessProbe:/\1readinesProbe:/'
reject wrong-type 's/^  replicas: 3$/  replicas: three/'
reject bad-quantity 's/memory: 256Mi/memory: 256 megs/'
reject unknown-flag 's/--auth-tokens-file=/--auth-token-file=/'
reject unknown-env 's/name: PIGELLO_CLIENT_SECRET_FILE/name: PIGELLO_SECRET_FILE/'
reject unmounted-file 's#/etc/pigello-facade/tokens/tokens.txt#/etc/tokens.txt#'
# 25 s covers --shutdown-timeout (15 s) but not the drain delay (10 s) before it.
reject short-grace 's/terminationGracePeriodSeconds: 35/terminationGracePeriodSeconds: 25/'
reject short-drain-delay 's/FACADE_DRAIN_DELAY: 10s/FACADE_DRAIN_DELAY: 5s/'
reject tls-http-probe 's#--http-addr=:8080#--http-addr=:8080\n        - --tls-cert-file=/etc/pigello-facade/tokens/tokens.txt\n        - --tls-key-file=/etc/pigello-facade/tokens/tokens.txt#'
reject writable-root 's/readOnlyRootFilesystem: true/readOnlyRootFilesystem: false/'
# A whole-memory budget above limits.memory (256Mi), a soft limit not below it.
reject budget-above-limit 's#--http-addr=:8080#--http-addr=:8080\n        - --memory-limit=300MiB#'
reject soft-limit-at-limit 's#^  FACADE_DRAIN_DELAY: 10s$#&\n  GOMEMLIMIT: 256MiB#'
# Good variants of the base must pass: a budget equal to limits.memory means
# what the limit means.
accept() { # name sed-expression
	local f=$work/good-$1.yaml
	sed -e "$2" "$base" >"$f"
	if cmp -s "$f" "$base"; then log "self-test $1: the edit changed nothing"; bad=1; return; fi
	if ! validate "$f" >"$work/good-$1.log" 2>&1; then
		log "self-test $1: a good manifest was rejected: $(grep -v -e '^$' -e ': OK$' -e '\.\.\.' "$work/good-$1.log" | head -n 1 | sed "s#$work/##")"
		bad=1
		return
	fi
	log "self-test $1: accepted"
}
accept budget-at-limit 's#--http-addr=:8080#--http-addr=:8080\n        - --memory-limit=256Mi#'
accept soft-limit-below-limit 's#^  FACADE_DRAIN_DELAY: 10s$#&\n  GOMEMLIMIT: 224MiB#'
[ $bad -eq 0 ] || exit 1
log "OK: ${dirs[*]} valid for Kubernetes $K8S_VERSION and consistent with pigello-facade's flags; 12 broken variants rejected, 2 good ones accepted"
