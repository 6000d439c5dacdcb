package app

import (
	"math"
	"slices"
	"strings"
	"testing"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
)

// The tests below run List against the emulator with each envelope, over
// gRPC and REST (runListCases): each form of the filter, order_by,
// search and page_size gives exactly the query written out here, and the
// emulator's answer to it exactly the work engagements listed.

// except is allListed without names, in the default order.
func except(names ...string) []string {
	return slices.DeleteFunc(slices.Clone(allListed), func(n string) bool { return slices.Contains(names, n) })
}

// listFilter is a List with filter and the default page.
func listFilter(filter string) *accountsv1.ListWorkEngagementsRequest {
	return &accountsv1.ListWorkEngagementsRequest{Filter: filter}
}

// TestListFilter: each filter form of the issue, and the query it becomes.
func TestListFilter(t *testing.T) {
	const page = "_page=1&_page_size=50&"
	created := []string{"Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"}
	runListCases(t, []listCase{
		{"equal", listFilter(`color_code = "abc"`), page + "color_code=abc", []string{"Alpha"}, 0},
		{"equal, case-sensitive", listFilter(`color_code = "ABC"`), page + "color_code=ABC", []string{"Foxtrot"}, 0},
		{"equal, none", listFilter(`color_code = "fff"`), page + "color_code=fff", nil, 0},
		// Django's exclude(): a null colour is not "abc".
		{"not equal", listFilter(`color_code != "abc"`), page + "color_code%21=abc", except("Alpha"), 0},
		{"starts with", listFilter(`color_code = "ab*"`), page + "color_code__startswith=ab", []string{"Alpha", "Bravo"}, 0},
		{"ends with", listFilter(`color_code = "*ab"`), page + "color_code__endswith=ab", []string{"Charlie"}, 0},
		{"contains", listFilter(`color_code = "*ab*"`), page + "color_code__contains=ab", []string{"Alpha", "Bravo", "Charlie", "Delta"}, 0},
		{"does not start with", listFilter(`color_code != "ab*"`), page + "color_code__startswith%21=ab", except("Alpha", "Bravo"), 0},
		{"does not end with", listFilter(`color_code != "*ab"`), page + "color_code__endswith%21=ab", except("Charlie"), 0},
		{"NOT contains", listFilter(`NOT color_code = "*ab*"`), page + "color_code__contains%21=ab",
			except("Alpha", "Bravo", "Charlie", "Delta"), 0},
		{"NOT of a negation", listFilter(`NOT color_code != "abc"`), page + "color_code=abc", []string{"Alpha"}, 0},
		{"created after", listFilter(`created_at > "2024-03-01T08:00:00Z"`), page + "created_at__gt=2024-03-01T08%3A00%3A00Z",
			append([]string{partialName}, created...), 0},
		{"created at or after", listFilter(`created_at >= "2024-03-01T08:00:00Z"`), page + "created_at__gte=2024-03-01T08%3A00%3A00Z",
			append([]string{emptyName, partialName}, created...), 0},
		{"created before", listFilter(`created_at < "2024-03-01T08:00:00Z"`), page + "created_at__lt=2024-03-01T08%3A00%3A00Z",
			[]string{fullName}, 0},
		{"created at or before", listFilter(`created_at <= "2024-03-01T08:00:00Z"`), page + "created_at__lte=2024-03-01T08%3A00%3A00Z",
			[]string{fullName, emptyName}, 0},
		{"created at", listFilter(`created_at = "2024-03-01T08:00:00Z"`), page + "created_at=2024-03-01T08%3A00%3A00Z",
			[]string{emptyName}, 0},
		{"created at, microseconds", listFilter(`created_at = "2024-01-15T09:30:00.123456Z"`), page + "created_at=2024-01-15T09%3A30%3A00.123456Z",
			[]string{fullName}, 0},
		{"created at, an offset sent in UTC", listFilter(`created_at = "2024-03-01T09:00:00+01:00"`), page + "created_at=2024-03-01T08%3A00%3A00Z",
			[]string{emptyName}, 0},
		{"created at, microseconds in nine digits", listFilter(`created_at = "2024-01-15T09:30:00.123456000Z"`), page + "created_at=2024-01-15T09%3A30%3A00.123456Z",
			[]string{fullName}, 0},
		{"NOT created at or after", listFilter(`NOT created_at >= "2025-01-01T00:00:00Z"`), page + "created_at__gte%21=2025-01-01T00%3A00%3A00Z",
			[]string{fullName, emptyName}, 0},
		{"AND of two colours", listFilter(`color_code = "*ab*" AND NOT color_code = "ab*"`),
			page + "color_code__contains=ab&color_code__startswith%21=ab", []string{"Charlie", "Delta"}, 0},
		{"AND of two times", listFilter(`created_at >= "2024-03-01T08:00:00Z" AND created_at < "2025-06-30T12:45:10.5Z"`),
			page + "created_at__gte=2024-03-01T08%3A00%3A00Z&created_at__lt=2025-06-30T12%3A45%3A10.5Z", []string{emptyName}, 0},
		{"AND of a colour and a time", listFilter(`color_code = "1E9*" AND created_at >= "2024-01-01T00:00:00Z"`),
			page + "color_code__startswith=1E9&created_at__gte=2024-01-01T00%3A00%3A00Z", []string{fullName}, 0},
	})
}

