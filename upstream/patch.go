package upstream

import (
	"encoding/json"
)

// Patch lists the fields a PATCH sends. Only fields with Set true go into the
// body, in the order below, and a nil pointer or slice is sent as JSON null,
// which is how a nullable field is cleared. Read-only fields (id, tags,
// customer_columns, created_at) have no place here, so they cannot be sent.
type Patch struct {
	Name                       Field[string]
	Organization               Field[*Reference]
	CustomID                   Field[*string]
	ColorCode                  Field[*string]
	TemplateNotifications      Field[[]json.RawMessage]
	TemplateSMSNotifications   Field[[]json.RawMessage]
	TemplateEmailNotifications Field[[]json.RawMessage]
}

// Field is one optional member of a Patch. Set distinguishes "send this
// value", including a zero value or null, from "leave the field alone".
type Field[T any] struct {
	Value T
	Set   bool
}

// Set returns a Field that sends v.
func Set[T any](v T) Field[T] { return Field[T]{Value: v, Set: true} }

// MarshalJSON returns the PATCH body, e.g. {"name":"x","color_code":null};
// an empty Patch is {}. It writes members by hand because field order and
// the set/unset distinction are the point, and encoding/json's omitempty
// cannot tell an unset field from an explicit null.
func (p Patch) MarshalJSON() ([]byte, error) {
	w := patchWriter{b: make([]byte, 0, 128)}
	w.b = append(w.b, '{')
	if p.Name.Set {
		w.value("name", p.Name.Value)
	}
	if p.Organization.Set {
		w.reference("organization", p.Organization.Value)
	}
	if p.CustomID.Set {
		w.nullableString("custom_id", p.CustomID.Value)
	}
	if p.ColorCode.Set {
		w.nullableString("color_code", p.ColorCode.Value)
	}
	if p.TemplateNotifications.Set {
		w.list("template_notifications", p.TemplateNotifications.Value)
	}
	if p.TemplateSMSNotifications.Set {
		w.list("template_sms_notifications", p.TemplateSMSNotifications.Value)
	}
	if p.TemplateEmailNotifications.Set {
		w.list("template_email_notifications", p.TemplateEmailNotifications.Value)
	}
	if w.err != nil {
		return nil, w.err
	}
	return append(w.b, '}'), nil
}

// patchWriter appends object members, remembering the first error so the
// caller checks once.
type patchWriter struct {
	b   []byte
	n   int
	err error
}

func (w *patchWriter) key(k string) {
	if w.n > 0 {
		w.b = append(w.b, ',')
	}
	w.n++
	w.b = append(w.b, '"')
	w.b = append(w.b, k...) // keys are constants that need no escaping
	w.b = append(w.b, '"', ':')
}

// value writes v as encoding/json would, so string escaping matches what
// json.Marshal produces around this method anyway.
func (w *patchWriter) value(k string, v any) {
	w.key(k)
	enc, err := json.Marshal(v)
	if err != nil && w.err == nil {
		w.err = err
	}
	w.b = append(w.b, enc...)
}

func (w *patchWriter) null(k string) {
	w.key(k)
	w.b = append(w.b, "null"...)
}

func (w *patchWriter) nullableString(k string, v *string) {
	if v == nil {
		w.null(k)
		return
	}
	w.value(k, *v)
}

func (w *patchWriter) reference(k string, r *Reference) {
	if r == nil {
		w.null(k)
		return
	}
	w.value(k, referenceJSON{ID: r.ID})
}

// list writes nil as null and a nil item as null; items must be valid JSON.
func (w *patchWriter) list(k string, items []json.RawMessage) {
	if items == nil {
		w.null(k)
		return
	}
	w.value(k, items)
}

// referenceJSON is Reference with Pigello's member name.
type referenceJSON struct {
	ID string `json:"id"`
}
