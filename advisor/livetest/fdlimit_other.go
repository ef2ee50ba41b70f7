//go:build !unix

package livetest

func fdLimit() (uint64, bool) { return 0, false }
