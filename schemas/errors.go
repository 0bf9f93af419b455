package schemas

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// ErrNotJSON is returned (wrapped, with the position of the problem) for input
// that is not exactly one JSON value, or that exceeds the parser's limits:
// nesting deeper than 10000 levels, or a number with more than 1000
// significant digits or a magnitude beyond 1e±1000 (RFC 8259 lets a parser
// limit both).
var ErrNotJSON = errors.New("schemas: not a JSON document")

// ErrNotMessage is returned for JSON that is not an object with a "directive"
// or an "event" object member.
var ErrNotMessage = errors.New("schemas: not an Alexa message (no directive or event object)")

// ErrNotCovered is returned (wrapped) by Upstream.Validate for a message kind
// that Amazon's schema does not describe; see Upstream.Covers.
var ErrNotCovered = errors.New("schemas: message kind not covered by the upstream schema")

// Violation is one way a message breaks its schema.
type Violation struct {
	// Path is the JSON pointer (RFC 6901) of the offending value, for example
	// /event/header/messageId. For a missing or unexpected member it names
	// that member.
	Path string
	// Message says what is wrong, in English.
	Message string
}

// String returns "Path: Message".
func (v Violation) String() string {
	p := v.Path
	if p == "" {
		p = "/"
	}
	return p + ": " + v.Message
}

// Error is the error Validate returns for a message that breaks its schema.
// Use errors.As to get it. Its violations say what the schema wants and
// never quote the message's values (which may be tokens), so the error is
// safe to log and to summarize in a reply.
type Error struct {
	// Kind is the kind of the message, as read from its header.
	Kind Kind
	// Violations lists every violation found, sorted by Path then Message.
	Violations []Violation
}

// maxErrorLines is how many violations Error.Error prints.
const maxErrorLines = 3

// Error returns a short, stable description: the kind, the number of
// violations and the first few of them, one per line.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("schemas: invalid ")
	b.WriteString(e.Kind.String())
	switch n := len(e.Violations); n {
	case 0:
		b.WriteString(" message")
	case 1:
		b.WriteString(": ")
		b.WriteString(e.Violations[0].String())
	default:
		b.WriteString(": " + strconv.Itoa(n) + " violations")
		for i, v := range e.Violations {
			if i == maxErrorLines {
				b.WriteString("\n\t... and " + strconv.Itoa(n-maxErrorLines) + " more")
				break
			}
			b.WriteString("\n\t")
			b.WriteString(v.String())
		}
	}
	return b.String()
}

// Summary returns one line for the message's author: the kind, the first
// violation and how many more there are. Like Error, it quotes no value of
// the message.
func (e *Error) Summary() string {
	s := "invalid " + e.Kind.String()
	if len(e.Violations) == 0 {
		return s
	}
	s += ": " + e.Violations[0].String()
	if n := len(e.Violations) - 1; n > 0 {
		s += " (and " + strconv.Itoa(n) + " more)"
	}
	return s
}

func newPrinter() *message.Printer {
	return message.NewPrinter(language.English)
}

func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		t = strings.ReplaceAll(t, "~", "~0")
		b.WriteString(strings.ReplaceAll(t, "/", "~1"))
	}
	return b.String()
}

// leafViolations turns one leaf error into violations. Errors about members
// (missing, unexpected, forbidden) get one violation per member, located at
// the member.
func leafViolations(p *message.Printer, e *jsonschema.ValidationError) []Violation {
	loc := e.InstanceLocation
	at := func(member string) string {
		return pointer(append(slices.Clip(loc), member))
	}
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		vs := make([]Violation, len(k.Missing))
		for i, m := range k.Missing {
			vs[i] = Violation{at(m), "required member is missing"}
		}
		return vs
	case *kind.DependentRequired:
		vs := make([]Violation, len(k.Missing))
		for i, m := range k.Missing {
			vs[i] = Violation{at(m), fmt.Sprintf("required member is missing (because %q is present)", k.Prop)}
		}
		return vs
	case *kind.Dependency:
		vs := make([]Violation, len(k.Missing))
		for i, m := range k.Missing {
			vs[i] = Violation{at(m), fmt.Sprintf("required member is missing (because %q is present)", k.Prop)}
		}
		return vs
	case *kind.AdditionalProperties:
		vs := make([]Violation, len(k.Properties))
		for i, m := range k.Properties {
			vs[i] = Violation{at(m), "member is not allowed"}
		}
		return vs
	case *kind.FalseSchema:
		return []Violation{{pointer(loc), "member is not allowed"}}
	}
	return []Violation{{pointer(loc), ruleMessage(p, e.ErrorKind)}}
}

