package enablement

import (
	"strings"
	"testing"
)

// FuzzDecodeAnswer feeds arbitrary answers to the response decoding: it
// must not panic, and no error may quote the token.
func FuzzDecodeAnswer(f *testing.F) {
	f.Add(201, []byte(`{"skill":{"id":"s","stage":"live"},"user":{"id":"u"},"accountLink":{"status":"LINKED"},"status":"ENABLED"}`))
	f.Add(404, []byte(`{"message":"not enabled"}`))
	f.Add(400, []byte(`{"message":"bad Atza|tok","code":"INVALID"}`))
	f.Add(200, []byte(`{"endpoints":["api.amazonalexa.com"]}`))
	f.Add(500, []byte(`<html>`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		const token = "Atza|tok"
		var e Enablement
		err := decodeAnswer(OpStatus, status, body, token, &e)
		if err != nil && strings.Contains(err.Error(), token) {
			t.Fatalf("error quotes the token: %v", err)
		}
		if (status < 200 || status > 299) && err == nil {
			t.Fatalf("status %d decoded without an error", status)
		}
	})
}
