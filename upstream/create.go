package upstream

import (
	"context"
	"encoding/json"
	"net/http"
)

// opCreateWorkEngagement names the create in Event.Operation and errors.
const opCreateWorkEngagement = "CreateWorkEngagement"

// CreateWorkEngagement sends body, a JSON object holding the members of the
// new work engagement, as a POST to the collection and decodes the object
// as Pigello stored it, with its new id, into out. Pigello documents 201;
// any 2xx with the object is taken. A body that is not valid JSON is never
// sent.
//
// A POST is not idempotent: it is retried only when no connection was had
// for it, and one that may have reached Pigello and got no whole answer
// fails with ErrOutcomeUnknown in its error (see RetryPolicy).
func (c *Client) CreateWorkEngagement(ctx context.Context, body json.RawMessage, out any) error {
	req, err := c.newRequest(ctx, opCreateWorkEngagement, http.MethodPost, workEngagementPath, body)
	if err != nil {
		return err
	}
	return c.do(ctx, req, out)
}
