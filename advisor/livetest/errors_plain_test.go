package livetest

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
)

// Connection failures are said in plain words a user can act on, not as
// Go's "dial tcp …: connect: connection refused".
func TestNetReasonPlainWords(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	_, err = http.Get("http://" + addr + "/v1/models")
	if err == nil {
		t.Fatal("a closed port answered")
	}
	got := netReason(err)
	if !strings.Contains(got, "nothing is listening at "+addr) || strings.Contains(got, "dial tcp") {
		t.Errorf("refused: %q", got)
	}

	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
		return nil, &net.DNSError{Err: "no such host", Name: "no-such-host.invalid", IsNotFound: true}
	}}
	_, err = r.LookupHost(context.Background(), "no-such-host.invalid")
	if got := netReason(err); !strings.Contains(got, `host name "no-such-host.invalid" was not found`) {
		t.Errorf("dns: %q", got)
	}
}
