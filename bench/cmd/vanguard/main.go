// Command vanguard is the generic peer of the benchmark: connectrpc's
// vanguard-go transcoding gRPC calls to Pigello's REST API from the
// google.api.http rules of the same proto, set up as well as
// ../shared/notes/peers.md describes: a ReverseProxy with a BufferPool, the
// trailing slash added in Rewrite, 204 turned into {} in ModifyResponse,
// proto field names, no compression, served over h2c. It adds the seven
// X-PIGELLO-* headers in the proxy, as the facade does.
//
// List is mapped as far as a proxy can without the facade's work: the REST
// collection path to Pigello's list/ with _page=1 and _page_size from
// page_size (50, the facade's default, when unset), and the bare JSON array Pigello's stand-in
// answers wrapped as {"work_engagements": [...]}. It reads no page_token,
// filter, order_by or search and writes no next_page_token.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"connectrpc.com/vanguard"
	pbv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/upstream"
	"google.golang.org/protobuf/encoding/protojson"
)

const (
	restCollection  = "/v1/workEngagements"
	restPrefix      = restCollection + "/"
	pigelloPrefix   = "/accounts/users/organization/workengagement/"
	pigelloList     = pigelloPrefix + "list/"
	defaultPageSize = "50" // the facade's
)

// bufferPool is the httputil.BufferPool peers.md measured at about +20% RPS.
type bufferPool struct{ p sync.Pool }

func (b *bufferPool) Get() []byte  { return *(b.p.Get().(*[]byte)) }
func (b *bufferPool) Put(v []byte) { b.p.Put(&v) }

func newBufferPool() *bufferPool {
	return &bufferPool{p: sync.Pool{New: func() any { b := make([]byte, 32*1024); return &b }}}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:19091", "listen address (gRPC over h2c)")
	upstreamURL := flag.String("upstream", "http://127.0.0.1:18000", "Pigello (or stand-in) base URL")
	flag.Parse()
	if err := run(*addr, *upstreamURL); err != nil {
		fmt.Fprintln(os.Stderr, "vanguard:", err)
		os.Exit(1)
	}
}

func run(addr, upstreamURL string) error {
	tc, err := newTranscoder(upstreamURL)
	if err != nil {
		return err
	}
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{Addr: addr, Handler: tc, Protocols: &protocols, ReadHeaderTimeout: 10 * time.Second}
	return srv.ListenAndServe()
}

// newTranscoder is vanguard's transcoder for the service, proxying to
// upstreamURL.
func newTranscoder(upstreamURL string) (http.Handler, error) {
	target, err := url.Parse(upstreamURL)
	if err != nil {
		return nil, err
	}
	// The headers and variables are the facade's: upstream's list names them.
	creds := make(http.Header)
	for _, k := range upstream.CredentialList() {
		creds.Set(k.Header, os.Getenv(k.EnvVar()))
	}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			// Path templates cannot end in '/': map the REST path to Pigello's here.
			if pr.In.URL.Path == restCollection {
				pr.Out.URL.Path, pr.Out.URL.RawQuery = pigelloList, listQuery(pr.In.URL.Query())
			} else {
				id := strings.TrimPrefix(pr.In.URL.Path, restPrefix)
				pr.Out.URL.Path = pigelloPrefix + id + "/"
			}
			pr.Out.URL.RawPath = ""
			for k, v := range creds {
				pr.Out.Header[k] = v
			}
		},
		Transport: &http.Transport{
			MaxIdleConns:        1024,
			MaxIdleConnsPerHost: 1024,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		},
		BufferPool: newBufferPool(),
		ModifyResponse: func(resp *http.Response) error {
			if resp.Request.URL.Path == pigelloList {
				return wrapList(resp)
			}
			return emptyToObject(resp)
		},
		ErrorLog: log.New(io.Discard, "", 0),
	}
	svc := vanguard.NewService(pbv1.WorkEngagementService_ServiceDesc.ServiceName, proxy,
		vanguard.WithTargetProtocols(vanguard.ProtocolREST),
		vanguard.WithTargetCodecs(vanguard.CodecJSON),
		vanguard.WithNoTargetCompression(),
	)
	return vanguard.NewTranscoder([]*vanguard.Service{svc},
		vanguard.WithCodec(func(res vanguard.TypeResolver) vanguard.Codec {
			return &vanguard.JSONCodec{
				MarshalOptions:   protojson.MarshalOptions{Resolver: res, UseProtoNames: true},
				UnmarshalOptions: protojson.UnmarshalOptions{Resolver: res, DiscardUnknown: true},
			}
		}),
	)
}

// emptyToObject turns a 2xx answer with no body (Pigello's 204 on DELETE)
// into {}, which vanguard can decode.
func emptyToObject(resp *http.Response) error {
	if resp.StatusCode/100 != 2 || resp.ContentLength > 0 {
		return nil
	}
	if resp.StatusCode == http.StatusNoContent || resp.ContentLength == 0 {
		resp.StatusCode = http.StatusOK
		resp.Body = io.NopCloser(bytes.NewReader([]byte("{}")))
		resp.ContentLength = 2
		resp.Header.Set("Content-Length", "2")
		resp.Header.Set("Content-Type", "application/json")
	}
	return nil
}

// listQuery is Pigello's query for the first page of page_size items.
// vanguard writes the field's JSON name (pageSize) in the REST query.
func listQuery(in url.Values) string {
	size := in.Get("pageSize")
	if size == "" || size == "0" {
		size = defaultPageSize
	}
	return url.Values{"_page": {"1"}, "_page_size": {size}}.Encode()
}

// wrapList turns a 2xx list answer, a bare JSON array, into the body of a
// ListWorkEngagementsResponse.
func wrapList(resp *http.Response) error {
	if resp.StatusCode/100 != 2 {
		return nil
	}
	items, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	body := make([]byte, 0, len(items)+len(`{"work_engagements":}`))
	body = append(append(append(body, `{"work_engagements":`...), items...), '}')
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return nil
}
