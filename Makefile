# mlctl: `make demo` to see it run, `make test` before you push.

GO       ?= go
BIN      := bin/mlctl
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo dev)
COMMIT   := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS  := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
FUZZTIME ?= 10s

# Every Go module in the tree (scoring/ has its own go.mod, stdlib only).
MODULES  := $(patsubst %/go.mod,%,$(shell find . -name go.mod -not -path './.git/*' -not -path '*/testdata/*'))

TC_DIR   ?= /tmp/mlctl-testcluster
TC_FLAGS ?=

.PHONY: build demo test deps bench bench-peers fuzz clean testcluster-up testcluster-down testcluster-smoke docs completions generate

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/mlctl

demo: build
	./$(BIN) quickstart

# Files generated from the command tree, committed, and checked by tests
# that fail when they are stale: docs/cli/*.md and docs/man/*.1 (cobra's doc
# generator, no dates) and the shell completion scripts under completions/.
# After adding or changing a command or a flag, run make generate and commit.
docs:
	$(GO) run ./internal/tools/gen docs docs

completions:
	$(GO) generate ./completions

generate: docs completions

# The integration tests run against a real secure Hadoop (testcluster/): one
# is started for the whole run and every test package reuses it.
test: deps
	@set -e; tc=$$(mktemp -d /tmp/mlctl-tc-XXXXXX); \
	trap 'bash testcluster/run.sh down '"$$tc"' >/dev/null 2>&1 || true; rm -rf '"$$tc" EXIT; \
	echo "== starting the secure test cluster in $$tc"; \
	bash testcluster/run.sh up $$tc >/dev/null; \
	export MLCTL_TESTCLUSTER=$$tc; \
	for m in $(MODULES); do \
		echo "== $$m: go mod tidy -diff"; (cd $$m && $(GO) mod tidy -diff); \
		echo "== $$m: go vet"; (cd $$m && $(GO) vet ./...); \
		echo "== $$m: go test"; (cd $$m && $(GO) test -count=1 -timeout 20m ./...); \
	done

# What the tests need beyond Go: Java 17 and Maven for the test cluster, MIT
# Kerberos tools (kinit) and curl. Installed from Debian's packages if missing.
deps:
	@missing=""; \
	command -v java >/dev/null || missing="$$missing openjdk-17-jdk-headless"; \
	command -v mvn >/dev/null || missing="$$missing maven"; \
	command -v kinit >/dev/null || missing="$$missing krb5-user"; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	if [ -n "$$missing" ]; then \
		echo "== installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

testcluster-up:
	bash testcluster/run.sh up $(TC_DIR) $(TC_FLAGS)

testcluster-down:
	bash testcluster/run.sh down $(TC_DIR)

testcluster-smoke:
	bash testcluster/smoke.sh $(TC_DIR)

# Side-by-side benchmarks against peers installed from PyPI into bench/peers/.venv:
# CSV import (PEERS_ARGS=--10m adds 10M rows), then training against XGBoost,
# LightGBM, scikit-learn and H2O-3 (TRAIN_ARGS="--rows 20000" for a quick run).
bench-peers:
	bench/peers/run.sh $(PEERS_ARGS)
	bench/peers/train.sh $(TRAIN_ARGS)
	bench/peers/score.sh $(SCORE_ARGS)

bench:
	@set -e; for m in $(MODULES); do \
		(cd $$m && $(GO) test -run '^$$' -bench . -benchmem ./...); \
	done

# A short run of every fuzz target (go test allows one -fuzz target per run).
fuzz:
	@set -e; grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r f; do \
		d=$$(dirname "$$f"); \
		for t in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$$f"); do \
			echo "== $$d $$t"; \
			(cd "$$d" && $(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) .); \
		done; \
	done

clean:
	rm -rf bin
	$(GO) clean -testcache
