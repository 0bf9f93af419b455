package enablement

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/oauth2"

	"github.com/go-alexa/smarthome/alexa"
)

// Op names the step that failed.
type Op string

// Steps.
const (
	OpAuthorize Op = "authorize" // the customer's answer at Login with Amazon
	OpExchange  Op = "exchange"  // the code exchange at LWA
	OpEndpoint  Op = "endpoint"  // the regional endpoint lookup
	OpEnable    Op = "enable"
	OpStatus    Op = "status"
	OpDisable   Op = "disable"
)

// Errors that [Error] matches with errors.Is, by the HTTP status of the
// answer (or, for ErrDenied, the customer's answer).
var (
	// ErrDenied: the customer did not allow the scope (or LWA refused the
	// request, error=access_denied and the like).
	ErrDenied = errors.New("enablement: the customer did not authorize")
	// ErrBadRequest (400): the request is invalid, e.g. a redirect URI or
	// an account-linking code your OAuth server refused.
	ErrBadRequest = errors.New("enablement: bad request")
	// ErrUnauthorized (401): the Amazon access token is invalid or expired;
	// refresh it, or ask the customer again.
	ErrUnauthorized = errors.New("enablement: the access token is not valid")
	// ErrForbidden (403): the token lacks the alexa::skills:account_linking
	// scope, or the customer may not enable this skill or stage.
	ErrForbidden = errors.New("enablement: forbidden")
	// ErrNotEnabled (404): the skill is not enabled for the customer (or
	// does not exist at this host).
	ErrNotEnabled = errors.New("enablement: the skill is not enabled for the customer")
	// ErrConflict (409): the enablement conflicts, e.g. another stage of
	// the skill is enabled. Amazon's reference does not list 409 for this
	// API (its developer enablement API does); public clients meet it.
	ErrConflict = errors.New("enablement: conflict")
	// ErrTransient: throttled (429), a server error (5xx) or no answer;
	// retrying later may succeed. (429 and 5xx are the usual Alexa API
	// answers; this API's reference lists 400, 401 and 403.)
	ErrTransient = errors.New("enablement: transient failure")
)

// Error is a failed step. Its text names the step, the status and what the
// server said, never a token, a code or a secret.
type Error struct {
	Op Op
	// StatusCode is the HTTP status of the answer; 0 when there was none.
	StatusCode int
	// Code is the server's error code, if any (LWA's "invalid_grant", the
	// customer's "access_denied", the API's code).
	Code string
	// Message is the server's message, tokens redacted.
	Message string
	// Err is the cause, if any.
	Err error
}

// Error returns "enablement: " and the operation, the status, the code and
// the server's message, with tokens redacted.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("enablement: ")
	b.WriteString(string(e.Op))
	if e.StatusCode != 0 {
		b.WriteString(": HTTP " + strconv.Itoa(e.StatusCode))
	}
	if e.Code != "" {
		b.WriteString(": " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + strconv.Quote(e.Message))
	}
	if e.Err != nil && !isSentinel(e.Err) {
		b.WriteString(": " + strings.TrimPrefix(e.Err.Error(), "enablement: "))
	}
	return b.String()
}

func isSentinel(err error) bool {
	for _, s := range []error{ErrDenied, ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrNotEnabled, ErrConflict, ErrTransient} {
		if err == s {
			return true
		}
	}
	return false
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the sentinel of the answer's status.
func (e *Error) Is(target error) bool {
	switch e.StatusCode {
	case http.StatusBadRequest:
		return target == ErrBadRequest
	case http.StatusUnauthorized:
		return target == ErrUnauthorized
	case http.StatusForbidden:
		return target == ErrForbidden
	case http.StatusNotFound:
		return target == ErrNotEnabled
	case http.StatusConflict:
		return target == ErrConflict
	case http.StatusTooManyRequests:
		return target == ErrTransient
	}
	return e.StatusCode >= 500 && target == ErrTransient
}

// apiError decodes the error answer of the Alexa API.
func apiError(op Op, status int, body []byte, token alexa.Token) *Error {
	var b struct {
		Message string `json:"message"`
		Code    string `json:"code"`
	}
	_ = json.Unmarshal(body, &b)
	msg := b.Message
	if token != "" {
		msg = strings.ReplaceAll(msg, string(token), "[redacted]")
	}
	if len(msg) > 300 {
		msg = strings.ToValidUTF8(msg[:300], "")
	}
	return &Error{Op: op, StatusCode: status, Code: b.Code, Message: msg}
}

// exchangeError turns an oauth2 exchange failure into an *Error.
func exchangeError(err error) *Error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		e := &Error{Op: OpExchange, Code: re.ErrorCode, Message: re.ErrorDescription}
		if re.Response != nil {
			e.StatusCode = re.Response.StatusCode
		}
		return e
	}
	return &Error{Op: OpExchange, Err: transportError(err)}
}

// transportError is a failure without an answer: transient, with the
// cause's text stripped of any URL query.
func transportError(err error) error { return &transportErr{msg: redactURL(err.Error())} }

type transportErr struct{ msg string }

func (t *transportErr) Error() string { return t.msg }

// Is matches ErrTransient.
func (t *transportErr) Is(target error) bool { return target == ErrTransient }

// redactURL drops URL queries from s (a url.Error quotes the URL).
func redactURL(s string) string {
	for {
		i := strings.Index(s, "?")
		if i < 0 {
			return s
		}
		j := strings.IndexAny(s[i:], "\" ")
		if j < 0 {
			return s[:i]
		}
		s = s[:i] + s[i+j:]
	}
}
