package alexatest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/lwa"
)

// TestClockReachesBackoffAndExpiry wires the clients with the server's
// helpers and one fake clock: two 503s are retried without real sleeps,
// and an hour later the access token is refreshed, both at the fake LWA
// and in the Manager.
func TestClockReachesBackoffAndExpiry(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	clk := alexatest.NewClock(start)
	srv := alexatest.NewServer(t, alexatest.WithClock(clk))
	m, err := srv.NewManager(lwa.Config{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.Exchange(t.Context(), alexa.Token(srv.EnableSkill("u", alexa.RegionEU)))
	if err != nil {
		t.Fatal(err)
	}
	g.UserID, g.Region, g.GrantedAt = "u", alexa.RegionEU, clk.Now()
	if err := m.Save(t.Context(), g); err != nil {
		t.Fatal(err)
	}
	if err := srv.Discovered("u", []alexa.DiscoveryEndpoint{lamp("lamp-1")}); err != nil {
		t.Fatal(err)
	}
	c, err := srv.NewEventsClient(m)
	if err != nil {
		t.Fatal(err)
	}

	srv.FailNext(2, http.StatusServiceUnavailable, alexatest.CodeInternalService, 0)
	report, err := alexa.NewChangeReport("lamp-1", alexa.CausePhysicalInteraction, []alexa.Property{alexa.PowerStateProperty(alexa.PowerOn)})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Send(t.Context(), "u", report); err != nil {
		t.Fatal(err)
	}
	sleeps := clk.Sleeps()
	if len(sleeps) != 2 || sleeps[0] <= 0 || sleeps[1] <= 0 {
		t.Errorf("sleeps %v, want two backoffs on the fake clock", sleeps)
	}
	if got := len(srv.Requests()); got != 3 {
		t.Errorf("%d requests, want 3", got)
	}
	var slept time.Duration
	for _, d := range sleeps {
		slept += d
	}
	if got := clk.Now().Sub(start); got != slept {
		t.Errorf("the clock moved %v, want the %v slept", got, slept)
	}

	before, _, err := m.Token(t.Context(), "u")
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	after, _, err := m.Token(t.Context(), "u")
	if err != nil {
		t.Fatal(err)
	}
	if after == before || srv.LWA.Stats().Refreshes != 1 {
		t.Errorf("an hour later: token changed %v, refreshes %d; want one refresh", after != before, srv.LWA.Stats().Refreshes)
	}
	if _, ok := srv.LWA.ValidAccessToken(string(before)); ok {
		t.Error("the fake LWA still takes the expired token")
	}
}

func TestClockSleepHonorsContext(t *testing.T) {
	t.Parallel()
	clk := alexatest.NewClock(time.Unix(0, 0))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := clk.Sleep(ctx, time.Minute); !errors.Is(err, context.Canceled) || !clk.Now().Equal(time.Unix(0, 0)) {
		t.Errorf("Sleep on a canceled context: %v, clock %v", err, clk.Now())
	}
}
