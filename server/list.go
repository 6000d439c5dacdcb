package server

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/url"
	"strconv"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/internal/schema"
)

// workEngagementList is what a List request may say of WorkEngagement's
// fields, from the contract (package schema).
var workEngagementList = schema.MustNewList((*accountsv1.WorkEngagement)(nil).ProtoReflect().Descriptor())

// Pigello's paging parameters, which it wants together.
const (
	paramPage     = "_page"
	paramPageSize = "_page_size"
	paramOrderBy  = "_order_by"
	paramSearch   = "_search"
)

// errPageTooLong is an answer with more items than _page_size asked for:
// the paging the tokens count on would be off.
var errPageTooLong = errors.New("more items than _page_size asked for")

// ListWorkEngagements implements accountsv1.WorkEngagementServiceServer.
func (s *Server) ListWorkEngagements(ctx context.Context, req *accountsv1.ListWorkEngagementsRequest) (*accountsv1.ListWorkEngagementsResponse, error) {
	call, err := newListCall(req)
	if err != nil {
		return nil, errorStatus(ctx, err, "")
	}
	resp := &accountsv1.ListWorkEngagementsResponse{}
	page, err := s.pigello.ListWorkEngagements(ctx, call.query, call.collect(resp))
	switch {
	case err != nil && call.page > 1 && isNotFound(err):
		// Django answers 404 for a page past the last one: the list ended
		// (or shrank) there. The page is empty and the last.
		return &accountsv1.ListWorkEngagementsResponse{}, nil
	case err != nil:
		return nil, errorStatus(ctx, err, "")
	}
	more := page.Next
	if !page.Paginated {
		more = page.Items == int(call.size) // a bare array: a full page may not be the last
	}
	if more {
		resp.NextPageToken = pageToken{page: call.page + 1, size: call.size, checksum: call.checksum}.String()
	}
	if page.HasCount {
		resp.TotalSize = int32(min(page.Count, math.MaxInt32))
	}
	return resp, nil
}

// listCall is a List request as Pigello hears it.
type listCall struct {
	query url.Values // Pigello's parameters
	page  int64      // the page of Pigello's asked for
	size  int32      // its size: the caller's page_size
	// skip is how many items of that page the caller had already, when
	// page_size changed between pages (see pageFor).
	skip     int
	checksum uint32 // of the request, for the next token
}

// newListCall checks req and works out Pigello's query, refusing every
// problem it finds before Pigello is called.
func newListCall(req *accountsv1.ListWorkEngagementsRequest) (*listCall, error) {
	checksum, err := requestChecksum(req)
	if err != nil {
		return nil, err
	}
	c := &listCall{query: url.Values{}, size: pageSize(req.GetPageSize()), checksum: checksum}
	var bad invalidArgumentError
	if err := c.pageFor(req.GetPageToken()); err != nil {
		bad.add("page_token", err.Error())
	}
	if orderBy, err := workEngagementList.OrderBy(req.GetOrderBy()); err != nil {
		bad.add("order_by", queryProblem(err))
	} else if orderBy != "" {
		c.query.Set(paramOrderBy, orderBy)
	}
	filters, err := workEngagementList.Filter(req.GetFilter())
	if err != nil {
		bad.add("filter", queryProblem(err))
	}
	if len(bad.violations) > 0 {
		return nil, &bad
	}
	for param, values := range filters {
		c.query[param] = values
	}
	if search := req.GetSearch(); search != "" {
		c.query.Set(paramSearch, search)
	}
	c.query.Set(paramPage, strconv.FormatInt(c.page, 10))
	c.query.Set(paramPageSize, strconv.Itoa(int(c.size)))
	return c, nil
}

// pageSize is the page size a request asks for: 0 means 50, and at most
// 500 (the contract's page_size comment; protovalidate refuses a negative
// one).
func pageSize(n int32) int32 {
	if n == 0 {
		return defaultPageSize
	}
	return min(n, maxPageSize)
}

// pageFor works out the page of Pigello's to ask for from the token. The
// caller has had offset = (page-1)·size items; Pigello's pages of c.size
// start at multiples of it. When page_size has changed so that offset is
// not one, the page that holds item offset is asked for, and its items the
// caller has had are skipped: that page comes back shorter, which AIP-158
// allows, and the next one is aligned again. No item is skipped or
// repeated, and Pigello is called once.
func (c *listCall) pageFor(token string) error {
	c.page = 1
	if token == "" {
		return nil
	}
	t, err := parsePageToken(token)
	switch {
	case err != nil:
		return err
	case t.checksum != c.checksum:
		return errTokenMismatch
	}
	offset := (t.page - 1) * int64(t.size)
	c.page, c.skip = offset/int64(c.size)+1, int(offset%int64(c.size))
	return nil
}

// collect returns the item function of Pigello's answer: each item is read
// as Get reads its object, and those the caller has not had are added to
// resp. One that cannot be read fails the whole call.
func (c *listCall) collect(resp *accountsv1.ListWorkEngagementsResponse) func(json.RawMessage) error {
	n := 0
	return func(raw json.RawMessage) error {
		if n++; n > int(c.size) {
			return errPageTooLong
		}
		we := new(accountsv1.WorkEngagement)
		if err := into(we).UnmarshalJSON(raw); err != nil {
			return err
		}
		if n > c.skip {
			resp.WorkEngagements = append(resp.WorkEngagements, we)
		}
		return nil
	}
}

// queryProblem is the caller's account of a refused List parameter.
func queryProblem(err error) string {
	var qe *schema.QueryError
	if errors.As(err, &qe) {
		return qe.Description
	}
	return err.Error()
}
