package upstream

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
)

const opListWorkEngagements = "ListWorkEngagements"

// listPath is Pigello's list endpoint: the collection path and "list/",
// as Pigello documents it.
const listPath = workEngagementPath + "list/"

// ListWorkEngagements asks Pigello for one page of work engagements. query
// holds Pigello's parameters (_page, _page_size, _order_by, _search and
// the filters) and is sent URL-encoded as it is; nothing of it reaches the
// path. A GET changes nothing, so it is retried as GetWorkEngagement is.
//
// Each item of the answer, a JSON object, is handed raw to item, in order,
// for the caller to decode; item must not keep the bytes. An error from item
// makes the answer malformed (ErrMalformedResponse), as a body Get cannot
// decode is. The answer's envelope is an assumption (listenvelope.go): one
// of another shape is ErrMalformedResponse with an *EnvelopeError.
func (c *Client) ListWorkEngagements(ctx context.Context, query url.Values, item func(json.RawMessage) error) (Page, error) {
	req, err := c.newRequest(ctx, opListWorkEngagements, http.MethodGet, listPath, nil)
	if err != nil {
		return Page{}, err
	}
	req.query = query
	var page Page
	if err := c.do(ctx, req, &listEnvelope{page: &page, item: item}); err != nil {
		return Page{}, err
	}
	return page, nil
}

// Page is what a list answer says besides its items.
type Page struct {
	// Items is how many items the answer held, each handed to the item
	// function.
	Items int
	// Paginated is set when the answer was the paginated object; then Next
	// says whether its "next" was a URL rather than null, and Count is its
	// "count" when HasCount. A bare array says neither: a short page is the
	// last, and the total is unknown.
	Paginated bool
	Next      bool
	Count     int64
	HasCount  bool
}
