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

// settingType is what a setting's value may be.
type settingType interface {
	bool | int | int64 | float64 | time.Duration | string
}

// typed is the part every setting has: where its value goes and its
// default, which say what the setting's kind and default text are.
type typed[T settingType] struct {
	p   *T
	def T
}

func (s typed[T]) setDefault() { *s.p = s.def }
func (s typed[T]) set(v T)     { *s.p = v }

func (s typed[T]) kind() string {
	switch any(s.def).(type) {
	case bool:
		return ""
	case int, int64:
		return "int"
	case float64:
		return "float"
	case time.Duration:
		return "duration"
	}
	return "string"
}

// defaultText writes the default as it would be given; "" for false and for
// an empty string, which --help leaves out.
func (s typed[T]) defaultText() string {
	switch d := any(s.def).(type) {
	case bool:
		if d {
			return "true"
		}
		return ""
	case int:
		return strconv.Itoa(d)
	case float64:
		return strconv.FormatFloat(d, 'g', -1, 64)
	case time.Duration:
		return d.String()
	}
	return fmt.Sprint(s.def)
}

// boolSetting is true or false, as strconv.ParseBool reads them.
type boolSetting struct{ typed[bool] }

func boolFlag(p *bool, def bool) *boolSetting { return &boolSetting{typed[bool]{p, def}} }

func (s *boolSetting) rule() string { return "true or false" }

func (s *boolSetting) parse(text string) error {
	b, err := strconv.ParseBool(text)
	if err != nil {
		return errors.New("not a boolean (use true or false)")
	}
	s.set(b)
	return nil
}

// intSetting is an integer from lo to hi.
type intSetting struct {
	typed[int]
	lo, hi int
}

func intFlag(p *int, def, lo, hi int) *intSetting { return &intSetting{typed[int]{p, def}, lo, hi} }

func (s *intSetting) rule() string { return fmt.Sprintf("%d to %d", s.lo, s.hi) }

func (s *intSetting) parse(text string) error {
	n, err := strconv.ParseInt(text, 0, strconv.IntSize)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return errors.New("not an integer")
	}
	if err != nil || int(n) < s.lo || int(n) > s.hi {
		return fmt.Errorf("must be between %d and %d", s.lo, s.hi)
	}
	s.set(int(n))
	return nil
}

// ratioSetting is a share: more than 0, at most 1.
type ratioSetting struct{ typed[float64] }

func ratioFlag(p *float64, def float64) *ratioSetting { return &ratioSetting{typed[float64]{p, def}} }

func (s *ratioSetting) rule() string { return "more than 0, at most 1" }

func (s *ratioSetting) parse(text string) error {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(f) {
		return errors.New("not a number (use e.g. 0.5)")
	}
	if f <= 0 || f > 1 {
		return errors.New("must be more than 0 and at most 1")
	}
	s.set(f)
	return nil
}

// durationSetting is a duration of at least 0, or more than 0 when zero
// would mean nothing sensible.
type durationSetting struct {
	typed[time.Duration]
	positive bool
}

// durationFlag allows 0 and more; positiveDurationFlag only more than 0.
func durationFlag(p *time.Duration, def time.Duration) *durationSetting {
	return &durationSetting{typed: typed[time.Duration]{p, def}}
}

func positiveDurationFlag(p *time.Duration, def time.Duration) *durationSetting {
	return &durationSetting{typed: typed[time.Duration]{p, def}, positive: true}
}

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
	s.set(d)
	return nil
}
