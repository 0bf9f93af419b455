package alexa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/go-alexa/smarthome/internal/errfmt"
)

// NamespaceDeviceUsageMeter is the Alexa.DeviceUsage.Meter interface
// (version "1.0"), for devices that measure the energy used, such as
// electricity and natural gas meters: the skill reports the use, interval
// by interval, in proactive MeasurementsReport events ([Builder.MeasurementsReport]),
// which the interface requires, and Alexa shows it on its energy
// dashboard. It has no properties and no utterances. Alexa may ask for
// measurements (ReportMeasurements), ask the skill to report less often
// (ReduceResolution) or tell it that measurements it sent were invalid
// (InvalidMeasurementError): see [DeviceUsageMeter].
//
// Amazon's page could be read only in part: it gives the interface's
// version, the default resolution (in seconds; Amazon recommends between
// 3,600 and 86,400: more frequent data is not all recorded, less frequent
// data is of little use to the customer) and the interval's usage (a
// number, required) and start. The rest comes from two public
// implementations, each for different facts: the directive, event, member
// and error code names from Amazon's Alexa Connect Kit device SDK, and
// the JSON forms (ISO 8601 times and durations, error codes as strings,
// the discovery configuration "configurations": {"energySources":
// {"electricity" and "naturalGas", each {"unit", "measuringMethod",
// "defaultResolution"}}}, payloadVersion "1.0", each directive answered
// with an Alexa.Response) from another implementation's examples.
// See https://developer.amazon.com/docs/device-apis/alexa-deviceusage-meter.html.
const NamespaceDeviceUsageMeter Namespace = "Alexa.DeviceUsage.Meter"

// Alexa.DeviceUsage.Meter directives and event.
const (
	// NameReportMeasurements asks the skill to report its measurements.
	NameReportMeasurements Name = "ReportMeasurements"
	// NameReduceResolution asks the skill to report less often.
	NameReduceResolution Name = "ReduceResolution"
	// NameInvalidMeasurementError tells the skill that measurements it
	// reported were refused.
	NameInvalidMeasurementError Name = "InvalidMeasurementError"
	// NameMeasurementsReport is the proactive event that reports the
	// energy used.
	NameMeasurementsReport Name = "MeasurementsReport"
)

// meterPayloadVersion is the payloadVersion of the interface's directives
// and event.
const meterPayloadVersion = "1.0"

// EnergyUnit is the unit a meter measures an energy source in. Alexa may
// know units beyond the constants below; any other of capital letters,
// digits and underscores is sent as it is.
type EnergyUnit string

// Energy units of the public implementation the configuration's shape
// comes from.
const (
	EnergyMilliwattHour EnergyUnit = "MILLIWATT_HOUR"
	EnergyBTU           EnergyUnit = "BTU"
	EnergyCubicFoot     EnergyUnit = "CUBIC_FOOT"
)

// MeasuringMethod says how a meter obtains its measurements.
type MeasuringMethod string

// Measuring methods of the public implementation the configuration's
// shape comes from.
const (
	MeasuringMeasured  MeasuringMethod = "MEASURED"
	MeasuringEstimated MeasuringMethod = "ESTIMATED"
)

// EnergySource is the configuration of one energy source a meter
// measures.
type EnergySource struct {
	Unit            EnergyUnit
	MeasuringMethod MeasuringMethod
	// DefaultResolution is how often the skill reports measurements, in
	// whole seconds. Amazon recommends between an hour and a day: Alexa
	// does not record all of more frequent data, and less frequent data
	// does not appear to the customer.
	DefaultResolution time.Duration
}

// MeterConfiguration is the discovery configuration of
// Alexa.DeviceUsage.Meter: the energy sources the meter measures, at least
// one.
type MeterConfiguration struct {
	Electricity *EnergySource
	NaturalGas  *EnergySource
}

// energySourceJSON is an energy source as the configuration writes it.
type energySourceJSON struct {
	Unit              EnergyUnit      `json:"unit"`
	MeasuringMethod   MeasuringMethod `json:"measuringMethod"`
	DefaultResolution int64           `json:"defaultResolution"`
}

