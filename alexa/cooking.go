package alexa

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// NamespaceCooking is the Alexa.Cooking interface (version "3"), which
// every cooking appliance (oven, microwave, sous-vide cooker) implements,
// beside the interfaces of the Alexa.Cooking family
// (Alexa.Cooking.TimeController, Alexa.Cooking.TemperatureController,
// Alexa.Cooking.FoodTemperatureController, Alexa.Cooking.PresetController,
// and the sensors Alexa.Cooking.TemperatureSensor and
// Alexa.Cooking.FoodTemperatureSensor).
// This package types its ErrorResponse ([CookingError],
// [CookDurationTooLong]), of payloadVersion "3", and the properties and
// capabilities of Alexa.Cooking, Alexa.Cooking.TimeController and
// Alexa.Cooking.PresetController as Amazon's published schema defines them
// ([CookingModeProperty], [CookingCapability], ...), and the directives of
// the whole family ([Router.HandleCooking],
// [Router.HandleCookingTimeController],
// [Router.HandleCookingPresetController],
// [Router.HandleCookingTemperatureController],
// [Router.HandleCookingFoodTemperatureController]), whose names and
// members are those of Amazon's Alexa Connect Kit device SDK, the
// interface pages being readable only in part.
//
// An Alexa.Cooking error answers the directives of the whole family, the
// namespaces that are Alexa.Cooking or start with "Alexa.Cooking." (a
// CookByTime of Alexa.Cooking.TimeController refused because the door is
// open), since those interfaces have no ErrorResponse of their own and
// are used only with Alexa.Cooking; it answers no other interface's
// directive (a PowerController TurnOn, say): unlike Alexa.Safety's, it is
// limited to its family.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking.html.
const NamespaceCooking Namespace = "Alexa.Cooking"

// Error types of the Alexa.Cooking ErrorResponse; build the errors with
// [CookingError], and COOK_DURATION_TOO_LONG with [CookDurationTooLong].
// The documentation's table was read in part; the types after
// COOK_DURATION_TOO_LONG are those of Amazon's published message schema.
// The generic types go in Alexa's own ErrorResponse.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-errorresponse.html.
const (
	// ErrorChildLock is the Alexa.Cooking error for an appliance whose
	// child lock is on.
	// See https://developer.amazon.com/docs/device-apis/alexa-cooking-errorresponse.html.
	ErrorChildLock ErrorType = "CHILD_LOCK"
	// ErrorCookDurationTooLong is the Alexa.Cooking error for a cook time
	// longer than the appliance allows; it requires the longest it allows
	// ([Error.MaxCookTime], sent as maxCookTime): build it with
	// [CookDurationTooLong].
	// See https://developer.amazon.com/docs/device-apis/alexa-cooking-errorresponse.html.
	ErrorCookDurationTooLong ErrorType = "COOK_DURATION_TOO_LONG"
	// ErrorDoorClosedTooLong is the Alexa.Cooking error for an appliance
	// whose door stayed closed too long since food was put in, so it
	// cannot start remotely.
	// See https://developer.amazon.com/docs/device-apis/alexa-cooking-errorresponse.html.
	ErrorDoorClosedTooLong ErrorType = "DOOR_CLOSED_TOO_LONG"
	// ErrorDoorOpen is the Alexa.Cooking error for an appliance whose door
	// is open.
	// See https://developer.amazon.com/docs/device-apis/alexa-cooking-errorresponse.html.
	ErrorDoorOpen ErrorType = "DOOR_OPEN"
	// ErrorPreheatRequired is the Alexa.Cooking error for an appliance that
	// must preheat before it cooks.
	// See https://developer.amazon.com/docs/device-apis/alexa-cooking-errorresponse.html.
	ErrorPreheatRequired ErrorType = "PREHEAT_REQUIRED"
	// ErrorProbeRequired is the Alexa.Cooking error for a cooking that
	// needs the food probe, which is not in.
	// See https://developer.amazon.com/docs/device-apis/alexa-cooking-errorresponse.html.
	ErrorProbeRequired ErrorType = "PROBE_REQUIRED"
	// ErrorRemoteStartNotSupported is the Alexa.Cooking error for an
	// appliance that cannot be started remotely.
	// See https://developer.amazon.com/docs/device-apis/alexa-cooking-errorresponse.html.
	ErrorRemoteStartNotSupported ErrorType = "REMOTE_START_NOT_SUPPORTED"
	// ErrorRemoveProbe is the Alexa.Cooking error for a cooking that
	// cannot run with the food probe in.
	// See https://developer.amazon.com/docs/device-apis/alexa-cooking-errorresponse.html.
	ErrorRemoveProbe ErrorType = "REMOVE_PROBE"
	// ErrorRemoteStartDisabled is the Alexa.Cooking error for an appliance
	// whose remote start is turned off.
	// See https://developer.amazon.com/docs/device-apis/alexa-cooking-errorresponse.html.
	ErrorRemoteStartDisabled ErrorType = "REMOTE_START_DISABLED"
)

