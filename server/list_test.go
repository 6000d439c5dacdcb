package server

import (
	"encoding/base64"
	"errors"
	"math"
	"strings"
	"testing"

	"buf.build/go/protovalidate"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
)

// TestListContractRules checks the protovalidate rules of the List request,
// which ValidationInterceptor enforces before the handler runs.
func TestListContractRules(t *testing.T) {
	tests := []struct {
		name      string
		req       *accountsv1.ListWorkEngagementsRequest
		wantField string // "" means valid
	}{
		{"empty", &accountsv1.ListWorkEngagementsRequest{}, ""},
		{"page size above the cap (coerced, not refused)", &accountsv1.ListWorkEngagementsRequest{PageSize: math.MaxInt32}, ""},
		{"negative page size", &accountsv1.ListWorkEngagementsRequest{PageSize: -1}, "page_size"},
		{"search of 255 characters", &accountsv1.ListWorkEngagementsRequest{Search: strings.Repeat("ö", 255)}, ""},
		{"search with spaces and punctuation", &accountsv1.ListWorkEngagementsRequest{Search: " a&b=c?#/ "}, ""},
		{"search of 256 characters", &accountsv1.ListWorkEngagementsRequest{Search: strings.Repeat("a", 256)}, "search"},
		{"search with a newline", &accountsv1.ListWorkEngagementsRequest{Search: "a\nb"}, "search"},
		{"search with NUL", &accountsv1.ListWorkEngagementsRequest{Search: "a\x00"}, "search"},
		{"search with DEL", &accountsv1.ListWorkEngagementsRequest{Search: "\x7f"}, "search"},
		{"search with a C1 control", &accountsv1.ListWorkEngagementsRequest{Search: "a\u0085"}, "search"},
		{"page token of 1025", &accountsv1.ListWorkEngagementsRequest{PageToken: strings.Repeat("a", 1025)}, "page_token"},
		{"filter of 2049", &accountsv1.ListWorkEngagementsRequest{Filter: strings.Repeat("a", 2049)}, "filter"},
		{"order by of 513", &accountsv1.ListWorkEngagementsRequest{OrderBy: strings.Repeat("a", 513)}, "order_by"},
	}
	v, err := protovalidate.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Validate(tt.req)
			var verr *protovalidate.ValidationError
			switch {
			case tt.wantField == "" && err != nil:
				t.Fatalf("Validate returned %v, want valid", err)
			case tt.wantField == "":
			case !errors.As(err, &verr):
				t.Fatalf("Validate returned %v, want a violation of %s", err, tt.wantField)
			default:
				if got := fromValidation(verr)[0].GetField(); got != tt.wantField {
					t.Errorf("violation on %q, want %q", got, tt.wantField)
				}
			}
		})
	}
}

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