// DeviceUsageMeterCapability returns the Alexa.DeviceUsage.Meter
// capability (version "1.0") with cfg as its configurations (a member in
// the plural, kept in [Capability.Unknown]). It fails, wrapping
// [ErrInvalid], if cfg has no energy source, or one whose unit or
// measuring method is not capital letters, digits and underscores, or
// whose default resolution is not a positive whole number of seconds.
// See https://developer.amazon.com/docs/device-apis/alexa-deviceusage-meter.html.
func DeviceUsageMeterCapability(cfg MeterConfiguration) (Capability, error) {
	fail := func(format string, args ...any) (Capability, error) {
		return Capability{}, capabilityError(NamespaceDeviceUsageMeter, "", fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...))
	}
	if cfg.Electricity == nil && cfg.NaturalGas == nil {
		return fail("measures no energy source")
	}
	sources := map[string]energySourceJSON{}
	for _, src := range []struct {
		name string
		s    *EnergySource
	}{{"electricity", cfg.Electricity}, {"naturalGas", cfg.NaturalGas}} {
		name, s := src.name, src.s
		if s == nil {
			continue
		}
		r := s.DefaultResolution
		if !enumName(string(s.Unit)) || !enumName(string(s.MeasuringMethod)) {
			return fail("%s needs a unit and a measuring method of capital letters, digits and underscores", name)
		}
		if r < time.Second || r%time.Second != 0 {
			return fail("%s: the default resolution %v is not a positive whole number of seconds", name, r)
		}
		sources[name] = energySourceJSON{s.Unit, s.MeasuringMethod, int64(r / time.Second)}
	}
	c := Capability{Type: CapabilityTypeAlexaInterface, Interface: NamespaceDeviceUsageMeter, Version: "1.0"}
	c.Unknown = Unknown{"configurations": mustJSON(map[string]any{"energySources": sources})}
	return c, nil
}

// MeterInterval is the energy used over one interval of time, in the unit
// of its source's configuration.
type MeterInterval struct {
	Usage float64 `json:"usage"`
	Start Time    `json:"start"`
	End   Time    `json:"end"`
}

// MeasurementsPayload is the payload of a MeasurementsReport: the
// intervals of each energy source, at least one interval in all.
type MeasurementsPayload struct {
	ElectricityIntervals []MeterInterval `json:"electricityIntervals,omitempty"`
	NaturalGasIntervals  []MeterInterval `json:"naturalGasIntervals,omitempty"`
}

