package app

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// setting is the typed home of one flag's value: its default and the rule
// its text must follow. parse errors say what is wrong and what is allowed
// without repeating the text; the caller adds the flag, its variable and
// (unless the setting hides it) the text given.
type setting interface {
	// kind is the type word --help shows after the flag; "" for booleans.
	kind() string
	// rule says what is allowed, for --help and the README.
	rule() string
	// defaultText is the default as it would be written; "" when unset.
	defaultText() string
	setDefault()
	parse(text string) error
}

// hidden is a setting whose text is never repeated in an error: it may hold
// a secret.
type hidden interface{ hidesText() }

// boolSetting is true or false, as strconv.ParseBool reads them.
type boolSetting struct {
	p   *bool
	def bool
}

func boolFlag(p *bool, def bool) *boolSetting { return &boolSetting{p, def} }

func (s *boolSetting) kind() string { return "" }
func (s *boolSetting) rule() string { return "true or false" }
func (s *boolSetting) setDefault()  { *s.p = s.def }
func (s *boolSetting) defaultText() string {
	if !s.def {
		return ""
	}
	return "true"
}

func (s *boolSetting) parse(text string) error {
	b, err := strconv.ParseBool(text)
	if err != nil {
		return errors.New("not a boolean (use true or false)")
	}
	*s.p = b
	return nil
}

// intSetting is an integer from lo to hi.
type intSetting struct {
	p           *int
	def, lo, hi int
}

func intFlag(p *int, def, lo, hi int) *intSetting { return &intSetting{p, def, lo, hi} }

func (s *intSetting) kind() string        { return "int" }
func (s *intSetting) rule() string        { return fmt.Sprintf("%d to %d", s.lo, s.hi) }
func (s *intSetting) defaultText() string { return strconv.Itoa(s.def) }
func (s *intSetting) setDefault()         { *s.p = s.def }

func (s *intSetting) parse(text string) error {
	n, err := strconv.ParseInt(text, 0, strconv.IntSize)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return errors.New("not an integer")
	}
	if err != nil || int(n) < s.lo || int(n) > s.hi {
		return fmt.Errorf("must be between %d and %d", s.lo, s.hi)
	}
	*s.p = int(n)
	return nil
}

// ratioSetting is a share: more than 0, at most 1.
type ratioSetting struct {
	p   *float64
	def float64
}

func ratioFlag(p *float64, def float64) *ratioSetting { return &ratioSetting{p, def} }

func (s *ratioSetting) kind() string        { return "float" }
func (s *ratioSetting) rule() string        { return "more than 0, at most 1" }
func (s *ratioSetting) defaultText() string { return strconv.FormatFloat(s.def, 'g', -1, 64) }
func (s *ratioSetting) setDefault()         { *s.p = s.def }

func (s *ratioSetting) parse(text string) error {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(f) {
		return errors.New("not a number (use e.g. 0.5)")
	}
	if f <= 0 || f > 1 {
		return errors.New("must be more than 0 and at most 1")
	}
	*s.p = f
	return nil
}

// durationSetting is a duration of at least 0, or more than 0 when zero
// would mean nothing sensible.
type durationSetting struct {
	p        *time.Duration
	def      time.Duration
	positive bool
}

// durationFlag allows 0 and more; positiveDurationFlag only more than 0.
func durationFlag(p *time.Duration, def time.Duration) *durationSetting {
	return &durationSetting{p: p, def: def}
}

func positiveDurationFlag(p *time.Duration, def time.Duration) *durationSetting {
	return &durationSetting{p: p, def: def, positive: true}
}

func (s *durationSetting) kind() string        { return "duration" }
func (s *durationSetting) defaultText() string { return s.def.String() }
func (s *durationSetting) setDefault()         { *s.p = s.def }

func (s *durationSetting) rule() string {
	if s.positive {
		return "more than 0s"
	}
	return "0s or more"
}

func (s *durationSetting) parse(text string) error {
	d, err := time.ParseDuration(text)
	if err != nil {
		return errors.New("not a duration (use e.g. 5s or 250ms)")
	}
	if d < 0 || (s.positive && d == 0) {
		return errors.New("must be " + s.rule())
	}
	*s.p = d
	return nil
}
