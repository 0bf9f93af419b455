package schemas

import (
	"encoding/json"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth is the deepest nesting of arrays and objects decodeJSON accepts, the
// limit encoding/json applies too.
const maxDepth = 10000

// syntaxError describes why input is not a single JSON value.
type syntaxError struct {
	msg    string
	offset int
	limit  bool // valid JSON beyond the decoder's limits
}

func (e *syntaxError) Error() string {
	return e.msg + " at offset " + strconv.Itoa(e.offset)
}

// decodeJSON parses data as exactly one JSON value surrounded by optional
// whitespace. It yields the same values as jsonschema.UnmarshalJSON (an
// encoding/json Decoder with UseNumber): map[string]any, []any, string,
// json.Number, bool and nil; later duplicate object members win, and invalid
// UTF-8 in strings becomes U+FFFD. Unlike encoding/json, it rejects numbers
// beyond maxNumberDigits and maxNumberMagnitude: exact arithmetic on them, as
// jsonschema does, would be slow or fail. It is a hand-written parser because
// decoding dominates the cost of validating small messages: it allocates each
// object once at its final size and shares the strings of common member names
// and values instead of allocating them again.
func decodeJSON(data []byte) (any, error) {
	d := &decoder{data: data}
	d.members = d.memberBuf[:0]
	d.elems = d.elemBuf[:0]
	d.skipSpace()
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.pos != len(d.data) {
		return nil, d.errorf("invalid character " + quoteByte(d.data[d.pos]) + " after top-level value")
	}
	return v, nil
}

type member struct {
	key string
	val any
}

type decoder struct {
	data  []byte
	pos   int
	depth int
	// members and elems are stacks shared by all nesting levels: a container
	// collects its children at the top of the stack and copies them into a
	// value of the right size when it ends.
	members []member
	elems   []any
	scratch []byte
	// Initial storage of the stacks, allocated with the decoder.
	memberBuf [32]member
	elemBuf   [16]any
}

func (d *decoder) errorf(msg string) error {
	return &syntaxError{msg: msg, offset: d.pos}
}

func quoteByte(c byte) string {
	return strconv.QuoteRune(rune(c))
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) value() (any, error) {
	if d.pos >= len(d.data) {
		return nil, d.errorf("unexpected end of JSON input")
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object()
	case c == '[':
		return d.array()
	case c == '"':
		return d.strValue()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	case c == '-' || ('0' <= c && c <= '9'):
		return d.number()
	default:
		return nil, d.errorf("invalid character " + quoteByte(c) + " looking for beginning of value")
	}
}

func (d *decoder) literal(lit string) error {
	if len(d.data)-d.pos < len(lit) || string(d.data[d.pos:d.pos+len(lit)]) != lit {
		return d.errorf("invalid literal, want " + lit)
	}
	d.pos += len(lit)
	return nil
}

func (d *decoder) object() (any, error) {
	if d.depth++; d.depth > maxDepth {
		return nil, &syntaxError{msg: "exceeded max depth", offset: d.pos, limit: true}
	}
	d.pos++ // '{'
	base := len(d.members)
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		d.depth--
		return map[string]any{}, nil
	}
	for {
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, d.errorf("expected string for object member name")
		}
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, d.errorf("expected ':' after object member name")
		}
		d.pos++
		d.skipSpace()
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		d.members = append(d.members, member{k, v})
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.errorf("unexpected end of JSON input")
		}
		if c := d.data[d.pos]; c == ',' {
			d.pos++
			d.skipSpace()
			continue
		} else if c != '}' {
			return nil, d.errorf("invalid character " + quoteByte(c) + " after object member")
		}
		d.pos++
		break
	}
	ms := d.members[base:]
	m := make(map[string]any, len(ms))
	for _, kv := range ms {
		m[kv.key] = kv.val
	}
	clear(ms)
	d.members = d.members[:base]
	d.depth--
	return m, nil
}

func (d *decoder) array() (any, error) {
	if d.depth++; d.depth > maxDepth {
		return nil, &syntaxError{msg: "exceeded max depth", offset: d.pos, limit: true}
	}
	d.pos++ // '['
	base := len(d.elems)
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		d.depth--
		return []any{}, nil
	}
	for {
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		d.elems = append(d.elems, v)
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.errorf("unexpected end of JSON input")
		}
		if c := d.data[d.pos]; c == ',' {
			d.pos++
			d.skipSpace()
			continue
		} else if c != ']' {
			return nil, d.errorf("invalid character " + quoteByte(c) + " after array element")
		}
		d.pos++
		break
	}
	es := d.elems[base:]
	a := make([]any, len(es))
	copy(a, es)
	clear(es)
	d.elems = d.elems[:base]
	d.depth--
	return a, nil
}

