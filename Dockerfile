# syntax=docker/dockerfile:1
# Two stages: a pinned Go builder, then an image holding only the two static
# binaries and CA certificates, run as an unprivileged user.
#
#   docker build --build-arg VERSION=v1.2.3 -t pigello-facade:v1.2.3 .
#
# BUILDER_IMAGE may name any image with Go ${GO_VERSION} at /usr/local/go, a
# /bin/sh and /etc/ssl/certs/ca-certificates.crt. Where no registry can be
# reached, scripts/image-build.sh builds with podman on one made from the
# machine's own toolchain (scripts/podman-setup.sh), with GOPROXY pointing at
# the machine's module cache (file://): the build then needs no network.

ARG GO_VERSION=1.26.8
ARG BUILDER_IMAGE=golang:${GO_VERSION}-bookworm

FROM ${BUILDER_IMAGE} AS build
# Fixed paths for the caches, whatever the base image's HOME and GOPATH; the
# pinned toolchain only, never one downloaded because go.mod asks for it.
ENV GOMODCACHE=/go/pkg/mod GOCACHE=/root/.cache/go-build GOTOOLCHAIN=local \
    GOFLAGS=-buildvcs=false CGO_ENABLED=0
WORKDIR /src
# Modules first, so source edits do not invalidate the download layer.
COPY go.mod go.sum ./
ARG GOPROXY=
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath \
      -ldflags "-s -w -X github.com/pigello-facade/pigello-facade/internal/app.version=${VERSION} -X main.version=${VERSION}" \
      -o /out/ ./cmd/pigello-facade ./cmd/pigello-emulator && \
    /out/pigello-facade --version && /out/pigello-emulator --version

FROM scratch
ARG VERSION=dev
LABEL org.opencontainers.image.title="pigello-facade" \
      org.opencontainers.image.description="gRPC and REST facade over Pigello's Core API, with a Pigello emulator" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/pigello-facade /out/pigello-emulator /usr/local/bin/
# No shell, no package manager, nothing written at run time: the image runs
# with a read-only root filesystem as an unprivileged user (65532, "nonroot"
# in distroless images), so Kubernetes' runAsNonRoot can check it.
USER 65532:65532
# No GOMEMLIMIT or GOGC: the facade's memory budget is the container's memory
# limit, its Go soft limit that budget less a headroom for non-heap memory
# (README, "Memory budget"), and the GC runs at 400% under it. GOMEMLIMIT would set
# the soft limit itself, GOGC the GC percentage.
EXPOSE 9090 8080
ENTRYPOINT ["/usr/local/bin/pigello-facade"]
