package auth

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// digestSet is the set of token digests read from a token file.
type digestSet map[[sha256.Size]byte]struct{}

// utf8BOM is skipped at the start of a token file: some editors write it.
var utf8BOM = []byte("\ufeff")

// parseDigests parses a token file: one SHA-256 hex digest per line, either
// case, with blank lines and # comments (whole-line or trailing). A line that
// is anything else is reported by number only, because a line that is not a
// digest may well be a plain token pasted by mistake. Duplicates count once.
func parseDigests(data []byte) (digestSet, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	set := make(digestSet)
	for i, line := range strings.Split(string(data), "\n") {
		if before, _, found := strings.Cut(line, "#"); found {
			line = before
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var d [sha256.Size]byte
		// hex.Decode's own error quotes the offending byte, so it is dropped.
		if len(line) != hex.EncodedLen(len(d)) {
			return nil, fmt.Errorf("line %d: not a SHA-256 digest in hex (64 hex digits)", i+1)
		}
		if _, err := hex.Decode(d[:], []byte(line)); err != nil {
			return nil, fmt.Errorf("line %d: not a SHA-256 digest in hex (64 hex digits)", i+1)
		}
		set[d] = struct{}{}
	}
	return set, nil
}
