package lwa_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/lwa"
)

func TestProfileResolver(t *testing.T) {
	e := newEnv(t)
	r := lwa.ProfileResolver{BaseURL: e.srv.URL, HTTPClient: e.srv.Client()}
	link := e.fake.LinkToken("amzn1.account.ALICE")

	p, err := r.Profile(t.Context(), alexa.Token(link))
	if err != nil || p.UserID != "amzn1.account.ALICE" || p.Email == "" || p.Name == "" {
		t.Fatalf("Profile = %+v, %v", p, err)
	}
	var resolve lwa.ResolveFunc = r.Resolve
	id, err := resolve(t.Context(), alexa.Token(link))
	if err != nil || id != "amzn1.account.ALICE" {
		t.Fatalf("Resolve = %q, %v", id, err)
	}

	bad := "Atza|not-a-token-the-fake-issued"
	_, err = r.Resolve(t.Context(), alexa.Token(bad))
	if err == nil || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "invalid_token") {
		t.Fatalf("Resolve(unknown token) = %v, want HTTP 401 invalid_token", err)
	}
	assertNoSecrets(t, "error", err.Error(), bad, link)
	if _, err := r.Resolve(t.Context(), ""); err == nil {
		t.Error("Resolve(empty) succeeded")
	}
}

func TestProfileResolverBadResponses(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"no user_id": func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(`{"name":"x"}`)) },
		"not JSON":   func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(`<html>`)) },
		"echoes the token": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(400)
			w.Write([]byte(`{"error":"invalid_request","error_description":"bad token ` + r.Header.Get("Authorization") + `"}`))
		},
	} {
		srv := httptest.NewServer(h)
		_, err := lwa.ProfileResolver{BaseURL: srv.URL + "/"}.Resolve(context.Background(), "Atza|the-grantee-token")
		srv.Close()
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		assertNoSecrets(t, name+" error", err.Error(), "Atza|the-grantee-token")
	}
}
