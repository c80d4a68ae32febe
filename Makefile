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
