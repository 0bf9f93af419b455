// Package errfmt wraps errors the way the SDK's packages do, without
// repeating a package prefix: "alexa: ChangeReport: alexa: property …"
// reads "alexa: ChangeReport: property …".
package errfmt

import (
	"fmt"
	"strings"
)

// prefixes are the packages' error prefixes, dropped where they follow
// another message's ": ".
var prefixes = []string{"alexa: ", "alexatest: ", "drs: ", "events: ", "lwa: ", "schemas: "}

// Errorf is [fmt.Errorf] (%w included) with each package prefix that
// follows ": " in the message dropped.
func Errorf(format string, args ...any) error {
	return &wrapped{err: fmt.Errorf(format, args...)}
}

type wrapped struct{ err error }

// Error returns the message, each inner package prefix dropped.
func (w *wrapped) Error() string { return Clean(w.err.Error()) }

// Unwrap returns the errors %w wrapped.
func (w *wrapped) Unwrap() []error {
	switch u := w.err.(type) {
	case interface{ Unwrap() []error }:
		return u.Unwrap()
	case interface{ Unwrap() error }:
		if e := u.Unwrap(); e != nil {
			return []error{e}
		}
	}
	return nil
}

// Clean drops each package prefix of s that follows ": " or "(".
func Clean(s string) string {
	if !strings.Contains(s, ": ") {
		return s
	}
	for _, p := range prefixes {
		s = strings.ReplaceAll(s, ": "+p, ": ")
		s = strings.ReplaceAll(s, "("+p, "(")
	}
	return s
}
