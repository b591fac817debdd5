# mlctl: `make demo` to see it run, `make test` before you push.

GO       ?= go
BIN      := bin/mlctl
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo dev)
COMMIT   := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS  := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
FUZZTIME ?= 10s

# Every Go module in the tree (scoring/ has its own go.mod, stdlib only).
MODULES  := $(patsubst %/go.mod,%,$(shell find . -name go.mod -not -path './.git/*' -not -path '*/testdata/*'))

.PHONY: build demo test bench fuzz clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/mlctl

demo: build
	./$(BIN) quickstart

test:
	@set -e; for m in $(MODULES); do \
		echo "== $$m: go vet"; (cd $$m && $(GO) vet ./...); \
		echo "== $$m: go test"; (cd $$m && $(GO) test -count=1 -timeout 15m ./...); \
	done

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
