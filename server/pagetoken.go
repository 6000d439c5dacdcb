package server

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"math"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"go.einride.tech/aip/pagination"
)

// Page sizes of ListWorkEngagements (the contract's page_size comment).
const (
	defaultPageSize = 50
	maxPageSize     = 500
)

// pageToken is what a next_page_token carries (AIP-158): the number of the
// next page and the page size it counts in, which together say how many
// items the caller has had, (page-1)·size, whatever page_size the next call
// asks for; and a checksum of the request's other fields (filter, order_by,
// search), the request it is bound to.
type pageToken struct {
	page     int64
	size     int32
	checksum uint32
}

// tokenVersion starts every token, so a later format can tell its own.
const tokenVersion = 1

// errBadToken is a page_token that is not one this service issued.
var errBadToken = errors.New("is not a page token this service issued; pass next_page_token exactly as it was returned")

// errTokenMismatch is a page_token issued for other filter, order_by or
// search.
var errTokenMismatch = errors.New("was issued for a different filter, order_by or search; send the same ones, or no page_token to start again")

// requestChecksum binds a token to req's fields but page_token and
// page_size, as the pagination package reckons them.
func requestChecksum(req *accountsv1.ListWorkEngagementsRequest) (uint32, error) {
	return pagination.CalculateRequestChecksum(req)
}

// String encodes t: its version, page and size as varints and its checksum,
// in URL-safe base64. It is written here rather than with the pagination
// package's gob encoding because a token comes back from callers, and gob
// is not meant for untrusted input; this format is read strictly.
func (t pageToken) String() string {
	b := []byte{tokenVersion}
	b = binary.AppendUvarint(b, uint64(t.page))
	b = binary.AppendUvarint(b, uint64(t.size))
	b = binary.BigEndian.AppendUint32(b, t.checksum)
	return base64.RawURLEncoding.EncodeToString(b)
}

// parsePageToken reads a token String wrote, refusing anything else: another
// version, trailing bytes, a page or size no token of this service holds.
func parsePageToken(s string) (pageToken, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) == 0 || b[0] != tokenVersion {
		return pageToken{}, errBadToken
	}
	b = b[1:]
	page, n := binary.Uvarint(b)
	if n <= 0 {
		return pageToken{}, errBadToken
	}
	b = b[n:]
	size, n := binary.Uvarint(b)
	if n <= 0 || len(b[n:]) != 4 {
		return pageToken{}, errBadToken
	}
	// The bound on page keeps (page-1)·size within an int64.
	if page < 2 || page > math.MaxInt64/maxPageSize || size < 1 || size > maxPageSize {
		return pageToken{}, errBadToken
	}
	return pageToken{page: int64(page), size: int32(size), checksum: binary.BigEndian.Uint32(b[n:])}, nil
}
