package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// PutRecord stores a record given in its JSON form, exactly as given: id,
// created_at and all, so that tests choose what list/ orders and filters.
// Every key of the record must be known; created_at must be RFC 3339.
func PutRecord(e *Emulator, obj string) error {
	dec := json.NewDecoder(bytes.NewReader([]byte(obj)))
	dec.DisallowUnknownFields()
	var r record
	if err := dec.Decode(&r); err != nil {
		return fmt.Errorf("PutRecord: %w", err)
	}
	if _, err := time.Parse(time.RFC3339Nano, r.CreatedAt); err != nil || !pkPattern.MatchString(r.ID) {
		return fmt.Errorf("PutRecord: id %q or created_at %q is not valid", r.ID, r.CreatedAt)
	}
	e.store.mu.Lock()
	defer e.store.mu.Unlock()
	e.store.records[r.ID] = r
	return nil
}

// NewAt is New with a clock: the emulator reads the time from now, so that
// tests know the created_at a create stores.
func NewAt(cfg Config, now func() time.Time) *Emulator {
	e := New(cfg)
	e.now = now
	return e
}
