package emulator

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Credentials are the seven values a client must present, one per
// X-PIGELLO-* header, for the emulator to answer anything but 401.
type Credentials struct {
	ApplicationID    string // X-PIGELLO-APPLICATION-ID
	ClientCT         string // X-PIGELLO-CLIENT-CT
	ClientEntity     string // X-PIGELLO-CLIENT-ENTITY
	ClientSecret     string // X-PIGELLO-CLIENT-SECRET
	CustomerID       string // X-PIGELLO-CUSTOMER-ID
	ServiceID        string // X-PIGELLO-SERVICE-ID
	ServiceVersionID string // X-PIGELLO-SERVICE-VERSION-ID
}

// DemoCredentials returns the credentials an emulator uses when its Config
// gives none. They are public, documented values, not secrets: anything that
// can reach a demo emulator may use them.
func DemoCredentials() Credentials {
	return Credentials{
		ApplicationID:    "demo-application-id",
		ClientCT:         "demo-client-ct",
		ClientEntity:     "demo-client-entity",
		ClientSecret:     "demo-client-secret",
		CustomerID:       "demo-customer-id",
		ServiceID:        "demo-service-id",
		ServiceVersionID: "demo-service-version-id",
	}
}

// Config sets up an Emulator. The zero Config is a demo emulator: demo
// credentials, the two demo organizations and three demo records.
type Config struct {
	// Credentials the emulator accepts. Zero means DemoCredentials; otherwise
	// all seven must be set.
	Credentials Credentials
	// Organizations are ids of organizations a write may refer to, in
	// addition to the two demo organizations (DemoOrganizationIDs).
	Organizations []string
	// NoSeed starts the emulator without the three demo records.
	NoSeed bool
	// ListEnvelope is the shape of list/ answers: ListArray (the default,
	// also for "") or ListPaginated. Pigello does not document it.
	ListEnvelope ListEnvelope
}

// Emulator is a strict Pigello for the Workengagement resource. It is an
// http.Handler and safe for concurrent use. Create one with New.
type Emulator struct {
	creds  Credentials
	orgs   map[string]bool // immutable after New, so read without a lock
	seeded bool
	now    func() time.Time
	store  store
	log    requestLog
	faults faultBook

	envelope ListEnvelope // the shape of list/ answers; never "" after New

	closed    chan struct{} // closed by Close, to release held requests
	closeOnce sync.Once
}

// New returns an emulator configured by cfg. It panics if cfg is invalid
// (credentials partly set, an organization id that is not a UUID, or an
// unknown ListEnvelope): those are programming errors that would otherwise
// surface as puzzling 401s, 400s and decoding failures far from their cause.
func New(cfg Config) *Emulator {
	creds := cfg.Credentials
	if creds == (Credentials{}) {
		creds = DemoCredentials()
	}
	if missing := creds.missing(); len(missing) > 0 {
		panic(fmt.Sprintf("emulator: credentials partly set, missing %s", strings.Join(missing, ", ")))
	}
	envelope := cmp.Or(cfg.ListEnvelope, ListArray)
	if !slices.Contains(ListEnvelopes(), envelope) {
		panic(fmt.Sprintf("emulator: list envelope %q is not one of %v", cfg.ListEnvelope, ListEnvelopes()))
	}
	e := &Emulator{creds: creds, orgs: knownOrganizations(cfg.Organizations), envelope: envelope, now: time.Now, closed: make(chan struct{})}
	e.store.records = map[string]record{}
	if !cfg.NoSeed {
		e.seeded = true
		for _, r := range demoRecords() {
			e.store.records[r.ID] = r
		}
	}
	return e
}

// knownOrganizations returns the demo organizations and extra, lower-cased
// as Django stores UUIDs.
func knownOrganizations(extra []string) map[string]bool {
	orgs := map[string]bool{}
	for _, id := range append(demoOrganizationIDs(), extra...) {
		if !uuidPattern.MatchString(id) {
			panic(fmt.Sprintf("emulator: organization id %q is not a UUID", id))
		}
		orgs[strings.ToLower(id)] = true
	}
	return orgs
}

// DemoIDs returns the ids of the demo records the emulator was seeded with
// (nil with Config.NoSeed). They are fixed across runs, so documentation can
// quote them, and are returned even after a client deletes the records.
func (e *Emulator) DemoIDs() []string {
	if !e.seeded {
		return nil
	}
	return slices.Clone(demoRecordIDs())
}

// DemoOrganizationIDs returns the ids of the two demo organizations every
// emulator knows, fixed across runs.
func (e *Emulator) DemoOrganizationIDs() []string {
	return demoOrganizationIDs()
}

// ServeHTTP answers r as Pigello would, as a scripted fault says, or
// serves one of the /_emulator/ endpoints (ControlEndpoints). Every request
// except those to paths under /_emulator/ is recorded first, so tests see
// even the ones that were refused or faulted. A scripted fault applies
// before the credentials are checked.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.EscapedPath(), controlPrefix) {
		e.serveControl(w, r)
		return
	}
	b, err := readBody(r)
	e.log.add(r, b.data)
	if err != nil {
		// The client is most likely gone; DRF's generic parse failure is the
		// closest answer should anyone still be listening.
		writeDetail(w, http.StatusBadRequest, "Malformed request.")
		return
	}
	pk, _ := matchDetail(r.URL.EscapedPath())
	if f, ok := e.faults.next(r.Method, pk); ok {
		e.serveFault(w, r, pk, f, b)
		return
	}
	e.serveResource(w, r, b)
}
