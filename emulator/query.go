package emulator

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// parseQuery reads a raw query string as Django's QueryDict does: pairs are
// split on "&" only (a ";" is part of a value, as in Python since 3.9.2), "+"
// is a space, and a pair without "=" has a blank value. It is stricter than
// Django, which replaces what it cannot decode: a malformed %-escape or
// bytes that are not UTF-8 get the {"detail": ...} message it returns.
func parseQuery(raw string) (url.Values, string) {
	params := url.Values{}
	for pair := range strings.SplitSeq(raw, "&") {
		if pair == "" {
			continue
		}
		rawName, rawValue, _ := strings.Cut(pair, "=")
		name, problem := unescapeQuery(rawName)
		if problem != "" {
			return nil, problem
		}
		value, problem := unescapeQuery(rawValue)
		if problem != "" {
			return nil, problem
		}
		params[name] = append(params[name], value)
	}
	return params, ""
}

// unescapeQuery decodes one name or value of a query string, or returns the
// message saying why it cannot.
func unescapeQuery(s string) (string, string) {
	v, err := url.QueryUnescape(s)
	if err != nil {
		return "", fmt.Sprintf("Malformed query string: %q is not correctly %%-escaped.", s)
	}
	if !utf8.ValidString(v) {
		return "", fmt.Sprintf("Malformed query string: %q does not decode to UTF-8.", s)
	}
	return v, ""
}

// fieldErrors is a DRF validation error body: messages by parameter name.
type fieldErrors map[string][]string

func (fe fieldErrors) add(param, msg string) {
	fe[param] = append(fe[param], msg)
}
