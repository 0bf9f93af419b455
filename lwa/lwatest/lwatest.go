// Package lwatest tests implementations of lwa.Store.
//
// A store for another database (DynamoDB, SQL, ...) runs the conformance
// test from its own tests:
//
//	func TestDynamoStore(t *testing.T) {
//		lwatest.TestStore(t, func(t *testing.T) lwa.Store {
//			return newTestDynamoStore(t) // a fresh, empty store
//		})
//	}
package lwatest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/lwa"
)

// TestStore runs the lwa.Store contract against stores made by newStore,
// which must return a new, empty store each time it is called (one per
// subtest). If the store implements lwa.Lister, the listing is tested too.
//
// The contract: Get of an absent user wraps lwa.ErrNotFound; Put then Get
// round-trips every field (times to the second at least); Put replaces;
// Delete removes, and deleting an absent user is not an error; invalid
// grants (nil, no user id, no refresh token) are refused; stored grants
// are copies, unaffected by later changes to the caller's values; and
// concurrent use is safe (run the tests with -race).
func TestStore(t *testing.T, newStore func(t *testing.T) lwa.Store) {
	t.Helper()
	t.Run("GetMissing", func(t *testing.T) {
		s := newStore(t)
		g, err := s.Get(t.Context(), "nobody")
		if !errors.Is(err, lwa.ErrNotFound) {
			t.Fatalf("Get(absent) = %v, %v; want an error wrapping lwa.ErrNotFound", g, err)
		}
	})
	t.Run("PutGet", func(t *testing.T) {
		s := newStore(t)
		want := sampleGrant("user-1", 1)
		mustPut(t, s, want)
		got := mustGet(t, s, "user-1")
		assertEqual(t, got, want)
	})
	t.Run("PutReplaces", func(t *testing.T) {
		s := newStore(t)
		mustPut(t, s, sampleGrant("user-1", 1))
		want := sampleGrant("user-1", 2)
		want.Region = alexa.RegionFE
		mustPut(t, s, want)
		assertEqual(t, mustGet(t, s, "user-1"), want)
	})
	t.Run("UsersAreSeparate", func(t *testing.T) {
		s := newStore(t)
		a, b := sampleGrant("user-a", 1), sampleGrant("user-b", 2)
		mustPut(t, s, a)
		mustPut(t, s, b)
		assertEqual(t, mustGet(t, s, "user-a"), a)
		assertEqual(t, mustGet(t, s, "user-b"), b)
		if err := s.Delete(t.Context(), "user-a"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		assertEqual(t, mustGet(t, s, "user-b"), b)
	})
	t.Run("Delete", func(t *testing.T) {
		s := newStore(t)
		mustPut(t, s, sampleGrant("user-1", 1))
		if err := s.Delete(t.Context(), "user-1"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if g, err := s.Get(t.Context(), "user-1"); !errors.Is(err, lwa.ErrNotFound) {
			t.Fatalf("Get after Delete = %v, %v; want lwa.ErrNotFound", g, err)
		}
		if err := s.Delete(t.Context(), "user-1"); err != nil {
			t.Fatalf("Delete of an absent grant = %v, want nil", err)
		}
	})
	t.Run("RefusesInvalid", func(t *testing.T) {
		s := newStore(t)
		noUser := sampleGrant("", 1)
		noRefresh := sampleGrant("user-1", 1)
		noRefresh.RefreshToken = ""
		for name, g := range map[string]*lwa.Grant{"nil": nil, "no user id": noUser, "no refresh token": noRefresh} {
			if err := s.Put(t.Context(), g); err == nil {
				t.Errorf("Put(grant with %s) = nil, want an error", name)
			}
		}
		if _, err := s.Get(t.Context(), "user-1"); !errors.Is(err, lwa.ErrNotFound) {
			t.Errorf("a refused grant was stored: Get = %v", err)
		}
	})
	t.Run("Copies", func(t *testing.T) {
		s := newStore(t)
		g := sampleGrant("user-1", 1)
		want := *g
		mustPut(t, s, g)
		g.AccessToken = "changed after Put"
		got := mustGet(t, s, "user-1")
		assertEqual(t, got, &want)
		got.RefreshToken = "changed after Get"
		assertEqual(t, mustGet(t, s, "user-1"), &want)
	})
	t.Run("Concurrent", func(t *testing.T) {
		s := newStore(t)
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				id := fmt.Sprintf("user-%d", i)
				for j := range 10 {
					if err := s.Put(t.Context(), sampleGrant(id, j)); err != nil {
						t.Errorf("Put: %v", err)
						return
					}
					if _, err := s.Get(t.Context(), id); err != nil {
						t.Errorf("Get: %v", err)
						return
					}
				}
				if i%2 == 0 {
					if err := s.Delete(t.Context(), id); err != nil {
						t.Errorf("Delete: %v", err)
					}
				}
			})
		}
		wg.Wait()
		for i := range 8 {
			id := fmt.Sprintf("user-%d", i)
			_, err := s.Get(t.Context(), id)
			if i%2 == 0 && !errors.Is(err, lwa.ErrNotFound) {
				t.Errorf("Get(%s) after Delete = %v, want lwa.ErrNotFound", id, err)
			}
			if i%2 == 1 {
				if err != nil {
					t.Errorf("Get(%s) = %v", id, err)
				} else {
					assertEqual(t, mustGet(t, s, id), sampleGrant(id, 9))
				}
			}
		}
	})
	t.Run("Lister", func(t *testing.T) {
		s := newStore(t)
		l, ok := s.(lwa.Lister)
		if !ok {
			t.Skipf("%T does not implement lwa.Lister", s)
		}
		if got := listUsers(t, l); len(got) != 0 {
			t.Fatalf("Users of an empty store = %q", got)
		}
		for _, id := range []string{"user-c", "user-a", "user-b"} {
			mustPut(t, s, sampleGrant(id, 1))
		}
		mustPut(t, s, sampleGrant("user-a", 2))
		if err := s.Delete(t.Context(), "user-b"); err != nil {
			t.Fatal(err)
		}
		got := listUsers(t, l)
		slices.Sort(got)
		if want := []string{"user-a", "user-c"}; !slices.Equal(got, want) {
			t.Fatalf("Users = %q, want %q", got, want)
		}
		// Stopping early must be safe.
		for range l.Users(t.Context()) {
			break
		}
	})
}

