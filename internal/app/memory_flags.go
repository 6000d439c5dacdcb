package app

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/dustin/go-humanize"
)

// memoryLimitSetting is --memory-limit, the facade's whole memory budget:
// auto, or a size of at least minMemoryBudget in the units Go (MiB, GiB) or Kubernetes (Mi, Gi) write.
type memoryLimitSetting struct{ autoSetting[int64] }

func memoryLimitFlag(p *int64) *memoryLimitSetting {
	return &memoryLimitSetting{autoSetting[int64]{typed[int64]{p, autoMemoryLimit}, "size"}}
}

func (s *memoryLimitSetting) rule() string {
	return "auto, or a size of at least " + sizeText(minMemoryBudget) + " (e.g. 200MiB, 1.5GiB, 256Mi)"
}

func (s *memoryLimitSetting) parse(text string) error {
	if s.parseAuto(text) {
		return nil
	}
	n, err := humanize.ParseBytes(text)
	switch {
	case err != nil:
		return errors.New("not a size (use e.g. 200MiB or 1GiB, or auto)")
	case n < minMemoryBudget:
		return errors.New("must be at least " + sizeText(minMemoryBudget))
	case n >= noMemoryLimit:
		return errors.New("must be less than 8EiB")
	}
	s.set(int64(n))
	return nil
}

// memoryLimitUsage is --memory-limit's help: what the budget is, where it
// comes from, and the soft limit derived from it.
func memoryLimitUsage() string {
	return fmt.Sprintf("the facade's whole memory budget, as a container's memory limit is: this flag when set, "+
		"else the container's cgroup memory limit (or the machine's memory, if less), else %s. "+
		"The Go runtime's soft memory limit is the budget less a headroom for memory the runtime does not count "+
		"(the binary's mapped pages, kernel buffers): %.0f%% of the budget or %s, whichever is more, "+
		"and never below %s, so a budget under %s starts but cannot be held. "+
		"GOMEMLIMIT, when set, is the soft limit itself, as Go means it, and there is no budget: it wins over the cgroup and the default, "+
		"and setting both it and this flag is refused",
		sizeText(defaultMemoryBudget), headroomShare*100, sizeText(nonHeapReserve), sizeText(minSoftLimit), sizeText(nonHeapReserve+minSoftLimit))
}

// gcPercentSetting is --gc-percent: auto, off, or a percentage as GOGC
// takes it.
type gcPercentSetting struct{ autoSetting[int] }

func gcPercentFlag(p *int) *gcPercentSetting {
	return &gcPercentSetting{autoSetting[int]{typed[int]{p, autoGCPercent}, "percent"}}
}

func (s *gcPercentSetting) rule() string {
	return fmt.Sprintf("auto (GOGC when set, else %s), off, or 1 to %d", gcPercentText(defaultGCPercent), maxGCPercent)
}

func (s *gcPercentSetting) parse(text string) error {
	if s.parseAuto(text) {
		return nil
	}
	if text == "off" {
		s.set(gcOff)
		return nil
	}
	n, err := strconv.Atoi(text)
	if err != nil {
		return errors.New("not an integer, off or auto")
	}
	if n < 1 || n > maxGCPercent {
		return fmt.Errorf("must be between 1 and %d, or off or auto", maxGCPercent)
	}
	s.set(n)
	return nil
}

// autoSetting is the part of a setting whose default is "auto": decided at
// start from the environment, stored as the default value.
type autoSetting[T int | int64] struct {
	typed[T]
	word string // the type word --help shows
}

func (s *autoSetting[T]) kind() string        { return s.word }
func (s *autoSetting[T]) defaultText() string { return "auto" }

// parseAuto sets the value to auto when text says "auto", and reports
// whether it did.
func (s *autoSetting[T]) parseAuto(text string) bool {
	if text != "auto" {
		return false
	}
	s.setDefault()
	return true
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
