# pigello-facade. `make help` lists the targets.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --warn-undefined-variables --no-builtin-rules
.DELETE_ON_ERROR:

GO      ?= go
# Every tool is pinned in tools/go.mod and runs from the module cache.
TOOL    := $(GO) tool -modfile=tools/go.mod
BUF     := $(TOOL) buf
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# internal/app.version is the facade's; main.version is pigello-emulator's
# (the facade's package main has no such variable, and -X skips a name a
# binary does not define).
LDFLAGS := -s -w -X github.com/pigello-facade/pigello-facade/internal/app.version=$(VERSION) -X main.version=$(VERSION)
IMAGE   ?= localhost/pigello-facade:$(VERSION)

.PHONY: help
help: ## Show the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: run
run: build ## Build and start the facade on the embedded Pigello emulator
	@$(TOOL) grpcurl -version >/dev/null 2>&1 # build the pinned grpcurl now, so the printed commands answer at once
	./bin/pigello-facade --emulator --grpcurl-command "$(TOOL) grpcurl"

.PHONY: build
build: ## Build bin/pigello-facade and bin/pigello-emulator
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/ ./cmd/...

# A count, not a duration: Go 1.26's fuzz coordinator can report its own
# -fuzztime deadline as a failure (golang/go#75804, fixed in Go 1.27).
FUZZTIME ?= 20000x
# package:target pairs run by `make fuzz`.
FUZZ_TARGETS := upstream:FuzzParseDRF server:FuzzMask internal/schema:FuzzUnmarshal internal/schema:FuzzMarshal internal/schema:FuzzBody

.PHONY: test
test: checkgenerate lint browser-deps ## Everything CI checks: generate, lint, go test -race (with the browser test), fuzz, Node client, OpenAPI, manifests, image
	$(GO) test -race -count=1 ./...
	$(MAKE) --no-print-directory fuzz
	$(MAKE) --no-print-directory node-test
	$(MAKE) --no-print-directory openapi-check
	$(MAKE) --no-print-directory python-test
	$(MAKE) --no-print-directory validate-manifests
	$(MAKE) --no-print-directory image-test

.PHONY: fuzz
fuzz: ## Run each fuzz target for FUZZTIME executions (default 20000x) from its committed corpus
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "$(GO) test -run=^$$ -fuzz=^$$name\$$ -fuzztime=$(FUZZTIME) ./$$pkg/"; \
		$(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) ./$$pkg/ || exit 1; \
	done

BENCH_FLAGS ?=

.PHONY: bench
bench: build ## Facade vs direct upstream vs vanguard, interleaved rounds; writes bench/results/latest.{md,png,json} and profile-get-c50-grpc.{md,pprof} (BENCH_FLAGS="-d 20s -rounds 5")
	cd bench && $(GO) run ./cmd/benchrun $(BENCH_FLAGS)

SOAK_DURATION ?= 2m

.PHONY: soak
soak: ## Steady load with Pigello faults mixed in for SOAK_DURATION (default 2m); checks leaks afterwards
	SOAK_DURATION=$(SOAK_DURATION) $(GO) test -tags soak -run '^TestSoak$$' -count=1 -v -timeout 30m ./internal/app/

