#!/usr/bin/env bash
# make test's step under the race detector: every package's tests, with app's
# in two processes at once beside the others.
#
# app's tests take the longest (about 150 s of one core) and cannot run in
# parallel inside one process: each uses Fyne's global app and the process's
# language. Its test binary is built once; the tests it lists (-test.list) are
# dealt out in turn to two shards, so each test runs in exactly one of them,
# and a shard that runs fewer tests than it was given fails the step.
#
# In app's binary only, the libraries that shape text, rasterise, decode SVG
# and draw charts (APP_UNINSTRUMENTED, from the Makefile) are built without
# the detector's instrumentation: they were two fifths of app's time under
# -race, in code of theirs that app only ever calls from the UI goroutine. Our
# code and Fyne's are instrumented as everywhere else, and report's and the
# other packages' tests, where charts are drawn from several goroutines, are
# built with every package instrumented.
#
# Usage: scripts/race-test.sh (from the repository root; make test calls it).
set -uo pipefail

out=bin/race
rm -rf "$out" && mkdir -p "$out"
timeout=40m

gcflags=()
for p in ${APP_UNINSTRUMENTED:-}; do
	gcflags+=("-gcflags=$p=-race=false")
done

echo "go test -race -c -o $out/app.test ${gcflags[*]} ./app"
go test -race -c -o "$out/app.test" "${gcflags[@]}" ./app || exit 1
(cd app && ../"$out"/app.test -test.list '.' 2>/dev/null) | grep -E '^(Test|Fuzz|Example)' >"$out/app.tests"
total=$(wc -l <"$out/app.tests")
if [ "$total" -eq 0 ]; then
	echo "app's test binary lists no test" >&2
	exit 1
fi

others=$(go list ./... | grep -v '/app$')
echo "go test -race -count=1 -timeout $timeout <every package but app>"
go test -race -count=1 -timeout "$timeout" $others >"$out/others.log" 2>&1 &
pids=($!)
names=("every package but app")
logs=("$out/others.log")

shards=2
for i in $(seq 1 $shards); do
	awk -v n=$shards -v i=$i 'NR % n == i % n' "$out/app.tests" >"$out/app.$i.tests"
	run="^($(paste -sd'|' "$out/app.$i.tests"))\$"
	echo "app shard $i/$shards: $(wc -l <"$out/app.$i.tests") of $total tests"
	(
		cd app || exit 1
		start=$(date +%s.%N)
		../"$out"/app.test -test.count=1 -test.timeout "$timeout" -test.v -test.run "$run"
		rc=$?
		echo "$start $(date +%s.%N)" >"../$out/app.$i.time"
		exit $rc
	) >"$out/app.$i.log" 2>&1 &
	pids+=($!)
	names+=("app shard $i/$shards")
	logs+=("$out/app.$i.log")
done

status=0
for k in "${!pids[@]}"; do
	if wait "${pids[$k]}"; then
		rc=0
	else
		rc=$?
	fi
	log=${logs[$k]}
	if [ "$k" -eq 0 ]; then
		cat "$log"
	else
		i=$k
		want=$(wc -l <"$out/app.$i.tests")
		ran=$(grep -cE '^--- (PASS|FAIL)' "$log")
		if [ "$rc" -ne 0 ] || [ "$ran" -ne "$want" ]; then
			# A failing shard shows its whole log: failures with the output of their tests.
			cat "$log"
			echo "FAIL	${names[$k]}: $ran of $want tests ran, exit status $rc"
			rc=1
		else
			secs=$(awk '{printf "%.1f", $2 - $1}' "$out/app.$i.time")
			echo "ok  	github.com/llm-advisor/llm-advisor/app	${names[$k]}: $want tests, ${secs}s"
		fi
	fi
	[ "$rc" -ne 0 ] && status=1
done
exit $status
