package schemas

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// syntaxError describes why input is not a single JSON value, or is one
// beyond the limits on numbers.
type syntaxError struct {
	msg   string
	limit bool // valid JSON beyond the limits
}

func (e *syntaxError) Error() string { return e.msg }

// decodeJSON parses data as exactly one JSON value, as the validator's
// library does (jsonschema.UnmarshalJSON: encoding/json with UseNumber), and
// then refuses numbers beyond maxNumberDigits and maxNumberMagnitude: exact
// arithmetic on them, as jsonschema does, would be slow or fail.
func decodeJSON(data []byte) (any, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, &syntaxError{msg: err.Error()}
	}
	if err := checkNumbers(v); err != nil {
		return nil, err
	}
	return v, nil
}

// checkNumbers refuses a number of v beyond the limits.
func checkNumbers(v any) error {
	switch x := v.(type) {
	case json.Number:
		if !numberInLimits([]byte(x)) {
			return &syntaxError{msg: fmt.Sprintf("number %.40s… beyond %d significant digits or a magnitude of 10^±%d", string(x), maxNumberDigits, maxNumberMagnitude), limit: true}
		}
	case map[string]any:
		for _, c := range x {
			if err := checkNumbers(c); err != nil {
				return err
			}
		}
	case []any:
		for _, c := range x {
			if err := checkNumbers(c); err != nil {
				return err
			}
		}
	}
	return nil
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