// Validate reports, wrapping [ErrInvalidValue], what the SDK refuses to
// send, matched to the error codes of Amazon's Alexa Connect Kit where one
// applies: a payload without intervals, an interval whose usage is
// negative (NEGATIVE_VALUE) or not finite, that lacks a start or an end
// or does not end after it starts (INVALID_INTERVAL_START_END), or that
// overlaps another of its source (INTERVAL_OVERLAP). Times are compared
// as they are sent, to the millisecond.
func (p MeasurementsPayload) Validate() error {
	if len(p.ElectricityIntervals) == 0 && len(p.NaturalGasIntervals) == 0 {
		return fmt.Errorf("%w: MeasurementsReport needs at least one interval", ErrInvalidValue)
	}
	var errs []error
	for _, src := range []struct {
		name      string
		intervals []MeterInterval
	}{{"electricityIntervals", p.ElectricityIntervals}, {"naturalGasIntervals", p.NaturalGasIntervals}} {
		for i, iv := range src.intervals {
			switch {
			case math.IsNaN(iv.Usage) || math.IsInf(iv.Usage, 0) || iv.Usage < 0:
				errs = append(errs, fmt.Errorf("%s[%d]: usage %v is negative or not finite", src.name, i, iv.Usage))
			case iv.Start.IsZero() || iv.End.IsZero() || !sentTime(iv.End).After(sentTime(iv.Start)):
				errs = append(errs, fmt.Errorf("%s[%d] needs a start and an end after it", src.name, i))
			}
		}
		sorted := slices.SortedFunc(slices.Values(src.intervals), func(a, b MeterInterval) int { return a.Start.Compare(b.Start.Time) })
		for i := 1; i < len(sorted); i++ {
			if sentTime(sorted[i].Start).Before(sentTime(sorted[i-1].End)) {
				errs = append(errs, fmt.Errorf("%s: the interval starting %s overlaps the one starting %s", src.name, sorted[i].Start.Format(time.RFC3339), sorted[i-1].Start.Format(time.RFC3339)))
				break
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: MeasurementsReport: %w", ErrInvalidValue, err)
	}
	return nil
}

// sentTime is t as it is sent: to the millisecond.
func sentTime(t Time) time.Time { return t.Truncate(time.Millisecond) }

// enumName reports whether s is a non-empty name of capital letters,
// digits and underscores, starting with a letter.
func enumName(s string) bool {
	for i, c := range s {
		if !(c >= 'A' && c <= 'Z' || i > 0 && (c >= '0' && c <= '9' || c == '_')) {
			return false
		}
	}
	return s != ""
}

// MeasurementsReport returns endpointID's proactive MeasurementsReport
// event (payloadVersion "1.0") reporting m. It fails if endpointID is not
// a valid endpoint id or m is not valid ([MeasurementsPayload.Validate]),
// or if an interval ends after the Builder's current time (Alexa refuses
// measurements of the future with IN_FUTURE). The events client adds the
// scope.
// See https://developer.amazon.com/docs/device-apis/alexa-deviceusage-meter.html.
func (b Builder) MeasurementsReport(endpointID string, m MeasurementsPayload) (*EventMessage, error) {
	if err := checkEndpointID("endpointId", endpointID); err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	now := b.now()
	for _, iv := range slices.Concat(m.ElectricityIntervals, m.NaturalGasIntervals) {
		if sentTime(iv.End).After(now) {
			return nil, fmt.Errorf("%w: MeasurementsReport: the interval ending %s is in the future", ErrInvalidValue, iv.End.Format(time.RFC3339))
		}
	}
	payload, err := json.Marshal(m)
	if err != nil {
		return nil, errfmt.Errorf("alexa: %s: %w", NameMeasurementsReport, err)
	}
	return &EventMessage{Event: Event{
		Header:   Header{Namespace: NamespaceDeviceUsageMeter, Name: NameMeasurementsReport, MessageID: b.id(), PayloadVersion: meterPayloadVersion},
		Endpoint: &Endpoint{EndpointID: endpointID},
		Payload:  payload,
	}}, nil
}

// ReduceResolutionPayload is the payload of ReduceResolution: Alexa asks
// the skill to report less often for Duration.
type ReduceResolutionPayload struct {
	// Limit is the limit Alexa sets, as it sends it: Amazon's Alexa
	// Connect Kit passes it on as a count; the part of the documentation
	// that would give its unit could not be read (a public
	// implementation's example reads it as a resolution in seconds).
	Limit int64 `json:"limit"`
	// Duration is how long the limit holds.
	Duration ISODuration `json:"duration"`
}

// UnmarshalJSON decodes the payload; limit and duration are required, and
// limit is a whole number (7200 or 7200.0, as JSON allows).
func (p *ReduceResolutionPayload) UnmarshalJSON(b []byte) error {
	if err := requireMembers(b, "payload", "limit", "duration"); err != nil {
		return err
	}
	type plain ReduceResolutionPayload
	var v struct {
		*plain
		Limit json.RawMessage `json:"limit"` // shadows plain's
	}
	v.plain = (*plain)(p)
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	var num json.Number
	if len(v.Limit) == 0 || v.Limit[0] == '"' || json.Unmarshal(v.Limit, &num) != nil {
		return fmt.Errorf("payload: limit %s is not a number", v.Limit)
	}
	n, err := num.Int64()
	if err != nil {
		f, ferr := num.Float64()
		if ferr != nil || f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
			return fmt.Errorf("payload: limit %s is not a whole number", num)
		}
		n = int64(f)
	}
	p.Limit = n
	return nil
}

// Validate returns an INVALID_VALUE [*Error] unless the limit and the
// duration are positive.
func (p ReduceResolutionPayload) Validate() error {
	if p.Limit <= 0 || p.Duration <= 0 {
		return invalidValue("ReduceResolution needs a positive limit and duration")
	}
	return nil
}

// MeasurementErrorCode is why Alexa refused measurements. Alexa may send
// codes beyond the constants below; they reach the handler as they come.
type MeasurementErrorCode string

// Measurement error codes, as Amazon's Alexa Connect Kit names them.
const (
	// MeasurementInFuture: an interval ends in the future.
	MeasurementInFuture MeasurementErrorCode = "IN_FUTURE"
	// MeasurementNegativeValue: a usage is negative.
	MeasurementNegativeValue MeasurementErrorCode = "NEGATIVE_VALUE"
	// MeasurementInvalidMeterReset: the meter's readings went back
	// without a valid reset.
	MeasurementInvalidMeterReset MeasurementErrorCode = "INVALID_METER_RESET"
	// MeasurementIntervalOverlap: intervals overlap.
	MeasurementIntervalOverlap MeasurementErrorCode = "INTERVAL_OVERLAP"
	// MeasurementInvalidIntervalStartEnd: an interval does not end after
	// it starts.
	MeasurementInvalidIntervalStartEnd MeasurementErrorCode = "INVALID_INTERVAL_START_END"
)

// MeasurementError is a refusal of one energy source's measurements.
type MeasurementError struct {
	ErrorCode   MeasurementErrorCode `json:"errorCode"`
	TimeOfError Time                 `json:"timeOfError"`
}

// InvalidMeasurementErrorPayload is the payload of
// InvalidMeasurementError: the refusal of the electricity measurements,
// of the natural gas ones, or both.
type InvalidMeasurementErrorPayload struct {
	Electricity *MeasurementError `json:"electricity,omitempty"`
	NaturalGas  *MeasurementError `json:"naturalGas,omitempty"`
}

// Validate returns an INVALID_VALUE [*Error] unless the payload names a
// source, each with an error code and a time.
func (p InvalidMeasurementErrorPayload) Validate() error {
	if p.Electricity == nil && p.NaturalGas == nil {
		return invalidValue("InvalidMeasurementError names no energy source")
	}
	for _, e := range []*MeasurementError{p.Electricity, p.NaturalGas} {
		if e != nil && (e.ErrorCode == "" || e.TimeOfError.IsZero()) {
			return invalidValue("InvalidMeasurementError needs an errorCode and a timeOfError")
		}
	}
	return nil
}

// DeviceUsageMeter is implemented by skills whose endpoints meter energy.
// ReportMeasurements is asked for the measurements: answer with
// [Directive.Response] and send them in a MeasurementsReport through the
// events client. ReduceResolution asks the skill to report less often;
// InvalidMeasurementError says which measurements Alexa refused and why
// (correct them and report them again). Each answers with
// [Directive.Response], or returns an error (an [*Error] for Alexa).
// See https://developer.amazon.com/docs/device-apis/alexa-deviceusage-meter.html.
type DeviceUsageMeter interface {
	ReportMeasurements(ctx context.Context, d *Directive) (*EventMessage, error)
	ReduceResolution(ctx context.Context, d *Directive, p ReduceResolutionPayload) (*EventMessage, error)
	InvalidMeasurementError(ctx context.Context, d *Directive, p InvalidMeasurementErrorPayload) (*EventMessage, error)
}

// HandleDeviceUsageMeter routes Alexa.DeviceUsage.Meter ReportMeasurements,
// ReduceResolution and InvalidMeasurementError to m. A payload that does
// not decode (ReduceResolution without its limit or duration, say) is
// answered with INVALID_DIRECTIVE, one that is not valid with
// INVALID_VALUE. It panics if m is nil.
func (r *Router) HandleDeviceUsageMeter(m DeviceUsageMeter) {
	if isNilHandler(m) {
		panic("alexa: nil DeviceUsageMeter")
	}
	r.HandleFunc(NamespaceDeviceUsageMeter, NameReportMeasurements, m.ReportMeasurements)
	r.Handle(NamespaceDeviceUsageMeter, NameReduceResolution, HandlePayload(m.ReduceResolution))
	r.Handle(NamespaceDeviceUsageMeter, NameInvalidMeasurementError, HandlePayload(m.InvalidMeasurementError))
}
