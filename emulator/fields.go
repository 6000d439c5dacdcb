package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// stringRule is a DRF CharField with trim_whitespace on: what a model
// CharField becomes in a ModelSerializer.
type stringRule struct {
	max        int            // in Unicode code points, as Python's len()
	nullable   bool           // allow_null
	allowBlank bool           // allow_blank
	pattern    *regexp.Regexp // a model RegexValidator, if any
}

// clean returns the value to store (nil for null) or the field's errors.
// The order follows CharField.run_validation: null, then type, then blank on
// the trimmed value (which skips the validators), then every validator, all
// of whose errors are reported.
func (s stringRule) clean(raw json.RawMessage) (*string, []string) {
	switch pythonType(raw) {
	case "NoneType":
		if s.nullable {
			return nil, nil
		}
		return nil, []string{msgNull}
	case "str":
	default:
		// DRF would coerce numbers to strings; a client sending one has a bug.
		return nil, []string{msgNotString}
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, []string{msgNotString} // unreachable: raw is a valid JSON string
	}
	v = pyStrip(v)
	if v == "" {
		if !s.allowBlank {
			return nil, []string{msgBlank}
		}
		return &v, nil
	}
	if errs := s.check(v, raw); len(errs) > 0 {
		return nil, errs
	}
	return &v, nil
}

// check runs the validators in the order a ModelSerializer installs them:
// the model's own, then max length, null characters and surrogates.
func (s stringRule) check(v string, raw json.RawMessage) []string {
	var errs []string
	if s.pattern != nil && !s.pattern.MatchString(v) {
		errs = append(errs, msgInvalid)
	}
	if utf8.RuneCountInString(v) > s.max {
		errs = append(errs, fmt.Sprintf(msgMaxLength, s.max))
	}
	if strings.ContainsRune(v, 0) {
		errs = append(errs, msgNullChar)
	}
	if r, ok := loneSurrogate(raw); ok {
		errs = append(errs, fmt.Sprintf(msgSurrogate, r))
	}
	return errs
}

// loneSurrogate returns the first \uD800–\uDFFF escape in a JSON string
// literal that is not half of a valid pair. Python's json keeps such a
// surrogate in the string, and DRF rejects it; Go's decoder would silently
// turn it into U+FFFD, so it can only be seen in the raw literal.
func loneSurrogate(lit []byte) (rune, bool) {
	for i := 0; i < len(lit); i++ {
		if lit[i] != '\\' {
			continue
		}
		i++ // the escaped character; an escaped backslash is skipped whole
		r, ok := escapedUnit(lit, i)
		if !ok || r < 0xd800 || r > 0xdfff {
			continue
		}
		if low, ok := escapedUnit(lit, i+6); ok && r <= 0xdbff && low >= 0xdc00 && low <= 0xdfff && lit[i+5] == '\\' {
			i += 10 // a valid pair: skip both escapes
			continue
		}
		return r, true
	}
	return 0, false
}

// escapedUnit decodes the "uXXXX" starting at lit[i], if there is one.
func escapedUnit(lit []byte, i int) (rune, bool) {
	if i+5 > len(lit) || lit[i] != 'u' {
		return 0, false
	}
	n, err := strconv.ParseUint(string(lit[i+1:i+5]), 16, 16)
	return rune(n), err == nil
}

// templateField validates a template_* field: DRF's
// ListField(child=DictField(allow_null=True), allow_null=True). Items are
// stored exactly as sent, compacted.
func templateField(raw json.RawMessage, set func(*record, json.RawMessage)) (func(*record), any) {
	if t := pythonType(raw); t == "NoneType" {
		return func(r *record) { set(r, nil) }, nil
	} else if t != "list" {
		return nil, []string{fmt.Sprintf(msgNotList, t)}
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, []string{fmt.Sprintf(msgNotList, "list")} // unreachable: raw is a valid array
	}
	// ListField reports item errors in a dict keyed by the item's index.
	errs := map[string]any{}
	for i, item := range items {
		if t := pythonType(item); t != "dict" && t != "NoneType" {
			errs[strconv.Itoa(i)] = []string{fmt.Sprintf(msgItemNotMap, t)}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	var buf bytes.Buffer
	_ = json.Compact(&buf, raw) // cannot fail: raw is valid JSON
	v := json.RawMessage(buf.Bytes())
	return func(r *record) { set(r, v) }, nil
}
