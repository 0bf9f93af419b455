package events

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestParseErrorBody(t *testing.T) {
	cases := []struct {
		status int
		body   string
		code   Code
		desc   string
	}{
		{400, `{"header":{"namespace":"System","name":"Exception","messageId":"x"},"payload":{"code":"INVALID_REQUEST_EXCEPTION","description":"bad"}}`, CodeInvalidRequest, "bad"},
		{403, `{"payload":{"code":"SKILL_DISABLED_EXCEPTION","description":"disabled"}}`, CodeSkillDisabled, "disabled"},
		{403, `{"code":"WRONG","payload":{"code":"INSUFFICIENT_PERMISSION_EXCEPTION"}}`, CodeInsufficientPermission, ""},
		{429, `{"code":"THROTTLING_EXCEPTION","description":"slow down"}`, CodeThrottling, "slow down"},
		{500, `{"payload":{"type":"INTERNAL_SERVICE_EXCEPTION","message":"oops"}}`, CodeInternalService, "oops"},
		{503, `<html>down</html>`, CodeServiceUnavailable, "<html>down</html>"},
		{503, ``, CodeServiceUnavailable, ""},
		{403, `not json`, "", "not json"},
		{401, `{}`, CodeInvalidAccessToken, ""},
		{413, "line1\nline2", CodeRequestEntityTooLarge, "line1 line2"},
	}
	for _, tc := range cases {
		code, desc := parseErrorBody(tc.status, []byte(tc.body))
		if code != tc.code || desc != tc.desc {
			t.Errorf("%d %q: got %q %q, want %q %q", tc.status, tc.body, code, desc, tc.code, tc.desc)
		}
	}
	_, desc := parseErrorBody(500, []byte(strings.Repeat("é", 1000)))
	if len(desc) > maxDescription+len("…") || !strings.HasSuffix(desc, "…") {
		t.Errorf("long description not clipped: %d bytes", len(desc))
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	cases := map[string]time.Duration{
		"":     0,
		"3":    3 * time.Second,
		" 10 ": 10 * time.Second,
		"0":    0,
		"-5":   0,
		"soon": 0,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		now.Add(-time.Hour).Format(http.TimeFormat):       0,
		"99999999999": 24 * time.Hour,
	}
	for h, want := range cases {
		if got := parseRetryAfter(h, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", h, got, want)
		}
	}
}

func TestErrorIs(t *testing.T) {
	for code, sentinel := range codeSentinels {
		e := &Error{StatusCode: 400, Code: code}
		if !errors.Is(e, sentinel) {
			t.Errorf("%s is not %v", code, sentinel)
		}
		for other, s := range codeSentinels {
			if other != code && errors.Is(e, s) {
				t.Errorf("%s is also %v", code, s)
			}
		}
	}
	if errors.Is(&Error{StatusCode: 418}, ErrThrottled) {
		t.Error("an error without code matches a sentinel")
	}
}

func TestRetryDelay(t *testing.T) {
	p := DefaultRetryPolicy()
	for range 1000 {
		for n, lo := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second} {
			d := p.delay(n, 0)
			if d < lo || d > min(lo*3/2, p.MaxDelay) {
				t.Fatalf("delay(%d) = %v, want in [%v, %v]", n, d, lo, min(lo*3/2, p.MaxDelay))
			}
		}
		if d := p.delay(0, 20*time.Second); d != 20*time.Second {
			t.Fatalf("delay with Retry-After 20s = %v", d)
		}
	}
}

func TestTemporary(t *testing.T) {
	for status, want := range map[int]bool{429: true, 500: true, 502: true, 503: true, 504: true, 400: false, 401: false, 403: false, 404: false, 413: false} {
		if got := (&Error{StatusCode: status}).Temporary(); got != want {
			t.Errorf("Temporary(%d) = %v", status, got)
		}
	}
}

// FuzzParseErrorBody: whatever the gateway answers, parsing it does not
// panic, and what ends up in an error is short, printable and valid UTF-8.
func FuzzParseErrorBody(f *testing.F) {
	for _, s := range []string{
		`{"header":{"namespace":"System","name":"Exception"},"payload":{"code":"THROTTLING_EXCEPTION","description":"slow down"}}`,
		`{"payload":{"type":"INVALID_ACCESS_TOKEN_EXCEPTION","message":"expired"}}`,
		`<html>502 Bad Gateway</html>`, ``, `null`, `{"payload":null}`, "\x00\xff\xfe",
	} {
		f.Add(503, s, "5")
	}
	f.Fuzz(func(t *testing.T, status int, body, retryAfter string) {
		code, desc := parseErrorBody(status, []byte(body))
		if len(desc) > maxDescription+len("…") || !utf8.ValidString(desc) || strings.ContainsFunc(desc, func(r rune) bool { return r < 0x20 }) {
			t.Errorf("description %q", desc)
		}
		if len(code) > maxCode || !utf8.ValidString(string(code)) || strings.ContainsFunc(string(code), func(r rune) bool { return r < 0x20 }) {
			t.Errorf("code %q", code)
		}
		if d := parseRetryAfter(retryAfter, time.Unix(1e9, 0)); d < 0 || d > 24*time.Hour && !strings.Contains(retryAfter, ",") {
			t.Errorf("Retry-After %q = %v", retryAfter, d)
		}
	})
}
