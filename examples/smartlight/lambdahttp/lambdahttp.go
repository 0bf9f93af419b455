// Package lambdahttp serves an http.Handler from AWS Lambda behind an
// Amazon API Gateway HTTP API (payload format 2.0), so the devices API is
// the same net/http code on a laptop and on Lambda.
package lambdahttp

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// MaxBodyBytes is the largest request body passed on (API Gateway's own
// limit is 10 MB; the devices API reads far less).
const MaxBodyBytes = 1 << 20

// Handler returns a Lambda handler (for lambda.Start) that serves h. The
// request's path is the route's raw path, without the stage of a named
// stage; its headers, cookies, query, body (decoded from base64 when API
// Gateway encoded it) and source IP are passed on. Text answers (JSON,
// text/*) are returned as they are, others base64-encoded. A malformed
// event is answered 400 without reaching h.
func Handler(h http.Handler) func(ctx context.Context, e events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return func(ctx context.Context, e events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		req, err := Request(ctx, e)
		if err != nil {
			return events.APIGatewayV2HTTPResponse{
				StatusCode: http.StatusBadRequest,
				Headers:    map[string]string{"Content-Type": "application/json"},
				Body:       `{"error":{"code":"invalid_request","message":"malformed request"}}`,
			}, nil
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return Response(rec.Result().StatusCode, rec.Header(), rec.Body.Bytes()), nil
	}
}

// Request converts an HTTP API event into the request it stands for.
func Request(ctx context.Context, e events.APIGatewayV2HTTPRequest) (*http.Request, error) {
	method := e.RequestContext.HTTP.Method
	if method == "" {
		return nil, fmt.Errorf("lambdahttp: event without a method")
	}
	path := e.RawPath
	if path == "" {
		path = e.RequestContext.HTTP.Path
	}
	if st := e.RequestContext.Stage; st != "" && st != "$default" {
		if rest, ok := strings.CutPrefix(path, "/"+st); ok && (rest == "" || rest[0] == '/') {
			path = rest
			if path == "" {
				path = "/"
			}
		}
	}
	u := &url.URL{Path: path, RawQuery: e.RawQueryString}
	if p, err := url.PathUnescape(path); err == nil {
		u.Path, u.RawPath = p, path
	}
	body := []byte(e.Body)
	if e.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(e.Body)
		if err != nil {
			return nil, fmt.Errorf("lambdahttp: body: %w", err)
		}
		body = b
	}
	if len(body) > MaxBodyBytes {
		return nil, fmt.Errorf("lambdahttp: body of %d bytes", len(body))
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("lambdahttp: %w", err)
	}
	req.RequestURI = u.RequestURI()
	for k, v := range e.Headers {
		req.Header.Set(k, v)
	}
	if len(e.Cookies) > 0 {
		req.Header.Set("Cookie", strings.Join(e.Cookies, "; "))
	}
	req.Host = e.RequestContext.DomainName
	if req.Host == "" {
		req.Host = req.Header.Get("Host")
	}
	req.RemoteAddr = e.RequestContext.HTTP.SourceIP
	req.ContentLength = int64(len(body))
	return req, nil
}

// Response converts an answer into the HTTP API's response.
func Response(status int, header http.Header, body []byte) events.APIGatewayV2HTTPResponse {
	r := events.APIGatewayV2HTTPResponse{StatusCode: status, Headers: map[string]string{}}
	for k, vs := range header {
		if http.CanonicalHeaderKey(k) == "Set-Cookie" {
			r.Cookies = append(r.Cookies, vs...)
			continue
		}
		r.Headers[k] = strings.Join(vs, ", ")
	}
	if textual(header.Get("Content-Type")) || len(body) == 0 {
		r.Body = string(body)
	} else {
		r.Body = base64.StdEncoding.EncodeToString(body)
		r.IsBase64Encoded = true
	}
	return r
}

func textual(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return strings.HasPrefix(mt, "text/") || mt == "application/json" || strings.HasSuffix(mt, "+json")
}
