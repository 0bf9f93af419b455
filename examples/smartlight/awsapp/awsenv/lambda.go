package awsenv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// ErrFunction is wrapped by the error of [Invoke] when the invoked
// function failed (Lambda's X-Amz-Function-Error): it ran, and its error
// is the answer.
var ErrFunction = errors.New("awsenv: the invoked function failed")

// invokeAttempts is how many times [Invoke] tries a request that Lambda
// throttled (429: the function did not run).
const invokeAttempts = 3

// maxInvokeReply bounds the reply [Invoke] reads: Lambda's 6 MB limit of
// a synchronous response.
const maxInvokeReply = 6 << 20

// Invoke calls the Lambda function function (a name or an ARN)
// synchronously with payload and returns its reply (one Invoke request
// with InvocationType RequestResponse, signed with cfg's credentials):
// what the Lambda client's Invoke does, without linking it. The endpoint
// is AWS_ENDPOINT_URL_LAMBDA, else cfg.BaseEndpoint, else the region's.
// A throttled request (429) is tried again; a network error or a 5xx is
// not, since the function may have run. A failed function returns an
// error wrapping [ErrFunction] with the function's error type; neither
// the payload nor the reply is ever part of an error.
func Invoke(ctx context.Context, cfg aws.Config, function string, payload []byte) ([]byte, error) {
	if function == "" || strings.ContainsAny(function, "/?#% ") {
		return nil, fmt.Errorf("awsenv: invalid function name %q", function)
	}
	if cfg.Credentials == nil {
		return nil, fmt.Errorf("awsenv: invoking %s: no credentials", function)
	}
	endpoint, err := ServiceEndpoint(ctx, cfg, "Lambda", "lambda")
	if err != nil {
		return nil, fmt.Errorf("awsenv: invoking %s: %w", function, err)
	}
	post, err := newSignedPost(ctx, cfg, "lambda", payload)
	if err != nil {
		return nil, fmt.Errorf("awsenv: invoking %s: credentials: %w", function, err)
	}
	u := strings.TrimSuffix(endpoint, "/") + "/2015-03-31/functions/" + url.PathEscape(function) + "/invocations"
	var last error
	for attempt := range invokeAttempts {
		if attempt > 0 {
			if err := waitToRetry(ctx, attempt, last); err != nil {
				return nil, err
			}
		}
		req, err := post.request(ctx, u, map[string]string{"Content-Type": "application/json", "X-Amz-Invocation-Type": "RequestResponse"})
		if err != nil {
			return nil, fmt.Errorf("awsenv: invoking %s: %w", function, err)
		}
		resp, err := post.hc.Do(req)
		if err != nil {
			return nil, fmt.Errorf("awsenv: invoking %s: %w", function, err)
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, maxInvokeReply+1))
		resp.Body.Close()
		switch {
		case err != nil:
			return nil, fmt.Errorf("awsenv: invoking %s: reading the reply: %w", function, err)
		case len(data) > maxInvokeReply:
			return nil, fmt.Errorf("awsenv: invoking %s: the reply is larger than %d bytes", function, maxInvokeReply)
		case resp.StatusCode/100 == 2 && resp.Header.Get("X-Amz-Function-Error") != "":
			var fe struct {
				ErrorType string `json:"errorType"`
			}
			_ = json.Unmarshal(data, &fe)
			return nil, fmt.Errorf("awsenv: invoking %s: %w (%s, %s)", function, ErrFunction, resp.Header.Get("X-Amz-Function-Error"), fe.ErrorType)
		case resp.StatusCode/100 == 2:
			return data, nil
		}
		var e struct {
			Type    string `json:"Type"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(data, &e)
		typ := resp.Header.Get("X-Amzn-ErrorType")
		typ = typ[:strings.IndexAny(typ+":", ":")]
		last = fmt.Errorf("awsenv: invoking %s: status %d, %s: %s", function, resp.StatusCode, typ, e.Message)
		if resp.StatusCode != http.StatusTooManyRequests {
			return nil, last
		}
	}
	return nil, last
}
