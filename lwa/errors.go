package lwa

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"golang.org/x/oauth2"
)

// Sentinel errors, for errors.Is. Errors from LWA token requests are
// [*Error] values that match ErrInvalidGrant, ErrInvalidClient or
// ErrTransient according to their cause.
var (
	// ErrNoGrant is returned for a user who has no grant stored: the
	// customer never completed AcceptGrant, or their grant was deleted.
	ErrNoGrant = errors.New("lwa: no grant")
	// ErrRevoked is returned when LWA answered invalid_grant to a refresh:
	// the customer disabled the skill or unlinked their account. The grant
	// has been deleted and the OnRevoked hook called; stop sending events
	// for the user until a new AcceptGrant arrives.
	ErrRevoked = errors.New("lwa: grant revoked")
	// ErrNotFound is returned by a [Store] that holds no grant for a user.
	ErrNotFound = errors.New("lwa: grant not found")
	// ErrInvalidGrant matches an LWA invalid_grant error: an authorization
	// code that is invalid, expired or already used, or a refresh token
	// that was revoked.
	ErrInvalidGrant = errors.New("lwa: invalid_grant")
	// ErrInvalidClient matches LWA invalid_client and unauthorized_client
	// errors: the client ID or secret is wrong, or not the skill's "Alexa
	// Skill Messaging" pair. It is a configuration error; retrying does not
	// help.
	ErrInvalidClient = errors.New("lwa: invalid client credentials")
	// ErrTransient matches failures worth retrying later: LWA answered
	// 5xx or 429, or could not be reached at all.
	ErrTransient = errors.New("lwa: temporary failure")
	// ErrNotSaved is returned when LWA refreshed a grant but the [Store]
	// failed to save it. The new tokens are not handed out; the Manager
	// keeps them in memory and saves them before anything else on the next
	// call for the user (or on [Manager.Flush]). See the package
	// documentation, "Rotation".
	ErrNotSaved = errors.New("lwa: refreshed grant not saved")
	// ErrCorruptStore is returned by [NewFileStore] for a file that is not a
	// grant store.
	ErrCorruptStore = errors.New("lwa: corrupt grant store")
)

// Error is a failed LWA token request: an error response (RFC 6749 §5.2) or
// no response at all. It matches [ErrInvalidGrant], [ErrInvalidClient] and
// [ErrTransient] with errors.Is, and unwraps to the *oauth2.RetrieveError
// (when LWA answered) or the transport error. Its message never contains a
// token, code or the client secret.
type Error struct {
	// GrantType is the request's grant_type: "authorization_code" or
	// "refresh_token".
	GrantType string
	// StatusCode is the HTTP status of LWA's answer; 0 when there was none
	// (network failure, timeout).
	StatusCode int
	// Code is LWA's error code, e.g. "invalid_grant"; empty when the answer
	// carried none.
	Code string
	// Description is LWA's error_description.
	Description string
	// Err is the cause: an *oauth2.RetrieveError or a transport error.
	Err error

	transient bool
}

// Error returns a description of the failure without secrets.
func (e *Error) Error() string {
	s := "lwa: " + e.GrantType + " request failed"
	if e.StatusCode != 0 {
		s += ": HTTP " + strconv.Itoa(e.StatusCode)
	}
	if e.Code != "" {
		s += ": " + e.Code
		if e.Description != "" {
			s += " (" + strconv.Quote(e.Description) + ")"
		}
	}
	if e.StatusCode == 0 && e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether e is of the class of target: [ErrInvalidGrant],
// [ErrInvalidClient] or [ErrTransient].
func (e *Error) Is(target error) bool {
	switch target {
	case ErrInvalidGrant:
		return e.Code == "invalid_grant"
	case ErrInvalidClient:
		return e.Code == "invalid_client" || e.Code == "unauthorized_client"
	case ErrTransient:
		return e.transient
	}
	return false
}

// newError classifies the error of a token request.
func newError(grantType string, err error) *Error {
	e := &Error{GrantType: grantType, Err: err}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		e.Code, e.Description = re.ErrorCode, re.ErrorDescription
		if re.Response != nil {
			e.StatusCode = re.Response.StatusCode
		}
		e.transient = e.StatusCode >= 500 || e.StatusCode == http.StatusTooManyRequests ||
			e.Code == "server_error" || e.Code == "temporarily_unavailable"
		return e
	}
	var ue *url.Error
	e.transient = errors.As(err, &ue) || errors.Is(err, context.DeadlineExceeded)
	return e
}
