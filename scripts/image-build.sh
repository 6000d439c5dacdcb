#!/usr/bin/env bash
# Builds the container image with podman from the Dockerfile, where no Docker
# engine runs and no base image can be pulled (scripts/podman-setup.sh makes
# the builder base from this machine's Go toolchain). The build needs no
# network: modules come from this machine's module cache through a file://
# GOPROXY, filled first by `go mod download` (from the Go module proxy, once).
# Layers and the Go build cache persist, so a rebuild after a source edit
# takes seconds.
#
# Settings (environment): VERSION (default: git describe, else dev), IMAGE
# (default localhost/pigello-facade:$VERSION). Extra arguments go to
# `podman build`.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
IMAGE=${IMAGE:-localhost/pigello-facade:$VERSION}

# shellcheck source=scripts/podman-setup.sh
source scripts/podman-setup.sh

go mod download
modcache=$(go env GOMODCACHE)/cache/download

echo "image-build: $IMAGE (VERSION=$VERSION, builder $BUILDER_IMAGE)" >&2
podman build --pull=never --network=none \
	--build-arg BUILDER_IMAGE="$BUILDER_IMAGE" \
	--build-arg VERSION="$VERSION" \
	--build-arg GOPROXY=file:///goproxy \
	--volume "$modcache:/goproxy:ro" \
	--tag "$IMAGE" "$@" .
