package server

import (
	"encoding/base64"
	"errors"
	"math"
	"testing"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
)

func TestPageTokenRoundTrip(t *testing.T) {
	for _, want := range []pageToken{
		{page: 2, size: 1, checksum: 0},
		{page: 3, size: 50, checksum: 0xdeadbeef},
		{page: math.MaxInt64 / maxPageSize, size: maxPageSize, checksum: math.MaxUint32},
	} {
		s := want.String()
		got, err := parsePageToken(s)
		if err != nil || got != want {
			t.Errorf("parsePageToken(%q) = %+v, %v; want %+v", s, got, err, want)
		}
	}
}

// TestPageTokenRefused: only tokens String writes, for pages a next token
// can name, are read.
func TestPageTokenRefused(t *testing.T) {
	encode := func(b ...byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	valid := pageToken{page: 2, size: 50, checksum: 7}.String()
	for name, token := range map[string]string{
		"not base64":           "%%%",
		"padded base64":        valid + "=",
		"empty after decoding": encode(),
		"another version":      encode(2, 2, 50, 0, 0, 0, 7),
		"no checksum":          encode(1, 2, 50),
		"short checksum":       encode(1, 2, 50, 0, 0, 7),
		"trailing byte":        encode(1, 2, 50, 0, 0, 0, 7, 0),
		"page 1":               pageToken{page: 1, size: 50}.String(),
		"page 0":               pageToken{page: 0, size: 50}.String(),
		"page too large":       pageToken{page: math.MaxInt64/maxPageSize + 1, size: 50}.String(),
		"size 0":               pageToken{page: 2, size: 0}.String(),
		"size 501":             pageToken{page: 2, size: 501}.String(),
		"varint too long":      encode(1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 50, 0, 0, 0, 7),
	} {
		if got, err := parsePageToken(token); !errors.Is(err, errBadToken) {
			t.Errorf("%s: parsePageToken(%q) = %+v, %v; want errBadToken", name, token, got, err)
		}
	}
}

// TestPageFor: the page asked of Pigello after a token, whatever the new
// page size: the one holding the next item, with the items before it
// skipped.
func TestPageFor(t *testing.T) {
	req := &accountsv1.ListWorkEngagementsRequest{Filter: `x`}
	sum, err := requestChecksum(req)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		token      pageToken
		size       int32
		page, skip int64
	}{
		{pageToken{page: 2, size: 50}, 50, 2, 0},
		{pageToken{page: 4, size: 10}, 10, 4, 0},
		{pageToken{page: 4, size: 10}, 15, 3, 0}, // 30 had: page 3 of 15 starts at 30
		{pageToken{page: 4, size: 10}, 20, 2, 10},
		{pageToken{page: 4, size: 10}, 7, 5, 2},
		{pageToken{page: 2, size: 3}, 500, 1, 3},
		{pageToken{page: 2, size: 500}, 1, 501, 0},
	}
	for _, tt := range tests {
		tt.token.checksum = sum
		c := &listCall{size: tt.size, checksum: sum}
		if err := c.pageFor(tt.token.String()); err != nil || c.page != tt.page || int64(c.skip) != tt.skip {
			t.Errorf("after %+v with size %d: page %d, skip %d, %v; want page %d, skip %d", tt.token, tt.size, c.page, c.skip, err, tt.page, tt.skip)
		}
	}
}
