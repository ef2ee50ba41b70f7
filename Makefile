# LLM Advisor — `make run` opens the app, `make test` runs every test.
# Both install what a fresh Debian machine is missing first (make deps).

BIN      := bin/llm-advisor
TAGS     := sqlite_fts5
# The app uses fyne.Do for every update from a goroutine (FyneApp.toml: fyneDo),
# so the shipped build says so, as `fyne build` would; `make debug` leaves the
# tag out and Fyne then logs any widget touched off the UI goroutine.
# no_emoji leaves out Fyne's 4 MB colour emoji font, which Fyne parses again
# for every text style (23 MB of the idle process); the app shows no emoji, and
# its few symbols (⚠ ✓ ★) come from the system's fonts.
APP_TAGS := $(TAGS),migrated_fynedo,no_emoji
# -trimpath keeps the checkout's folder out of what is built, so the Go build
# cache serves a fresh clone anywhere (without it every clone compiles this
# module's packages again, about 150 s of CPU for make test's variants).
export GOFLAGS := -buildvcs=false -trimpath -tags=$(TAGS)
export CGO_ENABLED := 1

# Debian packages: a C compiler and the X11/OpenGL headers for Fyne, Xvfb for
# window tests, poppler-utils (pdftotext) to read exported PDFs back in tests.
DEB_PKGS := gcc pkg-config libgl1-mesa-dev xorg-dev xvfb xauth x11-apps poppler-utils fonts-dejavu-core xz-utils
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all run build test bench lint cyclo screenshots debug package install deps clean

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
	go build -tags $(APP_TAGS) -o $(BIN) .

run: build
	./$(BIN)

# Tests built only without the race detector (files with //go:build !race),
# one list per package: app's screen walks, which only lay screens out and
# read what is drawn, and its heap measure (whose figures the detector
# changes); advisor's property test of 3000 random recommendations; report's
# checks of every export format's content. None starts a goroutine of its own
# (the code they reach that does is under the detector in other tests of its
# package), and the detector made them 8-12 times slower. scripts/test.sh runs
# them in one go test, beside the tests under the detector. The root
# package's TestNoRaceTestsAreInMakeTest keeps these lists, those files and
# that go test the same.
export NORACE_APP := ^(TestHomeHeapAfterScreensLeft|TestMarkupGoldens|TestNoEnglishInPortuguese|TestNoFaintLabels|TestNothingCutOffAtMinimumSize)$$
export NORACE_ADVISOR := ^(TestInvariantsOnRandomAnswers)$$
export NORACE_REPORT := ^(TestCapacityInEveryReport|TestEdgeRuns|TestKindsEdgeRuns|TestKindsRenderEveryFormat|TestNoSecretLeaks|TestPeopleInReport|TestReportMoneyInTheUsersCurrency)$$

# The libraries that shape text, rasterise, decode SVG and draw charts, built
# without the race detector's instrumentation in every test binary but
# report's, the one package of ours that calls them from several goroutines
# (see scripts/test.sh). Our code, Fyne's and the standard library's are
# instrumented everywhere.
export UNINSTRUMENTED := github.com/go-text/... golang.org/x/image/... github.com/golang/freetype/... \
	github.com/srwiley/... github.com/fyne-io/oksvg github.com/wcharczuk/go-chart/...

# Every test, with the race detector (app's in two processes, beside the
# other packages'), and the tests above without it, all at once
# (scripts/test.sh). Tests that need a window start their own Xvfb.
test: deps
	go vet ./...
	bash scripts/test.sh
	@# The plan and answers decoders are fuzzed (seeds in testdata/fuzz) for a
	@# bounded number of inputs, about 15 s each on 2 cores: a -fuzztime in seconds
	@# fails at random on a busy machine with Go 1.26 ("context deadline exceeded",
	@# golang/go#75804, fixed in Go 1.27), a count has no deadline to race.
	go test -run '^$$' -fuzz FuzzParsePlan -fuzztime 40000x ./advisor/livetest
	go test -run '^$$' -fuzz FuzzParseAnswers -fuzztime 100000x ./advisor

bench: deps
	go test -run '^$$' -bench . -benchmem -timeout 40m ./...

lint: deps
	@bad=$$(gofmt -l .); if [ -n "$$bad" ]; then echo "gofmt needed:"; echo "$$bad"; exit 1; fi
	go vet ./...
	go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	@$(MAKE) --no-print-directory cyclo

# Functions over cyclomatic complexity 30 (Fyne's own CI limit): it lists
# each one and fails; silent when there is none.
cyclo:
	@GOFLAGS= go run github.com/fzipp/gocyclo/cmd/gocyclo@v0.6.0 -over 30 -ignore '_test' .

# The PNGs of docs/screenshots, every screen in both languages (opt-in: the
# walks are behind the screenshots build tag and not part of make test).
screenshots: deps
	LLM_ADVISOR_SCREENSHOTS=$(CURDIR)/docs/screenshots go test -tags $(TAGS),screenshots -count=1 -run 'Screenshots|TestCapacityScreen' ./app

# A debug build leaves out migrated_fynedo so Fyne logs widgets touched off the UI goroutine.
debug: deps
	go build -tags $(TAGS) -race -o $(BIN)-debug .
	@echo "Run ./$(BIN)-debug: Fyne logs any widget touched off the UI goroutine, and the race detector reports data races."

# Packaging with Fyne's own tool (fyne.io/tools), pinned and installed on demand.
FYNE_TOOL_VERSION := v1.7.4
FYNE_TOOL := $(shell go env GOPATH)/bin/fyne
DIST      := dist
PKG       := $(DIST)/llm-advisor-linux-$(shell go env GOARCH).tar.xz

$(FYNE_TOOL):
	GOFLAGS= go install fyne.io/tools/cmd/fyne@$(FYNE_TOOL_VERSION)

# A Linux package: the binary, a desktop entry and the icon, with an install Makefile inside.
# fyne package compresses it with tar -J: xz on every core unless XZ_OPT says otherwise.
package: export XZ_OPT ?= -T0
package: build $(FYNE_TOOL)
	@# fyne package bumps the build number in the FyneApp.toml it reads and wants a Go
	@# file beside it: give it a staging copy so the checkout stays clean.
	@rm -rf $(DIST)/stage && mkdir -p $(DIST)/stage/assets
	@cp FyneApp.toml $(DIST)/stage/ && cp assets/icon.png $(DIST)/stage/assets/
	@printf 'package main\n' > $(DIST)/stage/stage.go
	cd $(DIST)/stage && $(FYNE_TOOL) package -os linux --release --exe $(abspath $(BIN)) --name "LLM Advisor"
	mv "$(DIST)/stage/LLM Advisor.tar.xz" $(PKG) && rm -rf $(DIST)/stage
	@echo "Built $(PKG)"

# Puts the app in your applications menu (~/.local, no root needed).
install: package
	@tmp=$$(mktemp -d) && tar -xJf $(PKG) -C $$tmp && $(MAKE) -C $$tmp/llm-advisor user-install && rm -rf $$tmp
	@echo "LLM Advisor is in your applications menu."

clean:
	rm -rf bin $(DIST)
