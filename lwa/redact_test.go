package lwa_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/lwa"
)

// Every value of this package that holds a secret prints and logs without
// it, whatever the fmt verb or slog handler.
func TestRedaction(t *testing.T) {
	e := newEnv(t)
	g := e.grant(t, "user-1")
	auth, err := lwa.NewAuthorizer(e.m, lwa.AuthorizerConfig{
		Region:  alexa.RegionEU,
		Resolve: func(context.Context, alexa.Token) (string, error) { return "user-1", nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	e.fake.Revoke("user-1")
	_, _, refreshErr := e.m.Refresh(t.Context(), "user-1", g.AccessToken)
	if refreshErr == nil {
		t.Fatal("no error")
	}
	var lwaErr *lwa.Error
	errors.As(refreshErr, &lwaErr)

	secrets := []string{string(g.AccessToken), string(g.RefreshToken), testClientSecret}
	values := map[string]any{
		"Grant":       *g,
		"*Grant":      g,
		"Config":      e.cfg,
		"*Config":     &e.cfg,
		"*Manager":    e.m,
		"*Authorizer": auth,
		"error":       refreshErr,
		"*Error":      lwaErr,
		"[]*Grant":    []*lwa.Grant{g},
		"nested":      struct{ G lwa.Grant }{*g},
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
			out := fmt.Sprintf(verb, v)
			for _, s := range secrets {
				if bytes.Contains([]byte(out), []byte(s)) {
					t.Errorf("fmt %s of %s leaks a secret: %s", verb, name, out)
				}
			}
		}
		if s, ok := v.(fmt.Stringer); ok {
			assertNoSecrets(t, name+".String()", s.String(), secrets...)
		}
		for hname, h := range map[string]func(*bytes.Buffer) slog.Handler{
			"JSON": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
			"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		} {
			var buf bytes.Buffer
			slog.New(h(&buf)).Info("value", "v", v, slog.Any("any", v), slog.Group("g", "v", v))
			assertNoSecrets(t, hname+" log of "+name, buf.String(), secrets...)
		}
	}
	// The tokens are still there for the store and the wire.
	if fmt.Sprint(g.AccessToken) == string(g.AccessToken) {
		t.Fatal("test is broken: alexa.Token does not redact")
	}
}

func TestGrantFormatShowsNonSecrets(t *testing.T) {
	g := lwa.Grant{UserID: "user-1", Region: alexa.RegionFE, AccessToken: "Atza|a", RefreshToken: "Atzr|r",
		Expiry: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	if got, want := fmt.Sprint(g), "{UserID:user-1 Region:FE AccessToken:[redacted] RefreshToken:[redacted] Expiry:2025-01-02T03:04:05Z GrantedAt:0001-01-01T00:00:00Z}"; got != want {
		t.Errorf("Sprint = %s\nwant       %s", got, want)
	}
	var nilGrant *lwa.Grant
	if got := fmt.Sprint(nilGrant); got != "<nil>" {
		t.Errorf("Sprint(nil *Grant) = %q", got)
	}
}
