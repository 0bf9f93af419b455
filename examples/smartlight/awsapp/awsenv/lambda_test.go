package awsenv_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/go-alexa/smarthome/examples/smartlight/awsapp/awsenv"
)

// fakeLambda answers Invoke requests for the function "grants" with the
// payload reversed in a JSON string, after throttling the first ones.
type fakeLambda struct {
	mu       sync.Mutex
	calls    int
	throttle int
	status   int    // answered instead of the reply, if not zero
	fnError  string // X-Amz-Function-Error of the reply
	headers  http.Header
	path     string
}

func (f *fakeLambda) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.headers, f.path = r.Header.Clone(), r.URL.EscapedPath()
	body, _ := io.ReadAll(r.Body)
	switch {
	case f.throttle > 0:
		f.throttle--
		w.Header().Set("X-Amzn-ErrorType", "TooManyRequestsException:http://internal.amazon.com/coral/com.amazonaws.awslambda/")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, `{"Type":"User","message":"Rate exceeded"}`)
	case f.status != 0:
		w.Header().Set("X-Amzn-ErrorType", "ServiceException")
		w.WriteHeader(f.status)
		_, _ = io.WriteString(w, `{"Type":"Service","message":"try later"}`)
	case f.fnError != "":
		w.Header().Set("X-Amz-Function-Error", f.fnError)
		_, _ = io.WriteString(w, `{"errorType":"errorString","errorMessage":"the secret is s3cr3t"}`)
	default:
		_, _ = io.WriteString(w, `{"echo":`+string(body)+`}`)
	}
}

func TestInvoke(t *testing.T) {
	t.Parallel()
	f := &fakeLambda{throttle: 2}
	srv := httptest.NewServer(f)
	defer srv.Close()
	cfg, problems := awsenv.AWSConfig(lookup(withEnv(map[string]string{"AWS_ENDPOINT_URL_LAMBDA": srv.URL, "AWS_ENDPOINT_URL": "http://unused.invalid"})))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	ctx := t.Context()
	reply, err := awsenv.Invoke(ctx, cfg, "grants", []byte(`{"a":1}`))
	if err != nil || string(reply) != `{"echo":{"a":1}}` {
		t.Fatalf("Invoke = %s, %v", reply, err)
	}
	f.mu.Lock()
	calls, h, path := f.calls, f.headers, f.path
	f.mu.Unlock()
	if calls != 3 {
		t.Errorf("%d calls, want 3 (two throttled requests tried again)", calls)
	}
	if path != "/2015-03-31/functions/grants/invocations" || h.Get("X-Amz-Invocation-Type") != "RequestResponse" {
		t.Errorf("path %s, headers %v", path, h)
	}
	if a := h.Get("Authorization"); !strings.HasPrefix(a, "AWS4-HMAC-SHA256 Credential=AKIDTEST/") || !strings.Contains(a, "/eu-west-1/lambda/aws4_request") || h.Get("X-Amz-Security-Token") != "session" {
		t.Errorf("headers %v", h)
	}

	// A failed function: its error type, never its message.
	f.mu.Lock()
	f.fnError = "Unhandled"
	f.mu.Unlock()
	_, err = awsenv.Invoke(ctx, cfg, "grants", []byte(`{}`))
	if !errors.Is(err, awsenv.ErrFunction) || !strings.Contains(err.Error(), "Unhandled") || strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("a failed function: %v", err)
	}

	// A 5xx is not tried again: the function may have run.
	f.mu.Lock()
	f.fnError, f.status, f.calls = "", http.StatusInternalServerError, 0
	f.mu.Unlock()
	if _, err := awsenv.Invoke(ctx, cfg, "grants", []byte(`{}`)); err == nil || !strings.Contains(err.Error(), "ServiceException") {
		t.Errorf("a 500: %v", err)
	}
	f.mu.Lock()
	if f.calls != 1 {
		t.Errorf("a 500 was tried %d times, want once", f.calls)
	}
	f.mu.Unlock()

	for _, name := range []string{"", "a/b", "a b"} {
		if _, err := awsenv.Invoke(ctx, cfg, name, nil); err == nil {
			t.Errorf("Invoke(%q) accepted", name)
		}
	}
}

func TestInvokeEndpoint(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var urls []string
	hc := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		urls = append(urls, r.URL.String())
		mu.Unlock()
		return nil, errors.New("no network in tests")
	})}
	for env, want := range map[string]string{
		"eu-west-1":      "https://lambda.eu-west-1.amazonaws.com/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:grants/invocations",
		"us-east-1 fips": "https://lambda-fips.us-east-1.amazonaws.com/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:grants/invocations",
	} {
		region, fips, _ := strings.Cut(env, " ")
		cfg, _ := awsenv.AWSConfig(lookup(withEnv(map[string]string{"AWS_REGION": region, "AWS_USE_FIPS_ENDPOINT": map[bool]string{true: "true"}[fips != ""]})))
		cfg.HTTPClient = hc
		if _, err := awsenv.Invoke(t.Context(), cfg, "arn:aws:lambda:eu-west-1:123456789012:function:grants", []byte(`{}`)); err == nil {
			t.Fatal("no error without network")
		}
		mu.Lock()
		if len(urls) == 0 || urls[len(urls)-1] != want {
			t.Errorf("%s: URLs %v, want %s", env, urls, want)
		}
		mu.Unlock()
	}
}
