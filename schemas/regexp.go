package schemas

import (
	"regexp"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Patterns that occur on every message get hand-written matchers: a regexp
// match costs more than the rest of checking a short string. Each matcher must
// accept exactly the strings its pattern accepts; TestFastPatterns and
// FuzzFastPatterns compare them with package regexp.
const (
	patternMessageID    = `^[A-Za-z0-9-]+$`
	patternEndpointID   = `^[A-Za-z0-9_=#;:?@&-]+$`
	patternUpperIdent   = `^[A-Z][A-Z0-9_]*$`
	patternTimeOfSample = `^(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)` +
		`|02-(?:0[1-9]|1[0-9]|2[0-8]))|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)` +
		`T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,3})?Z$`
)

// fastPatterns maps pattern sources to their hand-written matchers. It is
// never modified.
var fastPatterns = map[string]func(string) bool{
	patternMessageID:    matchMessageID,
	patternEndpointID:   matchEndpointID,
	patternUpperIdent:   matchUpperIdent,
	patternTimeOfSample: matchTimeOfSample,
}

// fastRegexp is a jsonschema.Regexp backed by a hand-written matcher.
type fastRegexp struct {
	src   string
	match func(string) bool
}

func (r fastRegexp) MatchString(s string) bool { return r.match(s) }
func (r fastRegexp) String() string            { return r.src }

// compileRegexp is the jsonschema.RegexpEngine of the fast path: known patterns
// get their hand-written matcher, others package regexp.
func compileRegexp(src string) (jsonschema.Regexp, error) {
	if m, ok := fastPatterns[src]; ok {
		return fastRegexp{src, m}, nil
	}
	return regexp.Compile(src)
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func matchMessageID(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '-' {
			return false
		}
	}
	return true
}

func matchEndpointID(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '_', '=', '#', ';', ':', '?', '@', '&', '-':
		default:
			if !isAlnum(c) {
				return false
			}
		}
	}
	return true
}

func matchUpperIdent(s string) bool {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// matchTimeOfSample accepts YYYY-MM-DDThh:mm:ss[.f{1,3}]Z on a valid
// proleptic Gregorian calendar date (years 0000 to 9999).
func matchTimeOfSample(s string) bool {
	n := len(s)
	if n != 20 && n != 22 && n != 23 && n != 24 {
		return false
	}
	if s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[n-1] != 'Z' {
		return false
	}
	num := func(i, j int) (int, bool) {
		v := 0
		for ; i < j; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 7)
	day, ok3 := num(8, 10)
	hour, ok4 := num(11, 13)
	minute, ok5 := num(14, 16)
	sec, ok6 := num(17, 19)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return false
	}
	if n > 20 {
		if s[19] != '.' {
			return false
		}
		if _, ok := num(20, n-1); !ok {
			return false
		}
	}
	if hour > 23 || minute > 59 || sec > 59 || month < 1 || month > 12 || day < 1 {
		return false
	}
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month-1]
	if month == 2 && year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		days = 29
	}
	return day <= days
}
