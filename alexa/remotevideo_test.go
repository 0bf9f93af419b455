package alexa_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/google/go-cmp/cmp"
)

// ctlVideoApp plays what it finds in its small catalog, by gracenote id or
// title.
type ctlVideoApp struct {
	mu      sync.Mutex
	playing string
	last    alexa.VideoSearchPayload
	calls   *ctlCounter
}

func (a *ctlVideoApp) SearchAndPlay(_ context.Context, d *alexa.Directive, p alexa.VideoSearchPayload) (*alexa.EventMessage, error) {
	a.calls.inc()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.last = p
	for _, e := range p.Entities {
		if e.Type == alexa.EntityVideo && (e.ExternalIDs["gracenote"] == "MV000000123456" || e.Value == "The Lighthouse Keeper") {
			a.playing = e.Value
			return d.Response(), nil
		}
	}
	return nil, alexa.NotSupportedInCurrentMode(alexa.DeviceModeOther, "nothing to play")
}

func (a *ctlVideoApp) SearchAndDisplayResults(_ context.Context, d *alexa.Directive, p alexa.VideoSearchPayload) (*alexa.EventMessage, error) {
	a.calls.inc()
	a.mu.Lock()
	a.last = p
	a.mu.Unlock()
	return d.Response(), nil
}

func TestHandleRemoteVideoPlayer(t *testing.T) {
	t.Parallel()
	setup := func() (*alexa.Router, *ctlCounter) {
		n := &ctlCounter{}
		r := ctlRouter()
		r.HandleRemoteVideoPlayer(&ctlVideoApp{calls: n})
		return r, n
	}
	dir := func(name alexa.Name, payload string) []byte {
		return ctlDirective(alexa.NamespaceRemoteVideoPlayer, name, "", payload)
	}
	ctlRun(t, setup, []ctlCase{
		{name: "play by id", in: dir(alexa.NameSearchAndPlay, `{"entities":[{"type":"Video","value":"Lighthouse","externalIds":{"gracenote":"MV000000123456"}}]}`), want: ctlResponse(), calls: 1},
		{name: "play with metadata and a window", in: dir(alexa.NameSearchAndPlay, `{"entities":[{"type":"Video","value":"The Lighthouse Keeper","entityMetadata":{"releaseYear":2026}}],
			"timeWindow":{"start":"2026-06-01T00:00:00+00:00","end":"2026-06-07T23:59:00+00:00"}}`), want: ctlResponse(), calls: 1},
		{name: "nothing found", in: dir(alexa.NameSearchAndPlay, `{"entities":[{"type":"Genre","value":"Comedy"}]}`), wantErr: alexa.NotSupportedInCurrentMode(alexa.DeviceModeOther, ""), calls: 1},
		{name: "display", in: dir(alexa.NameSearchAndDisplayResults, `{"entities":[{"type":"Actor","value":"Jane Doe"}],"searchText":{"transcribed":"jane doe"}}`), want: ctlResponse(), calls: 1},
		{name: "display without entities", in: dir(alexa.NameSearchAndDisplayResults, `{}`), want: ctlResponse(), calls: 1},
		{name: "an unknown entity type", in: dir(alexa.NameSearchAndDisplayResults, `{"entities":[{"type":"Studio","value":"Acme"}]}`), want: ctlResponse(), calls: 1},
		{name: "entity without value", in: dir(alexa.NameSearchAndPlay, `{"entities":[{"type":"Video"}]}`), wantErr: ctlInvalidValue},
		{name: "entity without type", in: dir(alexa.NameSearchAndPlay, `{"entities":[{"value":"x"}]}`), wantErr: ctlInvalidValue},
		{name: "reversed window", in: dir(alexa.NameSearchAndPlay, `{"timeWindow":{"start":"2026-06-07T00:00:00Z","end":"2026-06-01T00:00:00Z"}}`), wantErr: ctlInvalidValue},
		{name: "window without end", in: dir(alexa.NameSearchAndPlay, `{"timeWindow":{"start":"2026-06-07T00:00:00Z"}}`), wantErr: ctlInvalidDirective},
		{name: "window not a time", in: dir(alexa.NameSearchAndPlay, `{"timeWindow":{"start":"June","end":"July"}}`), wantErr: ctlInvalidDirective},
		{name: "numeric external id", in: dir(alexa.NameSearchAndPlay, `{"entities":[{"type":"Video","value":"x","externalIds":{"gracenote":1}}]}`), wantErr: ctlInvalidDirective},
		{name: "not an object", in: dir(alexa.NameSearchAndPlay, `[]`), wantErr: ctlInvalidDirective},
	})
}

// TestVideoSearchPayloadDecoded checks what the handler gets: the
// entities and the window, times in UTC.
func TestVideoSearchPayloadDecoded(t *testing.T) {
	t.Parallel()
	app := &ctlVideoApp{calls: &ctlCounter{}}
	r := ctlRouter()
	r.HandleRemoteVideoPlayer(app)
	start := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	want := alexa.VideoSearchPayload{
		Entities: []alexa.VideoEntity{
			{Type: alexa.EntityVideo, Value: "The Lighthouse Keeper", ExternalIDs: map[string]string{"gracenote": "MV000000123456"}},
			{Type: alexa.EntityMediaType, Value: alexa.MediaTypeMovie},
		},
		TimeWindow: &alexa.TimeWindow{Start: alexa.NewTime(start), End: alexa.NewTime(start.Add(7 * 24 * time.Hour))},
	}
	ctlInvoke(t, r, alexatest.To("tv-living", "t").SearchAndPlay(want))
	app.mu.Lock()
	got := app.last
	app.mu.Unlock()
	if d := cmp.Diff(want, got, cmp.Comparer(func(a, b alexa.Time) bool { return a.Equal(b) })); d != "" {
		t.Errorf("payload (-want +got):\n%s", d)
	}
	ctlInvoke(t, r, alexatest.To("tv-living", "t").SearchAndDisplayResults(alexa.VideoSearchPayload{Entities: want.Entities[:1]}))
}

func TestRemoteVideoPlayerCapability(t *testing.T) {
	t.Parallel()
	c := alexa.RemoteVideoPlayerCapability()
	want := `{"type":"AlexaInterface","interface":"Alexa.RemoteVideoPlayer","version":"3"}`
	if d := ctlJSONDiff(t, []byte(want), ctlCapabilityJSON(t, c)); d != "" {
		t.Errorf("capability (-want +got):\n%s", d)
	}
	ep := alexa.DiscoveryEndpoint{
		EndpointID: "tv-living", ManufacturerName: "Acme TV", Description: "Acme smart TV", FriendlyName: "Living room TV",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayTV},
		Capabilities:      []alexa.Capability{alexa.AlexaCapability(), c},
	}
	reports, err := fixedBuilder().AddOrUpdateReports([]alexa.DiscoveryEndpoint{ep})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range reports {
		conformMessage(t, m)
	}
}
