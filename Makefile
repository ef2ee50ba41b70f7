# LLM Advisor — `make run` opens the app, `make test` runs every test.
# Both install what a fresh Debian machine is missing first (make deps).

BIN      := bin/llm-advisor
TAGS     := sqlite_fts5
export GOFLAGS := -buildvcs=false -tags=$(TAGS)
export CGO_ENABLED := 1

# Debian packages: a C compiler and the X11/OpenGL headers for Fyne, Xvfb for
# window tests, poppler-utils (pdftotext) to read exported PDFs back in tests.
DEB_PKGS := gcc pkg-config libgl1-mesa-dev xorg-dev xvfb xauth x11-apps poppler-utils fonts-dejavu-core
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all run build test race bench lint debug package install deps clean

all: build

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@go mod download

build: deps
	go build -o $(BIN) .

run: build
	./$(BIN)

# Every test, with the race detector. Tests that need a window start their own Xvfb.
test: deps
	go vet ./...
	go test -race -count=1 -timeout 40m ./...

bench: deps
	go test -run '^$$' -bench . -benchmem -timeout 40m ./...

lint: deps
	gofmt -l . | tee /dev/stderr | (! read)
	go vet ./...
	go run honnef.co/go/tools/cmd/staticcheck@2025.1.1 ./...

# A debug build leaves out migrated_fynedo so Fyne logs widgets touched off the UI goroutine.
debug: deps
	go build -tags $(TAGS),debug -o $(BIN)-debug .

package: deps
	@echo "make package: see the packaging issue"; exit 1

install: package

clean:
	rm -rf bin
