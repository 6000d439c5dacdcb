package app

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/dustin/go-humanize"
)

// memoryLimitSetting is --memory-limit: auto, or a size of at least
// minMemoryLimit in the units Go (MiB, GiB) or Kubernetes (Mi, Gi) write.
type memoryLimitSetting struct{ p *int64 }

func memoryLimitFlag(p *int64) *memoryLimitSetting { return &memoryLimitSetting{p} }

func (s *memoryLimitSetting) kind() string        { return "size" }
func (s *memoryLimitSetting) defaultText() string { return "auto" }
func (s *memoryLimitSetting) setDefault()         { *s.p = autoMemoryLimit }

func (s *memoryLimitSetting) rule() string {
	return "auto, or a size of at least " + sizeText(minMemoryLimit) + " (e.g. 200MiB, 1.5GiB, 256Mi)"
}

func (s *memoryLimitSetting) parse(text string) error {
	if text == "auto" {
		*s.p = autoMemoryLimit
		return nil
	}
	n, err := humanize.ParseBytes(text)
	switch {
	case err != nil:
		return errors.New("not a size (use e.g. 200MiB or 1GiB, or auto)")
	case n < minMemoryLimit:
		return errors.New("must be at least " + sizeText(minMemoryLimit))
	case n >= noMemoryLimit:
		return errors.New("must be less than 8EiB")
	}
	*s.p = int64(n)
	return nil
}

// memoryLimitUsage is --memory-limit's help: where the budget comes from,
// in one sentence.
func memoryLimitUsage() string {
	return fmt.Sprintf("the facade's memory budget, the Go runtime's soft memory limit: this flag when set, else GOMEMLIMIT, "+
		"else %.0f%% of the container's cgroup memory limit (or of the machine's memory, if less), else %s; "+
		"setting both this and GOMEMLIMIT is refused", cgroupShare*100, sizeText(defaultMemoryLimit))
}

// gcPercentSetting is --gc-percent: auto, off, or a percentage as GOGC
// takes it.
type gcPercentSetting struct{ p *int }

func gcPercentFlag(p *int) *gcPercentSetting { return &gcPercentSetting{p} }

func (s *gcPercentSetting) kind() string        { return "percent" }
func (s *gcPercentSetting) defaultText() string { return "auto" }
func (s *gcPercentSetting) setDefault()         { *s.p = autoGCPercent }

func (s *gcPercentSetting) rule() string {
	return fmt.Sprintf("auto (GOGC when set, else %s), off, or 1 to %d", gcPercentText(defaultGCPercent), maxGCPercent)
}

func (s *gcPercentSetting) parse(text string) error {
	switch text {
	case "auto":
		*s.p = autoGCPercent
		return nil
	case "off":
		*s.p = gcOff
		return nil
	}
	n, err := strconv.Atoi(text)
	if err != nil {
		return errors.New("not an integer, off or auto")
	}
	if n < 1 || n > maxGCPercent {
		return fmt.Errorf("must be between 1 and %d, or off or auto", maxGCPercent)
	}
	*s.p = n
	return nil
}

// sizeText writes n bytes in binary units, rounded to a few digits: 256MiB,
// 230MiB, 1.5GiB.
func sizeText(n uint64) string {
	return strings.ReplaceAll(humanize.IBytes(n), " ", "")
}

func gcPercentText(p int) string {
	if p == gcOff {
		return "off"
	}
	return strconv.Itoa(p)
}
