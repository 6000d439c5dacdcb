# syntax=docker/dockerfile:1
# Two stages: a pinned Go builder, then an image holding only the two static
# binaries, CA certificates and a non-root user.

ARG GO_VERSION=1.26.8
FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
# Modules first, so source edits do not invalidate the download layer.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/pigello-facade/pigello-facade/internal/app.version=${VERSION}" \
      -o /out/ ./cmd/pigello-facade ./cmd/pigello-emulator

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/ /usr/local/bin/
# No shell, no package manager, nothing writable needed: runs with a
# read-only root filesystem as an unprivileged user.
USER 65532:65532
EXPOSE 9090 8080
ENTRYPOINT ["/usr/local/bin/pigello-facade"]
