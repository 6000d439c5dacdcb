package docs_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
)

// demoID is a work engagement the embedded emulator always has.
const demoID = "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31"

// Swagger UI's elements for the operations.
const (
	getOp    = "#operations-WorkEngagementService-WorkEngagementService_GetWorkEngagement"
	patchOp  = "#operations-WorkEngagementService-WorkEngagementService_UpdateWorkEngagement"
	deleteOp = "#operations-WorkEngagementService-WorkEngagementService_DeleteWorkEngagement"
)

// TestSwaggerUIInChromium opens /docs in headless Chromium on a facade
// running on its embedded emulator, finds the three operations and runs
// GetWorkEngagement through Try it out, with no tokens and with a bearer
// token given in the Authorize dialog. It also checks that the page loads
// nothing from anywhere but the facade and breaks none of its own
// Content-Security-Policy.
//
// It needs Debian's chromium (or $CHROMIUM): without it the test skips,
// except under CI, where it fails.
func TestSwaggerUIInChromium(t *testing.T) {
	chromium := chromiumPath(t)
	for _, tt := range []struct{ name, token string }{
		{"no tokens", ""},
		{"bearer token", "docs-test-token"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			base := startFacade(t, tt.token)
			ctx := newTab(t, chromium)
			do(t, ctx, "open /docs", chromedp.Navigate(base+"/docs"), chromedp.WaitVisible(chromedp.CSS(".opblock")))

			ops := run(t, ctx, "list operations", chromedp.Evaluate[[]string](`[...document.querySelectorAll('.opblock')].map(op =>
				op.querySelector('.opblock-summary-method').textContent + ' ' +
				op.querySelector('.opblock-summary-path').dataset.path)`))
			slices.Sort(ops)
			want := []string{"DELETE /v1/workEngagements/{id}", "GET /v1/workEngagements/{id}", "PATCH /v1/workEngagements/{id}"}
			if diff := cmp.Diff(want, ops); diff != "" {
				t.Errorf("operations on the page (-want +got):\n%s", diff)
			}

			if tt.token != "" {
				authorize(t, ctx, tt.token)
			}
			status, body := tryGet(t, ctx, demoID)
			if status != "200" || !strings.Contains(body, `"name": "Full-time employment"`) {
				t.Errorf("Try it out on GET %s: status %q, body\n%s\nwant 200 and the work engagement", demoID, status, body)
			}
			// Open the rest of the page, so the policy check covers it too.
			do(t, ctx, "expand the other operations and the models",
				chromedp.Click(chromedp.CSS(patchOp+" .opblock-summary-control")),
				chromedp.Click(chromedp.CSS(deleteOp+" .opblock-summary-control")),
				chromedp.Click(chromedp.CSS(".models-control")),
				chromedp.WaitVisible(chromedp.CSS(".models .json-schema-2020-12")))
			screenshot(t, ctx)
			checkPageHealth(t, ctx)
		})
	}
}

// authorize gives the Authorize dialog a bare token, as a person would.
func authorize(t *testing.T, ctx context.Context, token string) {
	t.Helper()
	do(t, ctx, "authorize",
		chromedp.Click(chromedp.CSS(".auth-wrapper .authorize")),
		chromedp.SendKeys(chromedp.CSS(".modal-ux .auth-container input"), token),
		chromedp.Click(chromedp.CSS(".modal-ux .auth-btn-wrapper .authorize")),
		chromedp.Click(chromedp.CSS(".modal-ux .btn-done")),
		chromedp.WaitNotPresent(chromedp.CSS(".modal-ux")))
}

// tryGet runs GetWorkEngagement for id through Try it out and returns the
// response's status and body as the page shows them.
func tryGet(t *testing.T, ctx context.Context, id string) (status, body string) {
	t.Helper()
	idInput := chromedp.CSS(getOp + ` tr[data-param-name="id"] input`)
	do(t, ctx, "try GET",
		chromedp.Click(chromedp.CSS(getOp+" .opblock-summary-control")),
		chromedp.Click(chromedp.CSS(getOp+" .try-out__btn")),
		// Replace the example Swagger UI fills in, as a person would.
		chromedp.Click(idInput),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent(id),
		chromedp.Click(chromedp.CSS(getOp+" .execute")),
		chromedp.WaitVisible(chromedp.CSS(getOp+" .live-responses-table tbody .response-col_status")))
	status = run(t, ctx, "read status", chromedp.Text(chromedp.CSS(getOp+" .live-responses-table tbody .response-col_status")))
	body = run(t, ctx, "read body", chromedp.Text(chromedp.CSS(getOp+" .live-responses-table tbody .response-col_description pre")))
	return strings.TrimSpace(status), body
}

// watchPage runs before the page's own scripts and records what the checks
// in checkPageHealth read.
const watchPage = `window.__docsTest = {violations: [], errors: []};
document.addEventListener('securitypolicyviolation', e =>
	window.__docsTest.violations.push(e.violatedDirective + ' ' + e.blockedURI));
window.addEventListener('error', e => window.__docsTest.errors.push(String(e.message)));`

// checkPageHealth fails on policy violations, script errors and any request
// to another origin.
func checkPageHealth(t *testing.T, ctx context.Context) {
	t.Helper()
	report := run(t, ctx, "read the page's report", chromedp.Evaluate[struct{ Violations, Errors, Foreign []string }](`({
		violations: window.__docsTest.violations,
		errors: window.__docsTest.errors,
		foreign: performance.getEntriesByType('resource').map(e => e.name)
			.filter(u => !u.startsWith('data:') && new URL(u).origin !== location.origin),
	})`))
	for what, list := range map[string][]string{
		"Content-Security-Policy violations": report.Violations,
		"script errors":                      report.Errors,
		"requests to other origins":          report.Foreign,
	} {
		if len(list) > 0 {
			t.Errorf("%s on /docs: %q", what, list)
		}
	}
}

// screenshot saves the page as PNG to $DOCS_SCREENSHOT, or to a temporary
// file, so a person can look at what the test saw.
func screenshot(t *testing.T, ctx context.Context) {
	t.Helper()
	png := run(t, ctx, "screenshot", chromedp.FullScreenshot(100))
	name := os.Getenv("DOCS_SCREENSHOT")
	if name == "" {
		name = filepath.Join(t.TempDir(), "docs.png")
	}
	if err := os.WriteFile(name, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", name, len(png))
}

// chromiumPath finds the browser: $CHROMIUM, else chromium on PATH.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	p, err := exec.LookPath("chromium")
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("chromium not found (%v); CI must install it: apt-get install -y chromium", err)
	}
	t.Skipf("chromium not found (%v); install it with apt-get install -y chromium to run this test", err)
	return ""
}

// newTab starts Chromium with the flags that work on a closed network and
// returns a tab whose actions must finish within a minute.
func newTab(t *testing.T, chromium string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1024),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	do(t, ctx, "start chromium")
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: watchPage}); err != nil {
		t.Fatalf("add page watcher: %v", err)
	}
	// The timeout covers the actions only: the browser lives on ctx.
	tctx, cancel := context.WithTimeout(ctx, time.Minute)
	t.Cleanup(cancel)
	return tctx
}

func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func run[T any](t *testing.T, ctx context.Context, what string, action chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}