func listUsers(t *testing.T, l lwa.Lister) []string {
	t.Helper()
	var ids []string
	for id, err := range l.Users(context.Background()) {
		if err != nil {
			t.Fatalf("Users: %v", err)
		}
		ids = append(ids, id)
	}
	return ids
}

// sampleGrant returns a grant for userID whose fields all depend on n.
func sampleGrant(userID string, n int) *lwa.Grant {
	base := time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)
	return &lwa.Grant{
		UserID:       userID,
		Region:       alexa.RegionEU,
		AccessToken:  alexa.Token(fmt.Sprintf("Atza|access-%s-%d", userID, n)),
		RefreshToken: alexa.Token(fmt.Sprintf("Atzr|refresh-%s-%d", userID, n)),
		Expiry:       base.Add(time.Duration(n) * time.Hour),
		GrantedAt:    base.Add(-time.Duration(n) * time.Minute),
	}
}

func mustPut(t *testing.T, s lwa.Store, g *lwa.Grant) {
	t.Helper()
	if err := s.Put(t.Context(), g); err != nil {
		t.Fatalf("Put(%v): %v", g, err)
	}
}

func mustGet(t *testing.T, s lwa.Store, userID string) *lwa.Grant {
	t.Helper()
	g, err := s.Get(t.Context(), userID)
	if err != nil {
		t.Fatalf("Get(%q): %v", userID, err)
	}
	if g == nil {
		t.Fatalf("Get(%q) = nil, nil", userID)
	}
	return g
}

// assertEqual compares grants field by field; the tokens are compared but
// never printed.
func assertEqual(t *testing.T, got, want *lwa.Grant) {
	t.Helper()
	if got.UserID != want.UserID {
		t.Errorf("UserID = %q, want %q", got.UserID, want.UserID)
	}
	if got.Region != want.Region {
		t.Errorf("Region = %q, want %q", got.Region, want.Region)
	}
	if got.AccessToken != want.AccessToken {
		t.Errorf("AccessToken of %q differs from what was stored", want.UserID)
	}
	if got.RefreshToken != want.RefreshToken {
		t.Errorf("RefreshToken of %q differs from what was stored", want.UserID)
	}
	if !got.Expiry.Equal(want.Expiry) {
		t.Errorf("Expiry = %v, want %v", got.Expiry, want.Expiry)
	}
	if !got.GrantedAt.Equal(want.GrantedAt) {
		t.Errorf("GrantedAt = %v, want %v", got.GrantedAt, want.GrantedAt)
	}
}