// ruleMessage says what the schema wants without quoting the message's
// value, which may be a token: the library's own text for these kinds
// quotes it.
func ruleMessage(p *message.Printer, k jsonschema.ErrorKind) string {
	num := func(r *big.Rat) string {
		if f, _ := r.Float64(); math.Abs(f) >= 1e21 {
			return strconv.FormatFloat(f, 'g', -1, 64) // not 309 digits
		}
		return strings.TrimRight(strings.TrimRight(r.FloatString(6), "0"), ".")
	}
	switch k := k.(type) {
	case *kind.Pattern:
		return "does not match pattern " + strconv.Quote(k.Want)
	case *kind.Format:
		return "is not a valid " + k.Want
	case *kind.Minimum:
		return "must be at least " + num(k.Want)
	case *kind.Maximum:
		return "must be at most " + num(k.Want)
	case *kind.ExclusiveMinimum:
		return "must be more than " + num(k.Want)
	case *kind.ExclusiveMaximum:
		return "must be less than " + num(k.Want)
	case *kind.MultipleOf:
		return "must be a multiple of " + num(k.Want)
	case *kind.ContentEncoding:
		return "is not " + k.Want + " encoded"
	case *kind.ContentMediaType:
		return "is not of media type " + k.Want
	}
	return k.LocalizedString(p)
}

// isWrapper reports whether an error only groups its causes.
func isWrapper(e *jsonschema.ValidationError) bool {
	switch e.ErrorKind.(type) {
	case *kind.Schema, *kind.Group, *kind.Reference, *kind.AllOf:
		return true
	}
	return false
}

// chooser picks, for an anyOf or oneOf none of whose branches matched, the
// branches to report, or a violation that replaces them.
type chooser func(e *jsonschema.ValidationError) ([]*jsonschema.ValidationError, *Violation)

// summarize flattens a jsonschema error tree into sorted, distinct violations.
// Where none of the branches of an anyOf or oneOf matched, choose picks the
// branches to report; when nil, the branch with the fewest errors.
func summarize(err error, choose chooser) []Violation {
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return []Violation{{"", err.Error()}}
	}
	p := newPrinter()
	var out []Violation
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			if !isWrapper(e) {
				out = append(out, leafViolations(p, e)...)
			}
			return
		}
		causes := e.Causes
		noneMatched := false
		switch k := e.ErrorKind.(type) {
		case *kind.AnyOf:
			noneMatched = true
		case *kind.OneOf:
			noneMatched = k.Subschemas == nil
		}
		if noneMatched {
			if members := alternativeMembers(e); members != nil {
				out = append(out, Violation{pointer(e.InstanceLocation),
					"requires at least one of the members " + strings.Join(members, ", ")})
				return
			}
			if choose != nil {
				var v *Violation
				if causes, v = choose(e); v != nil {
					out = append(out, *v)
					return
				}
			} else {
				causes = fewestLeaves(causes)
			}
		}
		for _, c := range causes {
			walk(c)
		}
	}
	walk(verr)
	return sortViolations(out)
}

func sortViolations(vs []Violation) []Violation {
	slices.SortFunc(vs, func(a, b Violation) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Message, b.Message)
	})
	return slices.Compact(vs)
}

// alternativeMembers returns the members named by an anyOf/oneOf whose every
// branch failed only because one member was missing, or nil.
func alternativeMembers(e *jsonschema.ValidationError) []string {
	var members []string
	for _, c := range e.Causes {
		for isWrapper(c) && len(c.Causes) == 1 {
			c = c.Causes[0]
		}
		r, ok := c.ErrorKind.(*kind.Required)
		if !ok || len(c.Causes) != 0 || len(r.Missing) != 1 || !slices.Equal(c.InstanceLocation, e.InstanceLocation) {
			return nil
		}
		members = append(members, strconv.Quote(r.Missing[0]))
	}
	return members
}

// countLeaves counts the leaf errors under e.
func countLeaves(e *jsonschema.ValidationError) int {
	if len(e.Causes) == 0 {
		return 1
	}
	n := 0
	for _, c := range e.Causes {
		n += countLeaves(c)
	}
	return n
}

// fewestLeaves returns the first of the branches with the fewest leaf errors:
// the alternative the message most likely meant.
func fewestLeaves(branches []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	var best *jsonschema.ValidationError
	bestN := 0
	for _, b := range branches {
		if n := countLeaves(b); best == nil || n < bestN {
			best, bestN = b, n
		}
	}
	if best == nil {
		return nil
	}
	return []*jsonschema.ValidationError{best}
}
