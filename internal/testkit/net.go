package testkit

import (
	"net"
	"testing"
)

// ClosedAddr returns a loopback address nothing listens on, so dialling it
// is refused by the kernel.
func ClosedAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}
