package upstream

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
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

// GetWorkEngagement fetches the work engagement with the given id and
// decodes Pigello's JSON object into out, usually a json.Unmarshaler that
// maps its members to the caller's type.
func (c *Client) GetWorkEngagement(ctx context.Context, id string, out any) error {
	return c.onItem(ctx, opGetWorkEngagement, http.MethodGet, id, nil, out)
}

// UpdateWorkEngagement sends patch, a JSON object holding the members to
// change (null clears one), as a PATCH and decodes the object as Pigello
// stored it into out. A patch that is not valid JSON is never sent.
func (c *Client) UpdateWorkEngagement(ctx context.Context, id string, patch json.RawMessage, out any) error {
	return c.onItem(ctx, opUpdateWorkEngagement, http.MethodPatch, id, patch, out)
}

// DeleteWorkEngagement deletes the work engagement with the given id.
// Pigello answers 204; any body is ignored.
func (c *Client) DeleteWorkEngagement(ctx context.Context, id string) error {
	return c.onItem(ctx, opDeleteWorkEngagement, http.MethodDelete, id, nil, nil)
}

// onItem makes the call op on the work engagement id names: in, when not
// nil, is the JSON body; a 2xx answer is decoded into out, when not nil.
func (c *Client) onItem(ctx context.Context, op, method, id string, in, out any) error {
	path, err := itemPath(id)
	if err != nil {
		return err
	}
	req, err := c.newRequest(ctx, op, method, path, in)
	if err != nil {
		return err
	}
	return c.do(ctx, req, out)
}