// CookingError returns an [*Error] of the Alexa.Cooking namespace, for the
// error types declared above, e.g. CookingError(ErrorDoorOpen, "door
// open"). It answers the directives of the Alexa.Cooking family
// ([NamespaceCooking]). COOK_DURATION_TOO_LONG needs [CookDurationTooLong]
// instead. A generic type given here is sent in Alexa's ErrorResponse;
// any other type makes the Router answer INTERNAL_ERROR.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-errorresponse.html.
func CookingError(t ErrorType, message string) *Error {
	return &Error{Namespace: NamespaceCooking, Type: t, Message: message}
}

// CookDurationTooLong returns the Alexa.Cooking COOK_DURATION_TOO_LONG
// error, with max, the longest cook time the appliance accepts, sent as
// an ISO 8601 duration in whole or fractional seconds (2h30m as
// "PT2H30M"). A max that is not positive makes the Router answer
// INTERNAL_ERROR instead.
// See https://developer.amazon.com/docs/device-apis/alexa-cooking-errorresponse.html.
func CookDurationTooLong(max time.Duration, message string) *Error {
	return &Error{Namespace: NamespaceCooking, Type: ErrorCookDurationTooLong, Message: message, MaxCookTime: max}
}

// isoDuration returns d, which must be positive, as an ISO 8601 duration
// of hours, minutes and seconds ("PT26H", "PT1M30.5S").
func isoDuration(d time.Duration) string {
	var b strings.Builder
	b.WriteString("PT")
	if h := d / time.Hour; h > 0 {
		b.WriteString(strconv.FormatInt(int64(h), 10) + "H")
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 {
		b.WriteString(strconv.FormatInt(int64(m), 10) + "M")
		d -= m * time.Minute
	}
	if d > 0 {
		s := strconv.FormatInt(int64(d/time.Second), 10)
		if frac := d % time.Second; frac > 0 {
			s += strings.TrimRight("."+strconv.FormatInt(int64(frac)+int64(time.Second), 10)[1:], "0")
		}
		b.WriteString(s + "S")
	}
	return b.String()
}

// parseISODuration reads an ISO 8601 duration of days, hours, minutes and
// seconds ("P1DT2H", "PT90M", "PT1.5S"), the seconds alone fractional (to
// the nanosecond; further digits are dropped). It reports false for
// anything else (years, months and weeks, whose length varies, included),
// and for a duration beyond time.Duration.
func parseISODuration(s string) (time.Duration, bool) {
	var total time.Duration
	ok := scanISODuration(s, func(unit byte, whole, frac string) bool {
		n, err := strconv.ParseInt(whole, 10, 64)
		if err != nil {
			return false
		}
		var per time.Duration
		switch unit {
		case 'D':
			per = 24 * time.Hour
		case 'H':
			per = time.Hour
		case 'M':
			per = time.Minute
		default:
			per = time.Second
		}
		if n > int64(math.MaxInt64/per) {
			return false
		}
		add := time.Duration(n) * per
		if frac != "" {
			frac = (frac + "000000000")[:9]
			ns, _ := strconv.ParseInt(frac, 10, 64)
			if add > math.MaxInt64-time.Duration(ns) {
				return false
			}
			add += time.Duration(ns)
		}
		if total > math.MaxInt64-add {
			return false
		}
		total += add
		return true
	})
	if !ok {
		return 0, false
	}
	return total, true
}

// validISODuration reports whether s is an ISO 8601 duration of days,
// hours, minutes and seconds however long: the syntax parseISODuration
// reads, and the pattern of requestedCookTime and maxCookTime in our
// schemas (a test holds it to requestedCookTime's), without a regular
// expression, which would link package regexp into every skill.
func validISODuration(s string) bool {
	return scanISODuration(s, func(byte, string, string) bool { return true })
}

// scanISODuration scans s as "P", then days ("nD"), then "T" and hours,
// minutes and seconds ("nH", "nM", "n.nS"; the seconds alone fractional),
// each part optional but in this order, with at least one part, and a "T"
// only before a part. It calls each with every part's unit, its whole
// digits and its fraction's digits ("" for none), and reports false if s
// does not scan or each reports false.
func scanISODuration(s string, each func(unit byte, whole, frac string) bool) bool {
	rest, ok := strings.CutPrefix(s, "P")
	if !ok || rest == "" {
		return false
	}
	inTime, seen := false, false
	units := "D"
	for rest != "" {
		if rest[0] == 'T' {
			if inTime || len(rest) == 1 {
				return false
			}
			inTime, units, rest = true, "HMS", rest[1:]
			continue
		}
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		whole := rest[:i]
		frac := ""
		if i < len(rest) && rest[i] == '.' {
			j := i + 1
			for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
				j++
			}
			frac, i = rest[i+1:j], j
			if frac == "" {
				return false
			}
		}
		if whole == "" || i == len(rest) {
			return false
		}
		unit := rest[i]
		k := strings.IndexByte(units, unit)
		if k < 0 || frac != "" && unit != 'S' || !each(unit, whole, frac) {
			return false
		}
		units, rest, seen = units[k+1:], rest[i+1:], true
	}
	return seen
}
