package events_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/events"
)

// meter returns a discovered electricity meter (hourly measurements).
func meter(t *testing.T, id string) alexa.DiscoveryEndpoint {
	t.Helper()
	c, err := alexa.DeviceUsageMeterCapability(alexa.MeterConfiguration{
		Electricity: &alexa.EnergySource{Unit: alexa.EnergyMilliwattHour, MeasuringMethod: alexa.MeasuringMeasured, DefaultResolution: time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	return alexa.DiscoveryEndpoint{
		EndpointID: id, ManufacturerName: "Acme", Description: "Acme electricity meter", FriendlyName: "House meter",
		DisplayCategories: []alexa.DisplayCategory{alexa.DisplayOther},
		Capabilities:      []alexa.Capability{alexa.AlexaCapability(), c, alexa.EndpointHealthCapability(alexa.Reported())},
	}
}

// hours returns n consecutive hourly intervals ending at end, using
// 100 mWh, 200 mWh, ...
func hours(end time.Time, n int) []alexa.MeterInterval {
	out := make([]alexa.MeterInterval, n)
	for i := range out {
		start := end.Add(time.Duration(i-n) * time.Hour)
		out[i] = alexa.MeterInterval{Usage: float64(100 * (i + 1)), Start: alexa.NewTime(start), End: alexa.NewTime(start.Add(time.Hour))}
	}
	return out
}

// TestMeasurementsReport: a meter's MeasurementsReport reaches the
// gateway as a proactive event of payloadVersion 1.0 with its intervals;
// the gateway refuses the energy sources the meter did not declare and
// the endpoints that are not meters, and the client refuses, before
// sending, what Alexa would refuse with an InvalidMeasurementError.
func TestMeasurementsReport(t *testing.T) {
	e := newClockedEnv(t, map[string]alexa.Region{"alice": alexa.RegionNA})
	if err := e.client.AddOrUpdate(t.Context(), "alice", meter(t, "meter-1")); err != nil {
		t.Fatalf("%v; %v", err, e.srv.Rejected())
	}
	end := e.clock.Now().Truncate(time.Hour)
	report := alexa.MeasurementsPayload{ElectricityIntervals: hours(end, 3)}
	if err := e.client.MeasurementsReport(t.Context(), "alice", "meter-1", report); err != nil {
		t.Fatalf("%v; %v", err, e.srv.Rejected())
	}
	var sent []*alexa.EventMessage
	for _, r := range e.srv.Events("alice") {
		if r.Message != nil && r.Message.Event.Header.Name == alexa.NameMeasurementsReport {
			sent = append(sent, r.Message)
		}
	}
	if len(sent) != 1 || sent[0].Event.Header.PayloadVersion != "1.0" || sent[0].Event.Header.CorrelationToken != "" {
		t.Fatalf("sent %v", sent)
	}
	var p alexa.MeasurementsPayload
	if err := sent[0].DecodePayload(&p); err != nil || len(p.ElectricityIntervals) != 3 || p.ElectricityIntervals[2].Usage != 300 || !p.ElectricityIntervals[2].End.Time.Equal(end) {
		t.Errorf("payload %+v %v", p, err)
	}

	// The gateway's rules.
	gas := alexa.MeasurementsPayload{NaturalGasIntervals: hours(end, 1)}
	// A builder whose clock is ahead of the gateway's lets through an
	// interval of the gateway's future.
	future := alexa.Builder{Now: func() time.Time { return end.Add(48 * time.Hour) }}
	ahead, err := future.MeasurementsReport("meter-1", alexa.MeasurementsPayload{ElectricityIntervals: hours(end.Add(24*time.Hour), 1)})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		send func() error
		says string
	}{
		{"an undeclared source", func() error { return e.client.MeasurementsReport(t.Context(), "alice", "meter-1", gas) }, `does not declare the energy source "naturalGas"`},
		{"not a meter", func() error { return e.client.MeasurementsReport(t.Context(), "alice", "lamp-1", report) }, "does not declare Alexa.DeviceUsage.Meter"},
		{"in the gateway's future", func() error { return e.client.Send(t.Context(), "alice", ahead) }, "in the future"},
	} {
		if err := c.send(); !errors.Is(err, events.ErrInvalidRequest) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want a 400 saying %q", c.name, err, c.says)
		}
	}

	// The client's rules: nothing reaches the gateway.
	n := len(e.srv.Received())
	negative := hours(end, 2)
	negative[1].Usage = -5
	backwards := hours(end, 1)
	backwards[0].Start, backwards[0].End = backwards[0].End, backwards[0].Start
	overlap := hours(end, 2)
	overlap[1].Start = alexa.NewTime(overlap[0].Start.Add(30 * time.Minute))
	for _, c := range []struct {
		name string
		m    alexa.MeasurementsPayload
		says string
	}{
		{"no interval", alexa.MeasurementsPayload{}, "at least one interval"},
		{"a negative usage", alexa.MeasurementsPayload{ElectricityIntervals: negative}, "electricityIntervals[1]: usage -5"},
		{"an interval ending before it starts", alexa.MeasurementsPayload{ElectricityIntervals: backwards}, "electricityIntervals[0] needs a start and an end after it"},
		{"overlapping intervals", alexa.MeasurementsPayload{ElectricityIntervals: overlap}, "overlaps"},
		{"the future", alexa.MeasurementsPayload{ElectricityIntervals: hours(end.Add(2*time.Hour), 1)}, "in the future"},
	} {
		err := e.client.MeasurementsReport(t.Context(), "alice", "meter-1", c.m)
		if !errors.Is(err, events.ErrInvalidEvent) || !errors.Is(err, alexa.ErrInvalidValue) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want ErrInvalidEvent saying %q", c.name, err, c.says)
		}
	}
	if len(e.srv.Received()) != n {
		t.Error("an invalid MeasurementsReport reached the gateway")
	}
}
