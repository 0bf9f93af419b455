package alexa_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
)

// dvr is a set-top box whose tuners are both busy recording.
type dvr struct{}

func (dvr) StartRecording(context.Context, *alexa.Directive) (*alexa.EventMessage, error) {
	return nil, alexa.VideoError(alexa.ErrorTunerOccupied, "both tuners record until 21:00")
}

func (dvr) StopRecording(_ context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return d.Response(), nil
}

// A recording the box cannot start is answered in the Alexa.Video
// ErrorResponse, which Alexa tells the customer about.
func ExampleVideoError() {
	r := alexa.NewRouter()
	r.HandleRecordController(dvr{})
	reply, _ := r.Invoke(context.Background(), alexatest.To("dvr-1", "token").StartRecording())
	m, _ := alexa.ParseEvent(reply)
	e, _ := alexa.ErrorFromEvent(m)
	fmt.Println(m.Event.Header.Namespace, m.Event.Header.Name, e.Type)
	// Output:
	// Alexa.Video ErrorResponse TUNER_OCCUPIED
}

// A video app that searches its own catalog and IMDb declares version 3.1
// of Alexa.RemoteVideoPlayer; the zero configuration declares version 3.
func ExampleRemoteVideoPlayerCapability() {
	c, err := alexa.RemoteVideoPlayerCapability(alexa.RemoteVideoPlayerConfiguration{
		Catalogs: []alexa.VideoCatalog{
			{Type: alexa.VideoIngestionCatalog, SourceID: "acme-tv"},
			{Type: alexa.VideoPublicCatalog, SourceID: "imdb"},
		},
		Operations: []alexa.Name{alexa.NameSearchAndPlay},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := json.Marshal(c)
	fmt.Println(string(b))
	// Output:
	// {"type":"AlexaInterface","interface":"Alexa.RemoteVideoPlayer","version":"3.1","configurations":{"catalogs":[{"type":"VIDEO_INGESTION_IDENTIFIER","sourceId":"acme-tv"},{"type":"VIDEO_PUBLIC_CATALOG_IDENTIFIER","sourceId":"imdb"}],"operations":["SearchAndPlay"]}}
}

// An electricity meter reporting hourly declares Alexa.DeviceUsage.Meter
// and sends its measurements in MeasurementsReport events (through the
// events client's MeasurementsReport, which adds the customer's token).
func ExampleDeviceUsageMeterCapability() {
	c, err := alexa.DeviceUsageMeterCapability(alexa.MeterConfiguration{
		Electricity: &alexa.EnergySource{Unit: alexa.EnergyMilliwattHour, MeasuringMethod: alexa.MeasuringMeasured, DefaultResolution: time.Hour},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := json.Marshal(c)
	fmt.Println(string(b))

	end := time.Date(2026, 7, 5, 10, 0, 0, 0, time.UTC)
	builder := alexa.Builder{Now: func() time.Time { return end }}
	m, err := builder.MeasurementsReport("meter-1", alexa.MeasurementsPayload{ElectricityIntervals: []alexa.MeterInterval{
		{Usage: 113200, Start: alexa.NewTime(end.Add(-2 * time.Hour)), End: alexa.NewTime(end.Add(-time.Hour))},
		{Usage: 98400, Start: alexa.NewTime(end.Add(-time.Hour)), End: alexa.NewTime(end)},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Event.Header.Name, m.Event.Header.PayloadVersion, string(m.Event.Payload))

	// An interval that ends in the future is refused before it is sent.
	_, err = builder.MeasurementsReport("meter-1", alexa.MeasurementsPayload{ElectricityIntervals: []alexa.MeterInterval{
		{Usage: 1, Start: alexa.NewTime(end), End: alexa.NewTime(end.Add(time.Hour))},
	}})
	fmt.Println(err)
	// Output:
	// {"type":"AlexaInterface","interface":"Alexa.DeviceUsage.Meter","version":"1.0","configurations":{"energySources":{"electricity":{"unit":"MILLIWATT_HOUR","measuringMethod":"MEASURED","defaultResolution":3600}}}}
	// MeasurementsReport 1.0 {"electricityIntervals":[{"usage":113200,"start":"2026-07-05T08:00:00Z","end":"2026-07-05T09:00:00Z"},{"usage":98400,"start":"2026-07-05T09:00:00Z","end":"2026-07-05T10:00:00Z"}]}
	// alexa: invalid property value: MeasurementsReport: the interval ending 2026-07-05T11:00:00Z is in the future
}