.PHONY: lint
lint: ## buf lint, buf format, buf breaking against main, gofmt, go vet
	$(BUF) lint
	$(BUF) format -d --exit-code proto
	@if git rev-parse -q --verify main >/dev/null; then \
		echo "$(BUF) breaking --against .git#branch=main"; \
		$(BUF) breaking --against '.git#branch=main'; \
	fi
	@out=$$(gofmt -l $$(git ls-files --cached --others --exclude-standard '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

.PHONY: browser-deps
browser-deps: ## Install Debian's chromium for the /docs browser test (as root; otherwise only a warning)
	@if ! command -v chromium >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "chromium is missing and this is not root: the browser test will skip (or fail with CI=true)"; \
		fi; \
	fi

.PHONY: test-browser
test-browser: browser-deps ## Open /docs in headless Chromium and run Get, Create and List through Swagger UI's Try it out
	CI=$${CI:-true} $(GO) test -race -count=1 -run '^TestSwaggerUIInChromium$$' -v ./docs/

.PHONY: node-test
node-test: build protos ## The Node.js client (clients/node, @grpc/grpc-js) against the facade on its emulator
	cd clients/node && npm ci --no-audit --no-fund && FACADE_BIN=$(CURDIR)/bin/pigello-facade npm test

.PHONY: openapi-check
openapi-check: ## Validate /openapi.json with swagger-parser and generate TypeScript types from it with openapi-typescript (docs/openapi-check)
	cd docs/openapi-check && npm ci --no-audit --no-fund && npm run --silent check

# The one proto tree every client uses: the contract, its imports, google/rpc
# (error details) and grpc/health/v1. The google/protobuf well-known types
# are left out: every protobuf toolchain and runtime ships its own.
PROTOS := dist/protos

.PHONY: protos
protos: ## Write the complete proto tree a client in any language needs (contract, google/api, google/rpc, buf/validate, grpc health) to dist/protos
	rm -rf $(PROTOS)
	$(BUF) export . -o $(PROTOS)
	cp third_party/proto/LICENSE $(PROTOS)/LICENSE
	cp third_party/proto/protoc-gen-openapiv2/LICENSE $(PROTOS)/protoc-gen-openapiv2/LICENSE

# Debian's interpreter, not one on PATH (pyenv): only Debian's packages can
# be installed here, and they install for /usr/bin/python3.
PYTHON      := /usr/bin/python3
PYTHON_DEBS := protobuf-compiler protobuf-compiler-grpc python3-grpcio python3-protobuf
PYTHON_GEN  := dist/python

.PHONY: python-deps
python-deps: ## Install Debian's protoc, grpc_python_plugin, python3-grpcio and python3-protobuf for the Python client (as root)
	@if ! command -v protoc >/dev/null || ! command -v grpc_python_plugin >/dev/null || \
		! $(PYTHON) -c 'import grpc, google.protobuf' 2>/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PYTHON_DEBS) >/dev/null; \
		else \
			echo "the Python client needs Debian's $(PYTHON_DEBS): apt-get install them as root"; exit 1; \
		fi; \
	fi

# grpc/health/v1/health.proto is compiled as grpc_health/v1/health.proto
# (protoc's VIRTUAL=DIR include form), as grpcio-health-checking does:
# Python's grpc package is the runtime, so generated modules cannot live
# under grpc/.
.PHONY: python-stubs
python-stubs: protos python-deps ## Generate the Python client's stubs from dist/protos into dist/python with Debian's protoc
	rm -rf $(PYTHON_GEN) && mkdir -p $(PYTHON_GEN)
	protoc -I $(PROTOS) --python_out=$(PYTHON_GEN) --grpc_python_out=$(PYTHON_GEN) \
		--plugin=protoc-gen-grpc_python=$$(command -v grpc_python_plugin) \
		$$(cd $(PROTOS) && find . -name '*.proto' ! -path './grpc/*' | sed 's|^\./||' | sort)
	protoc -I grpc_health/v1=$(PROTOS)/grpc/health/v1 --python_out=$(PYTHON_GEN) --grpc_python_out=$(PYTHON_GEN) \
		--plugin=protoc-gen-grpc_python=$$(command -v grpc_python_plugin) grpc_health/v1/health.proto

.PHONY: python-test
python-test: build python-stubs ## The Python client (clients/python, Debian's grpcio) against the facade on its emulator
	cd clients/python && PYTHONPATH=$(CURDIR)/$(PYTHON_GEN) FACADE_BIN=$(CURDIR)/bin/pigello-facade \
		$(PYTHON) -m unittest -v test_pigello_client

.PHONY: docs-ui
docs-ui: ## Re-copy Swagger UI from npm into docs/assets/swagger-ui (as pinned in docs/ui/package-lock.json)
	cd docs/ui && npm ci && npm run vendor

# The OpenAPI 3.1 description /openapi.json serves, converted from
# protoc-gen-openapiv2's output by internal/cmd/openapiv3.
OPENAPI := docs/openapi/pigello-facade.json

.PHONY: generate
generate: ## Regenerate third_party/proto, gen/, apidesc/ and docs/openapi (OpenAPI 3.1) from proto/
	rm -rf third_party/proto/buf third_party/proto/google third_party/proto/grpc third_party/proto/protoc-gen-openapiv2/options
	$(GO) run ./internal/cmd/protoexport third_party/proto
	$(BUF) generate
	$(BUF) build proto -o apidesc/apidesc.binpb
	$(GO) run ./internal/cmd/openapiv3 apidesc/apidesc.binpb gen/openapiv2/pigello-facade.swagger.json $(OPENAPI)

.PHONY: checkgenerate
checkgenerate: ## Fail if gen/, apidesc/, docs/openapi or third_party/proto differ from what proto/ generates
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(GO) run ./internal/cmd/protoexport "$$tmp/third_party/proto"; \
	$(BUF) generate -o "$$tmp"; \
	$(BUF) build proto -o "$$tmp/apidesc.binpb"; \
	$(GO) run ./internal/cmd/openapiv3 "$$tmp/apidesc.binpb" "$$tmp/gen/openapiv2/pigello-facade.swagger.json" "$$tmp/openapi.json"; \
	diff -r --exclude=README.md --exclude=LICENSE third_party/proto "$$tmp/third_party/proto"; \
	diff -r gen "$$tmp/gen"; \
	cmp apidesc/apidesc.binpb "$$tmp/apidesc.binpb"; \
	diff $(OPENAPI) "$$tmp/openapi.json"; \
	echo "generated code is up to date"

.PHONY: image
image: ## Build the container image with podman (installs podman and a local Go builder base when missing; root)
	VERSION=$(VERSION) IMAGE=$(IMAGE) scripts/image-build.sh

.PHONY: image-test
image-test: ## Build the image and test it running: read-only, non-root, emulator, TLS + tokens, SIGTERM
	VERSION=$(VERSION) IMAGE=$(IMAGE) scripts/image-test.sh

.PHONY: validate-manifests
validate-manifests: ## Render deploy/ with kustomize and validate it offline (kubectl-validate, manifestcheck)
	scripts/validate-manifests.sh

.PHONY: docker
docker: ## Build the container image with a Docker engine, where one runs
	docker build --build-arg VERSION=$(VERSION) -t $(IMAGE) .

.PHONY: clean
clean: ## Remove build output
	rm -rf bin dist
