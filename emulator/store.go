package emulator

import (
	"maps"
	"slices"
	"sync"
)

// store holds the records. Every access goes through its mutex, since the
// handler serves requests concurrently.
type store struct {
	mu      sync.Mutex
	records map[string]record
}

func (s *store) get(id string) (record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.records[id]
	return r, ok
}

// create stores a new record made of base with changes applied and a fresh
// id, and returns it.
func (s *store) create(base record, changes []func(*record)) record {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		base.ID = newUUID()
		if _, taken := s.records[base.ID]; !taken {
			break
		}
	}
	for _, change := range changes {
		change(&base)
	}
	s.records[base.ID] = base
	return base
}

// update applies changes to the record id, if it still exists.
func (s *store) update(id string, changes []func(*record)) (record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.records[id]
	if !ok {
		return record{}, false
	}
	for _, change := range changes {
		change(&r)
	}
	s.records[id] = r
	return r, true
}

func (s *store) delete(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.records[id]
	delete(s.records, id)
	return ok
}

// all returns a copy of every record, in no particular order.
func (s *store) all() []record {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Collect(maps.Values(s.records))
}
