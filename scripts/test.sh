#!/usr/bin/env bash
# make test's tests, after go vet and before the fuzzers: every package's
# tests under the race detector, and the tests built only without it, at
# once, so both cores stay busy from the first build to the last test.
#
# app's tests take the longest (about 150 s of one core) and cannot run in
# parallel inside one process: each uses Fyne's global app and the process's
# language. Its test binary is built once; the tests it lists (-test.list) are
# dealt out in turn to two shards, so each test runs in exactly one of them,
# and a shard that reports fewer tests passed or failed than it was given
# (a crash, or a test that skips) fails the step.
#
# The libraries that shape text, rasterise, decode SVG and draw charts
# (UNINSTRUMENTED, from the Makefile) are built without the detector's
# instrumentation, except in report's test binary: instrumented, they were
# two fifths of app's time under -race (250 s against 152 s on 2 cores), and
# cli's tests draw reports' charts with them too. report is the one package of
# ours that calls them, from several goroutines at once, and its tests run
# with every package instrumented; elsewhere they are reached through report
# or from Fyne's UI goroutine. Our code, Fyne's and the standard library's are
# instrumented everywhere.
#
# The tests built only without -race are the Makefile's NORACE_<PACKAGE>
# lists (the root package's TestNoRaceTestsAreInMakeTest holds them to the
# files and to the go test line below).
#
# Usage: scripts/test.sh from the repository root (make test calls it).
set -uo pipefail
: "${NORACE_APP:?comes from the Makefile: run make test}" "${NORACE_ADVISOR:?}" "${NORACE_REPORT:?}" "${UNINSTRUMENTED:?}"
trap 'kill $(jobs -p) 2>/dev/null' EXIT

out=bin/test
rm -rf "$out" && mkdir -p "$out"
timeout=40m
pids=()
names=()
logs=()

# start NAME CMD...: runs CMD in the background, its output to a log.
start() {
	local name=$1
	shift
	local log="$out/$(echo "$name" | tr -c 'a-z0-9\n' '-').log"
	echo "${show:-$*}" | cut -c1-240
	show=
	(
		begin=$(date +%s.%N)
		"$@"
		rc=$?
		echo "$begin $(date +%s.%N)" >"$log.time"
		exit $rc
	) >"$log" 2>&1 &
	pids+=($!)
	names+=("$name")
	logs+=("$log")
}

gcflags=()
for p in $UNINSTRUMENTED; do
	gcflags+=("-gcflags=$p=-race=false")
done
# app's binary is built first, beside the tests without -race: on a cold
# cache the go tests under -race would otherwise compile the same packages
# at the same time.
start "norace" go test -count=1 -timeout 20m -run "$NORACE_APP|$NORACE_ADVISOR|$NORACE_REPORT" ./app ./advisor ./report
echo "go test -race -c -o $out/app.test ${gcflags[*]} ./app"
go test -race -c -o "$out/app.test" "${gcflags[@]}" ./app || exit 1
(cd app && ../"$out"/app.test -test.list '.' 2>/dev/null) | grep -E '^(Test|Fuzz|Example)' >"$out/app.tests"
total=$(wc -l <"$out/app.tests")
if [ "$total" -eq 0 ]; then
	echo "app's test binary lists no test" >&2
	exit 1
fi
start "report" go test -race -count=1 -timeout "$timeout" ./report
start "race" go test -race -count=1 -timeout "$timeout" "${gcflags[@]}" $(go list ./... | grep -vE '/(app|report)$')
shards=2
for i in $(seq 1 $shards); do
	awk -v n=$shards -v i=$i 'NR % n == i % n' "$out/app.tests" >"$out/app.$i.tests"
	show="app shard $i/$shards: $out/app.test -test.run <$(wc -l <"$out/app.$i.tests") of its $total tests>"
	start "app shard $i" bash -c 'cd app && exec ../"$0"/app.test -test.paniconexit0 -test.count=1 -test.timeout "$1" -test.v -test.run "$2"' \
		"$out" "$timeout" "^($(paste -sd'|' "$out/app.$i.tests"))\$"
done

status=0
for k in "${!pids[@]}"; do
	if wait "${pids[$k]}"; then
		rc=0
	else
		rc=$?
	fi
	name=${names[$k]}
	log=${logs[$k]}
	secs=$(awk '{printf "%.1f", $2 - $1}' "$log.time" 2>/dev/null)
	case $name in
	"app shard "*)
		i=${name#app shard }
		want=$(wc -l <"$out/app.$i.tests")
		ran=$(grep -cE '^--- (PASS|FAIL)' "$log")
		if [ "$rc" -ne 0 ] || [ "$ran" -ne "$want" ]; then
			cat "$log" # a failing shard shows its whole log: each failure with its test's output
			echo "FAIL	github.com/llm-advisor/llm-advisor/app	(-race, shard $i/$shards): $ran of $want tests ran, exit status $rc"
			rc=1
		else
			echo "ok  	github.com/llm-advisor/llm-advisor/app	${secs}s (-race, shard $i/$shards: $want tests)"
		fi
		;;
	*)
		echo "# $name (${secs}s):"
		cat "$log"
		;;
	esac
	[ "$rc" -ne 0 ] && status=1
done
exit $status
