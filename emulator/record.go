package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"time"
)

// record is one Workengagement, stored in the shape it is sent: its JSON
// encoding is the response body, with all eleven keys always present and
// in the order of Pigello's documented example. Values are never mutated in
// place, so copies of a record may share them.
type record struct {
	ID                         string          `json:"id"`
	Organization               *orgRef         `json:"organization"`
	CustomID                   *string         `json:"custom_id"`
	TemplateNotifications      json.RawMessage `json:"template_notifications"` // nil encodes as null
	Tags                       json.RawMessage `json:"tags"`
	ColorCode                  *string         `json:"color_code"`
	CreatedAt                  string          `json:"created_at"`
	TemplateSMSNotifications   json.RawMessage `json:"template_sms_notifications"`
	TemplateEmailNotifications json.RawMessage `json:"template_email_notifications"`
	CustomerColumns            json.RawMessage `json:"customer_columns"`
	Name                       string          `json:"name"`
}

// orgRef is how a record refers to its organization.
type orgRef struct {
	ID string `json:"id"`
}

// uuidPattern accepts a hyphenated UUID in either case, as written in
// request bodies and configuration; ids are stored lower-case.
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// newUUID returns a random (version 4) UUID in Django's lower-case form.
func newUUID() string {
	var u [16]byte
	_, _ = rand.Read(u[:])  // crypto/rand.Read never fails; it crashes the program instead
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	hex.Encode(s[9:13], u[4:6])
	hex.Encode(s[14:18], u[6:8])
	hex.Encode(s[19:23], u[8:10])
	hex.Encode(s[24:], u[10:])
	s[8], s[13], s[18], s[23] = '-', '-', '-', '-'
	return string(s[:])
}

// formatTime renders t as DRF's DateTimeField does: Python's isoformat() in
// UTC with "+00:00" spelt "Z". isoformat drops the fraction altogether when
// it is zero, so clients must accept both "...:15Z" and "...:15.123456Z".
func formatTime(t time.Time) string {
	t = t.UTC().Truncate(time.Microsecond)
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	return t.Format("2006-01-02T15:04:05.000000Z")
}