// TestListOrderBy: each order_by form, and the query it becomes. The
// emulator orders strings byte-wise, a null last ascending and first
// descending, ties by created_at then id.
func TestListOrderBy(t *testing.T) {
	const page = "&_page=1&_page_size=50"
	order := func(s string) *accountsv1.ListWorkEngagementsRequest {
		return &accountsv1.ListWorkEngagementsRequest{OrderBy: s}
	}
	byName := []string{"Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", fullName, emptyName, partialName}
	byNameDesc := slices.Clone(byName)
	slices.Reverse(byNameDesc)
	runListCases(t, []listCase{
		{"none", order(""), "_page=1&_page_size=50", allListed, 0},
		{"created_at desc, name", order("created_at desc, name"), "_order_by=-created_at%2Cname" + page,
			[]string{"Foxtrot", "Echo", "Delta", "Charlie", "Bravo", "Alpha", partialName, emptyName, fullName}, 0},
		{"name", order("name"), "_order_by=name" + page, byName, 0},
		{"name desc", order("name desc"), "_order_by=-name" + page, byNameDesc, 0},
		{"custom_id desc, name", order("custom_id desc, name"), "_order_by=-custom_id%2Cname" + page,
			[]string{"Charlie", "Echo", emptyName, "Delta", "Bravo", "Alpha", fullName, "Foxtrot", partialName}, 0},
		{"color_code, created_at desc", order("color_code, created_at desc"), "_order_by=color_code%2C-created_at" + page,
			[]string{"Charlie", fullName, "Delta", "Foxtrot", "Bravo", "Alpha", "Echo", partialName, emptyName}, 0},
		{"three keys, loose whitespace", order("  custom_id   asc ,color_code\tdesc,name "), "_order_by=custom_id%2C-color_code%2Cname" + page,
			[]string{partialName, "Foxtrot", fullName, "Alpha", "Bravo", "Delta", "Echo", emptyName, "Charlie"}, 0},
	})
}

// TestListSearch: search is sent as given; the emulator finds every term
// in name or custom_id, in any case.
func TestListSearch(t *testing.T) {
	const page = "_page=1&_page_size=50&"
	search := func(s string) *accountsv1.ListWorkEngagementsRequest {
		return &accountsv1.ListWorkEngagementsRequest{Search: s}
	}
	runListCases(t, []listCase{
		{"custom_id", search("X-"), page + "_search=X-", []string{"Alpha", "Bravo"}, 0},
		{"custom_id, not name", search("ab"), page + "_search=ab", []string{"Delta"}, 0},
		{"name, any case", search("alpha"), page + "_search=alpha", []string{"Alpha"}, 0},
		{"name", search("time"), page + "_search=time", []string{fullName, partialName}, 0},
		{"two terms", search("time, 50"), page + "_search=time%2C+50", []string{partialName}, 0},
		{"as given", search(" a&b=c ö/?#%20 "), page + "_search=+a%26b%3Dc+%C3%B6%2F%3F%23%2520+", nil, 0},
		{"of 255 characters", search(strings.Repeat("å", 255)), page + "_search=" + strings.Repeat("%C3%A5", 255), nil, 0},
		{"with filter, order_by and page_size", &accountsv1.ListWorkEngagementsRequest{
			PageSize: 10, OrderBy: "name desc", Search: "a",
			Filter: `color_code = "*ab*" AND created_at >= "2024-01-01T00:00:00Z"`,
		}, "_order_by=-name&_page=1&_page_size=10&_search=a&color_code__contains=ab&created_at__gte=2024-01-01T00%3A00%3A00Z",
			[]string{"Delta", "Charlie", "Bravo", "Alpha"}, 0},
	})
}

// TestListPageSize: page_size 0 is 50, above 500 is 500; Pigello always
// gets _page and _page_size.
func TestListPageSize(t *testing.T) {
	size := func(n int32) *accountsv1.ListWorkEngagementsRequest {
		return &accountsv1.ListWorkEngagementsRequest{PageSize: n}
	}
	all := len(allListed)
	runListCases(t, []listCase{
		{"0 is 50", size(0), "_page=1&_page_size=50", allListed, 0},
		{"1", size(1), "_page=1&_page_size=1", allListed[:1], all},
		{"4", size(4), "_page=1&_page_size=4", allListed[:4], all},
		{"500", size(500), "_page=1&_page_size=500", allListed, 0},
		{"501 is 500", size(501), "_page=1&_page_size=500", allListed, 0},
		{"the largest is 500", size(math.MaxInt32), "_page=1&_page_size=500", allListed, 0},
	})
}
