# Crossover — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
GO ?= go
export CGO_ENABLED := 0
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
ADDR ?= 127.0.0.1:8080
HAVE_NODE := $(shell command -v npm >/dev/null 2>&1 && echo yes)
CHROMIUM ?= /usr/bin/chromium

.PHONY: run build ui test test-go test-ui test-e2e fmt-check vet bench clean

## run: build everything and start on the embedded SQLite with demo data
run: build
	@echo "Crossover starts at http://$(ADDR)  (Ctrl-C stops it; data in ./data)"
	CROSSOVER_ADDR=$(ADDR) ./crossover serve --demo

## build: the single binary, with the web UI embedded when Node.js is available
build: ui
	$(GO) build -ldflags "$(LDFLAGS)" -o crossover .

ui:
ifeq ($(HAVE_NODE),yes)
	cd frontend && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build
else
	@echo "Node.js not found: the binary serves a placeholder page instead of the web UI"
endif

## test: formatting, vet, Go tests with the race detector, frontend unit and browser tests
test: fmt-check vet test-go test-ui test-e2e

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

test-go:
	CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 20m ./...

test-ui:
ifeq ($(HAVE_NODE),yes)
	cd frontend && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm test
else
	@echo "SKIPPED frontend unit tests: Node.js is not installed"
endif

test-e2e:
ifeq ($(HAVE_NODE),yes)
	@if [ -x "$(CHROMIUM)" ]; then bash frontend/e2e/serve-and-run.sh; \
	else echo "SKIPPED browser tests: $(CHROMIUM) not found (apt-get install chromium)"; fi
else
	@echo "SKIPPED browser tests: Node.js is not installed"
endif

## bench: Go benchmarks of the engine and the store (short); see docs/PERFORMANCE.md for the full runs
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2x ./...

clean:
	rm -rf crossover data frontend/dist/assets frontend/dist/index.html

## reliability: the reliability suites in full and every fuzz target for a minute (docs/RELIABILITY.md);
## with TEST_DATABASE_URL they run on PostgreSQL, including a restart of the local cluster mid-load
FUZZTIME ?= 10s
.PHONY: reliability reliability-short fuzz deploy-check
reliability:
	CROSSOVER_RELIABILITY=full $(GO) test -count=1 -v -timeout 30m -run 'TestReliability|TestScaleOut' .
	$(MAKE) fuzz FUZZTIME=60s

## reliability-short: the bounded mode CI runs (about two minutes)
reliability-short:
	CROSSOVER_RELIABILITY=short $(GO) test -count=1 -v -timeout 10m -run 'TestReliability' .
	$(MAKE) fuzz FUZZTIME=10s

## fuzz: each Go fuzz target for FUZZTIME; a crasher is kept in its package's testdata/fuzz.
## Go 1.26's fuzz coordinator can fail a run with a bare "context deadline exceeded" as -fuzztime
## expires on a busy machine (golang/go#75804, fixed in Go 1.27): such a run, with no failing input
## written and no panic, is run once more; any other failure, or a second one, fails.
fuzz:
	@set -e; for f in $$(git ls-files --cached --others --exclude-standard '*_test.go' | xargs grep -l '^func Fuzz'); do \
	  pkg=./$$(dirname $$f); \
	  for t in $$(grep -o '^func Fuzz[A-Za-z0-9_]*' $$f | cut -d' ' -f2); do \
	    for try in 1 2; do \
	      echo "== fuzz $$pkg $$t for $(FUZZTIME)"; \
	      st=0; out=$$($(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg 2>&1) || st=$$?; echo "$$out"; \
	      [ $$st -eq 0 ] && break; \
	      if [ $$try -eq 1 ] && grep -q 'context deadline exceeded' <<<"$$out" && ! grep -qE 'Failing input written|panic:' <<<"$$out"; then \
	        echo "== $$t: the fuzz coordinator's deadline race (golang/go#75804), no failing input: once more"; continue; \
	      fi; \
	      exit $$st; \
	    done; \
	  done; \
	done

## deploy-check: the deployment files offline (go test ./deploy/...), then kubeconform v0.8.0, strictly, on every
## manifest in deploy/k8s but the Kustomization, against JSON schemas that deploy/kubeschema makes in a temporary
## directory from the official OpenAPI v3 of k8s.io/kubernetes and CloudNativePG's CRDs (pinned Go modules)
deploy-check:
	$(GO) test -count=1 ./deploy/...
	@set -e; dir=$$(mktemp -d); trap 'rm -rf "$$dir"' EXIT; \
	$(GO) run ./deploy/kubeschema "$$dir"; \
	$(GO) run github.com/yannh/kubeconform/cmd/kubeconform@v0.8.0 -strict -summary -skip Kustomization \
	  -schema-location "$$dir/{{ .ResourceKind }}{{ .KindSuffix }}.json" deploy/k8s
