#!/usr/bin/env bash
# Makes `podman build` and `podman run` of this repository's Dockerfile work on
# a Debian machine where no Docker engine runs and no base image can be pulled.
# Idempotent: a second run only checks.
#
#   source scripts/podman-setup.sh     # exports CONTAINERS_CONF and BUILDER_IMAGE
#   scripts/podman-setup.sh            # the same, printing the exports
#
# 1. Installs podman, buildah and runc with apt-get when podman is missing
#    (as root, or through sudo).
# 2. Writes a containers.conf (runtime runc, cgroupfs, ulimits below the
#    machine's hard limits) and points CONTAINERS_CONF at it.
# 3. Imports the builder base image (BUILDER_IMAGE, default
#    localhost/pigello-facade-builder:go<version>) from this machine's own Go
#    toolchain: /usr/local/go, CA certificates and a shell, nothing else. The
#    Go version must be the Dockerfile's GO_VERSION.
#
# Settings (environment): CONTAINERS_CONF_DIR (where containers.conf goes,
# default ~/.cache/pigello-facade), BUILDER_IMAGE, GOROOT_DIR (/usr/local/go).

_podman_setup() {
	local repo conf_dir conf go_root go_version want_version
	repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

	# 1. Packages.
	if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
		local sudo=""
		[ "$(id -u)" -eq 0 ] || sudo="sudo"
		echo "podman-setup: installing podman, buildah and runc with apt-get" >&2
		# uidmap, slirp4netns and fuse-overlayfs serve rootless use; as root the
		# kernel's overlayfs and netavark's bridge (iptables) are used.
		$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
		$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			podman buildah runc conmon netavark aardvark-dns iptables \
			uidmap slirp4netns fuse-overlayfs golang-github-containers-common \
			ca-certificates >/dev/null || return 1
	fi

	# 2. containers.conf.
	conf_dir=${CONTAINERS_CONF_DIR:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/pigello-facade}
	conf=$conf_dir/containers.conf
	mkdir -p "$conf_dir" || return 1
	cat >"$conf.tmp" <<-'EOF'
		# Written by scripts/podman-setup.sh.
		[containers]
		# Podman's default nofile (1048576) exceeds the hard limit of some
		# machines, which fails every container start.
		default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
		log_driver = "k8s-file"

		[engine]
		runtime = "runc"
		cgroup_manager = "cgroupfs"
		events_logger = "file"

		[network]
		network_backend = "netavark"
	EOF
	mv "$conf.tmp" "$conf" || return 1
	export CONTAINERS_CONF=$conf

	# 3. The builder base image.
	go_root=${GOROOT_DIR:-/usr/local/go}
	go_version=$("$go_root/bin/go" env GOVERSION) || return 1
	want_version=go$(sed -n 's/^ARG GO_VERSION=//p' "$repo/Dockerfile")
	if [ "$go_version" != "$want_version" ]; then
		echo "podman-setup: $go_root is $go_version, the Dockerfile pins $want_version" >&2
		return 1
	fi
	export BUILDER_IMAGE=${BUILDER_IMAGE:-localhost/pigello-facade-builder:$go_version}
	local have
	have=$(podman image inspect --format '{{index .Labels "io.pigello-facade.go"}}' "$BUILDER_IMAGE" 2>/dev/null) || have=""
	if [ "$have" != "$go_version" ]; then
		_podman_setup_builder "$go_root" "$go_version" || return 1
	fi
}

# _podman_setup_builder imports a root filesystem holding the Go toolchain,
# CA certificates and a shell with the libraries it links, as BUILDER_IMAGE.
_podman_setup_builder() {
	local root rc=0
	root=$(mktemp -d) || return 1
	_podman_setup_rootfs "$root" "$@" || rc=$?
	rm -rf "$root"
	return $rc
}

_podman_setup_rootfs() {
	local root=$1 go_root=$2 go_version=$3 lib
	echo "podman-setup: importing $BUILDER_IMAGE from $go_root" >&2
	mkdir -p "$root"/{bin,etc/ssl/certs,usr/local,root,go,tmp} || return 1
	chmod 1777 "$root/tmp"
	cp -a "$go_root" "$root/usr/local/go" || return 1
	rm -rf "$root/usr/local/go/test" "$root/usr/local/go/api" "$root/usr/local/go/doc"
	cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/" || return 1
	# RUN steps need /bin/sh: dash and what it links (libc, the loader).
	cp -L "$(command -v dash)" "$root/bin/dash" || return 1
	ln -s dash "$root/bin/sh"
	for lib in $(ldd "$(command -v dash)" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib" || return 1
	done
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
	printf 'root:x:0:\n' >"$root/etc/group"
	printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
	# Same bytes on every run: a re-import gives the same image, so the
	# layers built on it stay cached.
	tar -C "$root" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - . |
		podman import --quiet \
			--change 'ENV PATH=/usr/local/go/bin:/go/bin:/usr/bin:/bin' \
			--change 'ENV GOPATH=/go' \
			--change 'ENV HOME=/root' \
			--change 'WORKDIR /go' \
			--change "LABEL io.pigello-facade.go=$go_version" \
			--message "Go toolchain $go_version from $go_root" \
			- "$BUILDER_IMAGE" >/dev/null || return 1
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	_podman_setup
	echo "export CONTAINERS_CONF=$CONTAINERS_CONF"
	echo "export BUILDER_IMAGE=$BUILDER_IMAGE"
else
	_podman_setup
fi
