package app

import (
	"errors"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// choiceSetting is one of a few words.
type choiceSetting struct {
	typed[string]
	choices []string
}

func choiceFlag(p *string, def string, choices ...string) *choiceSetting {
	return &choiceSetting{typed[string]{p, def}, choices}
}

func (s *choiceSetting) rule() string { return orList(s.choices) }

func (s *choiceSetting) parse(text string) error {
	if !slices.Contains(s.choices, text) {
		return errors.New("must be " + s.rule())
	}
	s.set(text)
	return nil
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// addrSetting is a listen address, host:port with a numeric port (0 picks a
// free one); optional ones may be empty, which turns their listener off.
type addrSetting struct {
	typed[string]
	optional bool
}

func addrFlag(p *string, def string) *addrSetting {
	return &addrSetting{typed: typed[string]{p, def}}
}

func optionalAddrFlag(p *string) *addrSetting {
	return &addrSetting{typed: typed[string]{p: p}, optional: true}
}

func (s *addrSetting) rule() string {
	if s.optional {
		return "host:port, or empty for off"
	}
	return "host:port (empty host: every interface; port 0: any free port)"
}

func (s *addrSetting) parse(text string) error {
	if text == "" && s.optional {
		s.set("")
		return nil
	}
	_, port, err := net.SplitHostPort(text)
	if err != nil {
		return errors.New("not host:port (use e.g. :9090 or 127.0.0.1:9090)")
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return errors.New("port must be a number from 0 to 65535")
	}
	s.set(text)
	return nil
}

// textSetting is free text: a file path or a command; required ones may not
// be empty.
type textSetting struct {
	typed[string]
	required bool
	what     string // what the text is, for rule(): "file path", "command"
}

func fileFlag(p *string) *textSetting {
	return &textSetting{typed: typed[string]{p: p}, what: "a file path, or empty for none"}
}

func commandFlag(p *string, def string) *textSetting {
	return &textSetting{typed: typed[string]{p, def}, required: true, what: "a command, not empty"}
}

func (s *textSetting) rule() string { return s.what }

func (s *textSetting) parse(text string) error {
	if s.required && strings.TrimSpace(text) == "" {
		return errors.New("must not be empty")
	}
	s.set(text)
	return nil
}

// baseURLSetting is Pigello's base URL: absolute, http or https, with a
// host and nothing that does not belong in a base (user info, query,
// fragment). Whether plain http is allowed depends on other flags:
// Config.checkPlaintextUpstream decides. Errors never repeat the URL: user
// info or a query may hold a secret.
type baseURLSetting struct{ typed[string] }

func baseURLFlag(p *string) *baseURLSetting { return &baseURLSetting{typed[string]{p: p}} }

func (s *baseURLSetting) hidesText() {}

func (s *baseURLSetting) rule() string {
	return "an https URL (plain http only to a loopback host or with --insecure-upstream); required without --emulator"
}

func (s *baseURLSetting) parse(text string) error {
	if text == "" {
		s.set("")
		return nil
	}
	u, err := url.Parse(text)
	switch {
	case err != nil || u.Scheme == "" || u.Opaque != "" || u.Host == "":
		return errors.New("not an absolute URL (use e.g. https://api.pigello.io)")
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("the scheme must be https (or http)")
	case u.User != nil:
		return errors.New("must not hold user info (user:password@): credentials come from the PIGELLO_* variables")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(text, "?#"):
		return errors.New("must not have a query (?…) or fragment (#…)")
	case u.Hostname() == "":
		return errors.New("has no host")
	}
	s.set(text)
	return nil
}
