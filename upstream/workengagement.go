package upstream

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"
)

// workEngagementPath is the collection path; items live at
// workEngagementPath + pk + "/" (Django's trailing slash is required).
const workEngagementPath = "/accounts/users/organization/workengagement/"

// Operation names, as reported in Event.Operation and transport errors.
const (
	opGetWorkEngagement    = "GetWorkEngagement"
	opUpdateWorkEngagement = "UpdateWorkEngagement"
	opDeleteWorkEngagement = "DeleteWorkEngagement"
)

// WorkEngagement is Pigello's Workengagement object.
type WorkEngagement struct {
	ID           string
	Name         string
	Organization *Reference // nil when null
	CustomID     *string    // nil when null
	ColorCode    *string    // nil when null

	// Template lists are nil when null and non-nil but empty when []. Items
	// are raw JSON objects, or the literal null.
	TemplateNotifications      []json.RawMessage
	TemplateSMSNotifications   []json.RawMessage
	TemplateEmailNotifications []json.RawMessage

	// Tags and CustomerColumns are read-only values of any JSON type, passed
	// through untouched; nil when null or absent.
	Tags            json.RawMessage
	CustomerColumns json.RawMessage

	CreatedAt time.Time // zero when null or absent
}

// Reference points at another Pigello object, as {"id": "..."}.
type Reference struct{ ID string }

// workEngagementJSON is WorkEngagement with Pigello's field names. The two
// types differ only in tags, so a pointer converts between them for free
// while the exported type stays free of a JSON contract.
type workEngagementJSON struct {
	ID                         string            `json:"id"`
	Name                       string            `json:"name"`
	Organization               *Reference        `json:"organization"`
	CustomID                   *string           `json:"custom_id"`
	ColorCode                  *string           `json:"color_code"`
	TemplateNotifications      []json.RawMessage `json:"template_notifications"`
	TemplateSMSNotifications   []json.RawMessage `json:"template_sms_notifications"`
	TemplateEmailNotifications []json.RawMessage `json:"template_email_notifications"`
	Tags                       json.RawMessage   `json:"tags"`
	CustomerColumns            json.RawMessage   `json:"customer_columns"`
	CreatedAt                  time.Time         `json:"created_at"`
}

// validate checks what the struct types cannot and normalises JSON null,
// which encoding/json stores in a json.RawMessage as the bytes "null".
func (w *workEngagementJSON) validate() error {
	if !validUUID(w.ID) {
		return errors.New("id is missing or not a UUID")
	}
	if w.Organization != nil && w.Organization.ID == "" {
		return errors.New("organization.id is missing")
	}
	for _, list := range [...][]json.RawMessage{w.TemplateNotifications, w.TemplateSMSNotifications, w.TemplateEmailNotifications} {
		for _, item := range list {
			if item[0] != '{' && item[0] != 'n' {
				return errors.New("template item is neither an object nor null")
			}
		}
	}
	w.Tags = nullToNil(w.Tags)
	w.CustomerColumns = nullToNil(w.CustomerColumns)
	w.CreatedAt = w.CreatedAt.UTC()
	return nil
}

func nullToNil(m json.RawMessage) json.RawMessage {
	if string(m) == "null" {
		return nil
	}
	return m
}

// itemPath returns the escaped path of one work engagement.
func itemPath(id string) (string, error) {
	pk, ok := canonicalUUID(id)
	if !ok {
		return "", ErrInvalidID
	}
	// PathEscape cannot change a canonical UUID; it is kept so that the
	// path stays safe even if the validation above is ever loosened.
	return workEngagementPath + url.PathEscape(pk) + "/", nil
}

// GetWorkEngagement fetches the work engagement with the given id.
func (c *Client) GetWorkEngagement(ctx context.Context, id string) (*WorkEngagement, error) {
	path, err := itemPath(id)
	if err != nil {
		return nil, err
	}
	req, err := c.newRequest(ctx, opGetWorkEngagement, http.MethodGet, path, nil)
	if err != nil {
		return nil, err
	}
	w := new(workEngagementJSON)
	if err := c.do(ctx, req, w); err != nil {
		return nil, err
	}
	return (*WorkEngagement)(w), nil
}

// UpdateWorkEngagement sends the fields set in p as a PATCH and returns the
// object as Pigello stored it.
func (c *Client) UpdateWorkEngagement(ctx context.Context, id string, p Patch) (*WorkEngagement, error) {
	path, err := itemPath(id)
	if err != nil {
		return nil, err
	}
	req, err := c.newRequest(ctx, opUpdateWorkEngagement, http.MethodPatch, path, &p)
	if err != nil {
		return nil, err
	}
	w := new(workEngagementJSON)
	if err := c.do(ctx, req, w); err != nil {
		return nil, err
	}
	return (*WorkEngagement)(w), nil
}

// DeleteWorkEngagement deletes the work engagement with the given id.
// Pigello answers 204; any body is ignored.
func (c *Client) DeleteWorkEngagement(ctx context.Context, id string) error {
	path, err := itemPath(id)
	if err != nil {
		return err
	}
	req, err := c.newRequest(ctx, opDeleteWorkEngagement, http.MethodDelete, path, nil)
	if err != nil {
		return err
	}
	return c.do(ctx, req, nil)
}