// number scans a number with the JSON grammar
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and returns its text.
func (d *decoder) number() (any, error) {
	start := d.pos
	data := d.data
	i := d.pos
	if data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && '1' <= data[i] && data[i] <= '9':
		i = skipDigits(data, i)
	default:
		d.pos = i
		return nil, d.errorf("invalid number")
	}
	if i < len(data) && data[i] == '.' {
		j := skipDigits(data, i+1)
		if j == i+1 {
			d.pos = j
			return nil, d.errorf("invalid number: no digits after decimal point")
		}
		i = j
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		j := skipDigits(data, i)
		if j == i {
			d.pos = j
			return nil, d.errorf("invalid number: no digits in exponent")
		}
		i = j
	}
	if v, ok := commonNumbers[string(data[start:i])]; ok {
		d.pos = i
		return v, nil
	}
	if !numberInLimits(data[start:i]) {
		d.pos = start
		return nil, &syntaxError{msg: "number beyond the decoder's limits", offset: start, limit: true}
	}
	d.pos = i
	return json.Number(data[start:i]), nil
}

// Limits on numbers. RFC 8259 lets a parser limit the range and precision of
// numbers; these keep exact arithmetic on them (big.Rat, as used by
// jsonschema) cheap, and are far beyond what float64 or any Alexa message
// uses.
const (
	maxNumberDigits    = 1000 // significant digits
	maxNumberMagnitude = 1000 // |decimal exponent| of the leading digit
)

// numberInLimits reports whether the valid JSON number n has at most
// maxNumberDigits significant digits and, unless it is zero, a decimal
// magnitude within ±maxNumberMagnitude.
func numberInLimits(n []byte) bool {
	if n[0] == '-' {
		n = n[1:]
	}
	mant, exp := n, 0
	if e := indexAny(n, "eE"); e >= 0 {
		mant = n[:e]
		digits := n[e+1:]
		neg := false
		if digits[0] == '+' || digits[0] == '-' {
			neg = digits[0] == '-'
			digits = digits[1:]
		}
		for _, c := range digits {
			if exp = exp*10 + int(c-'0'); exp > 10*maxNumberMagnitude {
				exp = 10 * maxNumberMagnitude // saturate: far beyond the limit either way
			}
		}
		if neg {
			exp = -exp
		}
	}
	intLen := len(mant)
	if p := indexAny(mant, "."); p >= 0 {
		intLen = p
	}
	// Position of the first and last non-zero digits, ignoring the point.
	first, last, pos := -1, -1, 0
	for _, c := range mant {
		if c == '.' {
			continue
		}
		if c != '0' {
			if first < 0 {
				first = pos
			}
			last = pos
		}
		pos++
	}
	if first < 0 {
		return true // zero
	}
	magnitude := intLen - first - 1 + exp
	return last-first+1 <= maxNumberDigits && magnitude <= maxNumberMagnitude && magnitude >= -maxNumberMagnitude
}

func indexAny(b []byte, chars string) int {
	for i, c := range b {
		for j := 0; j < len(chars); j++ {
			if c == chars[j] {
				return i
			}
		}
	}
	return -1
}

// strValue decodes a string value. Common values come pre-boxed, so they
// allocate nothing.
func (d *decoder) strValue() (any, error) {
	if b, ok := d.plainStr(); ok {
		if v, ok := commonStrings[string(b)]; ok {
			return v, nil
		}
		return string(b), nil
	}
	s, err := d.slowStr()
	if err != nil {
		return nil, err
	}
	return s, nil
}

// str decodes a string, sharing the strings of common member names.
func (d *decoder) str() (string, error) {
	if b, ok := d.plainStr(); ok {
		if s, ok := commonNames[string(b)]; ok {
			return s, nil
		}
		return string(b), nil
	}
	return d.slowStr()
}

// plainStr scans the string starting at the opening quote. When it contains no
// escapes, control characters or non-ASCII bytes, plainStr consumes it and
// returns its contents; otherwise it consumes only the opening quote.
func (d *decoder) plainStr() ([]byte, bool) {
	d.pos++ // opening quote
	data := d.data
	for i := d.pos; i < len(data); i++ {
		c := data[i]
		if c == '"' {
			b := data[d.pos:i]
			d.pos = i + 1
			return b, true
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
	}
	return nil, false
}

// slowStr decodes the string after the opening quote at d.pos when it contains
// escapes, control characters or non-ASCII bytes, replicating encoding/json:
// invalid UTF-8 bytes and unpaired surrogate escapes become U+FFFD.
func (d *decoder) slowStr() (string, error) {
	data := d.data
	b := d.scratch[:0]
	i := d.pos
	for {
		if i >= len(data) {
			d.pos = i
			return "", d.errorf("unexpected end of JSON input in string")
		}
		c := data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			s := string(b)
			d.scratch = b
			return s, nil
		case c < 0x20:
			d.pos = i
			return "", d.errorf("invalid control character " + quoteByte(c) + " in string")
		case c == '\\':
			if i+1 >= len(data) {
				d.pos = i
				return "", d.errorf("unexpected end of JSON input in string escape")
			}
			switch e := data[i+1]; e {
			case '"', '\\', '/':
				b = append(b, e)
				i += 2
			case 'b':
				b = append(b, '\b')
				i += 2
			case 'f':
				b = append(b, '\f')
				i += 2
			case 'n':
				b = append(b, '\n')
				i += 2
			case 'r':
				b = append(b, '\r')
				i += 2
			case 't':
				b = append(b, '\t')
				i += 2
			case 'u':
				r, ok := hex4(data, i+2)
				if !ok {
					d.pos = i
					return "", d.errorf("invalid \\u escape in string")
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if r2, ok := hex4(data, i+2); ok && i+1 < len(data) && data[i] == '\\' && data[i+1] == 'u' {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							b = utf8.AppendRune(b, dec)
							i += 6
							break
						}
					}
					r = utf8.RuneError
				}
				b = utf8.AppendRune(b, r)
			default:
				d.pos = i
				return "", d.errorf("invalid escape character " + quoteByte(e) + " in string")
			}
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, data[i:i+size]...)
			}
			i += size
		}
	}
}

