package emulator

import (
	"fmt"
	"slices"
	"sync"
)

// script is one Script or ScriptRepeat call: the faults still to come for
// the requests its match selects.
type script struct {
	match  Match // normalized
	faults []Fault
	repeat bool // faults holds one fault, given to every match and never used up
}

// faultBook holds the scripted faults. Queued scripts come before repeating
// ones, each kind in the order they were added.
type faultBook struct {
	mu      sync.Mutex
	queued  []*script
	repeats []*script
}

// add appends s, which must be valid, to the book.
func (b *faultBook) add(s *script) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if s.repeat {
		b.repeats = append(b.repeats, s)
	} else {
		b.queued = append(b.queued, s)
	}
}

// next returns the fault for a request with method to pk and consumes it,
// or reports false when the request is to be answered normally.
func (b *faultBook) next(method, pk string) (Fault, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, s := range b.queued {
		if s.match.matches(method, pk) {
			f := s.faults[0]
			s.faults = s.faults[1:]
			if len(s.faults) == 0 {
				b.queued = slices.Delete(b.queued, i, i+1)
			}
			return f, true
		}
	}
	for _, s := range b.repeats {
		if s.match.matches(method, pk) {
			return s.faults[0], true
		}
	}
	return Fault{}, false
}

// list returns copies of the scripts, in the order they are consulted.
func (b *faultBook) list() []script {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]script, 0, len(b.queued)+len(b.repeats))
	for _, s := range slices.Concat(b.queued, b.repeats) {
		out = append(out, script{match: s.match, faults: slices.Clone(s.faults), repeat: s.repeat})
	}
	return out
}

func (b *faultBook) clear() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.queued, b.repeats = nil, nil
}

// newScript validates a script, returning an error that names the faulty
// fault by its index.
func newScript(m Match, faults []Fault, repeat bool) (*script, error) {
	m, err := m.normalize()
	if err != nil {
		return nil, err
	}
	for i, f := range faults {
		if err := f.validate(); err != nil {
			return nil, fmt.Errorf("fault %d: %w", i, err)
		}
	}
	return &script{match: m, faults: slices.Clone(faults), repeat: repeat}, nil
}

// Script queues faults for the requests m matches: each such request
// consumes the next fault, and once they are used up requests are answered
// normally again. A request takes its fault from the oldest Script whose
// Match it meets and which has faults left; only if there is none does it
// get a ScriptRepeat fault. Script panics if m or a fault is invalid (see
// Fault), as New does with an invalid Config.
func (e *Emulator) Script(m Match, faults ...Fault) {
	if len(faults) == 0 {
		return
	}
	s, err := newScript(m, faults, false)
	if err != nil {
		panic("emulator: Script: " + err.Error())
	}
	e.faults.add(s)
}

// ScriptRepeat gives f to every request m matches that no Script fault
// applies to, until ClearFaults: for breakers and soak tests. When several
// repeating scripts match, the oldest applies. It panics like Script.
func (e *Emulator) ScriptRepeat(m Match, f Fault) {
	s, err := newScript(m, []Fault{f}, true)
	if err != nil {
		panic("emulator: ScriptRepeat: " + err.Error())
	}
	e.faults.add(s)
}

// ClearFaults forgets every scripted fault, queued or repeating. Requests
// already held by a fault are not released; Close does that.
func (e *Emulator) ClearFaults() {
	e.faults.clear()
}

// Close releases every request a fault holds (Hang, or a Latency still
// running), dropping its connection, and makes every later such wait end at
// once the same way. The emulator otherwise keeps answering. Call it before
// httptest.Server.Close, which waits for handlers to return (t.Cleanup runs
// cleanups last-in first-out, so register emu.Close after srv.Close), or
// register it with http.Server.RegisterOnShutdown. It is safe to call more
// than once and concurrently.
func (e *Emulator) Close() {
	e.closeOnce.Do(func() { close(e.closed) })
}