func skipDigits(data []byte, i int) int {
	for i < len(data) && '0' <= data[i] && data[i] <= '9' {
		i++
	}
	return i
}

// hex4 decodes the four hex digits at data[i:i+4].
func hex4(data []byte, i int) (rune, bool) {
	if i < 0 || i+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*16 + rune(c)
	}
	return r, true
}

// commonWords are frequent member names and string values.
var commonWords = func() []string {
	words := []string{
		// envelope and header
		"directive", "event", "context", "header", "endpoint", "payload", "namespace", "name", "instance",
		"messageId", "correlationToken", "payloadVersion", "3", "scope", "type", "token", "partition", "userId",
		"BearerToken", "BearerTokenWithPartition", "endpointId", "cookie",
		// properties and change reports
		"properties", "value", "timeOfSample", "uncertaintyInMilliseconds", "change", "cause", "@type", "unit",
		"APP_INTERACTION", "PHYSICAL_INTERACTION", "PERIODIC_POLL", "RULE_TRIGGER", "VOICE_INTERACTION",
		"ALEXA_INTERACTION", "Count", "Percentage", "Volume", "Weight", "ON", "OFF", "OK", "UNREACHABLE",
		"reason", "scale", "CELSIUS", "FAHRENHEIT", "KELVIN", "LOCKED", "UNLOCKED", "JAMMED", "DETECTED",
		"NOT_DETECTED", "message", "usage",
		// message names
		"Response", "StateReport", "ChangeReport", "ErrorResponse", "DeferredResponse", "ReportState",
		"Discover", "Discover.Response", "AddOrUpdateReport", "DeleteReport", "AcceptGrant",
		"AcceptGrant.Response", "TurnOn", "TurnOff", "InventoryConsumed",
		// namespaces
		"Alexa", "Alexa.Discovery", "Alexa.Authorization", "Alexa.PowerController", "Alexa.EndpointHealth",
		"Alexa.InventoryLevelSensor", "Alexa.InventoryUsageSensor", "Alexa.InventoryLevelUsageSensor",
		"Alexa.BrightnessController", "Alexa.PercentageController", "Alexa.PowerLevelController",
		"Alexa.ColorController", "Alexa.ColorTemperatureController", "Alexa.LockController",
		"Alexa.TemperatureSensor", "Alexa.ContactSensor", "Alexa.MotionSensor", "Alexa.ToggleController",
		"Alexa.ModeController", "Alexa.RangeController", "Alexa.ThermostatController", "Alexa.Speaker",
		"Alexa.StepSpeaker",
		// property names
		"powerState", "connectivity", "level", "brightness", "percentage", "powerLevel", "color",
		"colorTemperatureInKelvin", "lockState", "temperature", "detectionState", "toggleState", "mode",
		"rangeValue", "targetSetpoint", "lowerSetpoint", "upperSetpoint", "thermostatMode", "volume", "muted",
		// discovery
		"endpoints", "manufacturerName", "description", "friendlyName", "displayCategories",
		"additionalAttributes", "capabilities", "interface", "version", "supported", "proactivelyReported",
		"retrievable", "nonControllable", "capabilityResources", "friendlyNames", "configuration",
		"measurement", "replenishment", "AlexaInterface", "text", "locale", "en-US",
	}
	return words
}()

// commonNames maps frequent member names to shared strings, so decoding them
// allocates nothing. It is never modified.
var commonNames = func() map[string]string {
	m := make(map[string]string, len(commonWords))
	for _, w := range commonWords {
		m[w] = w
	}
	return m
}()

// commonStrings maps frequent string values to shared, already boxed values,
// so decoding them allocates nothing. It is never modified.
var commonStrings = func() map[string]any {
	m := make(map[string]any, len(commonWords))
	for _, w := range commonWords {
		m[w] = w
	}
	return m
}()

// commonNumbers does the same for the integers 0 to 100.
var commonNumbers = func() map[string]any {
	m := make(map[string]any, 101)
	for i := 0; i <= 100; i++ {
		s := strconv.Itoa(i)
		m[s] = json.Number(s)
	}
	return m
}()
