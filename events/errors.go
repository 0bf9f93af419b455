package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-alexa/smarthome/alexa"
)

// Code is the error code the event gateway puts in payload.code of an
// error answer.
type Code string

// Event gateway error codes. See
// https://developer.amazon.com/docs/smarthome/send-events-to-the-alexa-event-gateway.html.
const (
	// CodeInvalidRequest (400): the message is invalid. Fix it; it is not retried.
	CodeInvalidRequest Code = "INVALID_REQUEST_EXCEPTION"
	// CodeInvalidAccessToken (401): the access token is invalid or expired.
	// Send refreshes it once and retries.
	CodeInvalidAccessToken Code = "INVALID_ACCESS_TOKEN_EXCEPTION"
	// CodeSkillDisabled (403): the customer disabled the skill. Send revokes
	// the grant.
	CodeSkillDisabled Code = "SKILL_DISABLED_EXCEPTION"
	// CodeSkillNeverEnabled (403): usually the wrong regional gateway.
	CodeSkillNeverEnabled Code = "SKILL_NEVER_ENABLED_EXCEPTION"
	// CodeInsufficientPermission (403): the token lacks the "Send Alexa
	// Events" permission: a skill configuration error.
	CodeInsufficientPermission Code = "INSUFFICIENT_PERMISSION_EXCEPTION"
	// CodeAccountNotFound (404): no account record, or it expired.
	CodeAccountNotFound Code = "ACCOUNT_NOT_FOUND_EXCEPTION"
	// CodeSkillNotFound (404): no skill tied to the token, e.g. a token
	// created while the skill was in another stage.
	CodeSkillNotFound Code = "SKILL_NOT_FOUND_EXCEPTION"
	// CodeRequestEntityTooLarge (413): the message is too large.
	CodeRequestEntityTooLarge Code = "REQUEST_ENTITY_TOO_LARGE_EXCEPTION"
	// CodeThrottling (429): too many requests; retried.
	CodeThrottling Code = "THROTTLING_EXCEPTION"
	// CodeInternalService (500): an Alexa-side error; retried.
	CodeInternalService Code = "INTERNAL_SERVICE_EXCEPTION"
	// CodeServiceUnavailable (503): Alexa could not accept the message; retried.
	CodeServiceUnavailable Code = "SERVICE_UNAVAILABLE_EXCEPTION"
)

// Sentinel errors matching an [*Error] of the corresponding code with
// errors.Is, e.g. errors.Is(err, events.ErrSkillDisabled).
var (
	ErrInvalidRequest         = errors.New("events: " + string(CodeInvalidRequest))
	ErrInvalidAccessToken     = errors.New("events: " + string(CodeInvalidAccessToken))
	ErrSkillDisabled          = errors.New("events: " + string(CodeSkillDisabled))
	ErrSkillNeverEnabled      = errors.New("events: " + string(CodeSkillNeverEnabled))
	ErrInsufficientPermission = errors.New("events: " + string(CodeInsufficientPermission))
	ErrAccountNotFound        = errors.New("events: " + string(CodeAccountNotFound))
	ErrSkillNotFound          = errors.New("events: " + string(CodeSkillNotFound))
	ErrRequestEntityTooLarge  = errors.New("events: " + string(CodeRequestEntityTooLarge))
	ErrThrottled              = errors.New("events: " + string(CodeThrottling))
	ErrInternalService        = errors.New("events: " + string(CodeInternalService))
	ErrServiceUnavailable     = errors.New("events: " + string(CodeServiceUnavailable))
)

var codeSentinels = map[Code]error{
	CodeInvalidRequest:         ErrInvalidRequest,
	CodeInvalidAccessToken:     ErrInvalidAccessToken,
	CodeSkillDisabled:          ErrSkillDisabled,
	CodeSkillNeverEnabled:      ErrSkillNeverEnabled,
	CodeInsufficientPermission: ErrInsufficientPermission,
	CodeAccountNotFound:        ErrAccountNotFound,
	CodeSkillNotFound:          ErrSkillNotFound,
	CodeRequestEntityTooLarge:  ErrRequestEntityTooLarge,
	CodeThrottling:             ErrThrottled,
	CodeInternalService:        ErrInternalService,
	CodeServiceUnavailable:     ErrServiceUnavailable,
}

// Sentinel errors for failures found before or around the gateway call.
var (
	// ErrNoToken is wrapped when no usable access token could be had for the
	// user: the [TokenSource] failed (its error is wrapped too, so
	// errors.Is(err, lwa.ErrRevoked) and the like work) or returned an
	// empty token. Nothing was sent.
	ErrNoToken = errors.New("events: no access token for the user")
	// ErrInvalidEvent is wrapped when Send refuses an event before sending
	// it: it is nil, cannot carry a scope, breaks a protocol rule (e.g. a
	// correlationToken on a proactive event, or a synchronous-only reply),
	// or fails schema validation (the validator's error is wrapped too).
	ErrInvalidEvent = errors.New("events: invalid event")
)

// Error is the event gateway's refusal of an event: any answer but 2xx.
// Send returns it (possibly joined with the error of a failed token refresh
// or revocation) once its retry policy is exhausted or does not apply. It
// never contains the access token.
//
// errors.Is(err, ErrX) matches the sentinel of Code, e.g.
// errors.Is(err, events.ErrThrottled).
type Error struct {
	// StatusCode is the HTTP status of the gateway's answer.
	StatusCode int
	// Code is payload.code of the answer; when the answer has none, the code
	// the status implies (400, 401, 413, 429, 500, 503), or "".
	Code Code
	// Description is payload.description of the answer, or the start of a
	// body that is not JSON.
	Description string
	// RetryAfter is the wait the answer's Retry-After header asked for, or 0.
	RetryAfter time.Duration

	// UserID, Region, Namespace, Name and MessageID identify the event.
	UserID    string
	Region    alexa.Region
	Namespace alexa.Namespace
	Name      alexa.Name
	MessageID string
	// Attempts is how many requests Send made for the event.
	Attempts int
	// Revoked reports that Send revoked the user's grant because of this
	// answer (403 SKILL_DISABLED_EXCEPTION).
	Revoked bool
}

// Error describes the answer, with a hint for the codes whose usual cause is
// a misconfiguration.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("events: gateway answered ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteByte(' ')
		b.WriteString(string(e.Code))
	}
	if e.Namespace != "" {
		fmt.Fprintf(&b, " to %s.%s", e.Namespace, e.Name)
	}
	if e.MessageID != "" {
		fmt.Fprintf(&b, " %s", e.MessageID)
	}
	fmt.Fprintf(&b, " (user %q, region %s", e.UserID, e.Region)
	if e.Attempts > 1 {
		fmt.Fprintf(&b, ", %d attempts", e.Attempts)
	}
	b.WriteByte(')')
	if e.Description != "" {
		b.WriteString(": ")
		b.WriteString(e.Description)
	}
	if h := e.hint(); h != "" {
		b.WriteString(" [")
		b.WriteString(h)
		b.WriteByte(']')
	}
	return b.String()
}

func (e *Error) hint() string {
	switch e.Code {
	case CodeSkillDisabled:
		s := "the customer disabled the skill, or the event went to the wrong regional gateway: check that " + string(e.Region) + " is where the customer's AcceptGrant arrived"
		if e.Revoked {
			s += "; the grant was revoked"
		}
		return s
	case CodeSkillNeverEnabled:
		return "usually the wrong regional gateway: send to the region where the customer's AcceptGrant arrived (this was " + string(e.Region) + "); it can also be transient right after enablement"
	case CodeInsufficientPermission:
		return `enable "Send Alexa Events" on the skill's Permissions page; this is a skill configuration error`
	case CodeSkillNotFound:
		return "the token was issued while the skill was in another stage: disable and re-enable the skill"
	case CodeAccountNotFound:
		return "the account record is missing or expired: the event may have been sent too late"
	case CodeRequestEntityTooLarge:
		return "send fewer endpoints per message (at most 300, and 256 KB for AddOrUpdateReport)"
	case CodeInvalidAccessToken:
		return "the access token was refused even after a refresh"
	}
	return ""
}

// Is reports whether target is the sentinel of e's Code.
func (e *Error) Is(target error) bool {
	s, ok := codeSentinels[e.Code]
	return ok && s == target
}

// Temporary reports whether the failure may pass if the event is sent again
// later: throttling and Alexa-side errors.
func (e *Error) Temporary() bool { return retryableStatus(e.StatusCode) }

func retryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// maxErrorBody is the most of an error answer's body that is read.
const maxErrorBody = 1 << 20

// maxDescription is the longest description kept from a non-JSON body.
const maxDescription = 512

// parseErrorBody reads the code and description of an error answer
// leniently: payload.code is authoritative; top-level code/description and
// payload.type/message are accepted as fallbacks; a body that is not JSON
// becomes the description.
func parseErrorBody(status int, body []byte) (Code, string) {
	type fields struct {
		Code        string `json:"code"`
		Description string `json:"description"`
		Type        string `json:"type"`
		Message     string `json:"message"`
	}
	var v struct {
		fields
		Payload *fields `json:"payload"`
	}
	var code, desc string
	if err := json.Unmarshal(body, &v); err == nil {
		for _, f := range []*fields{v.Payload, &v.fields} {
			if f == nil {
				continue
			}
			if code == "" {
				code = f.Code
			}
			if code == "" {
				code = f.Type
			}
			if desc == "" {
				desc = f.Description
			}
			if desc == "" {
				desc = f.Message
			}
		}
	} else {
		desc = strings.TrimSpace(string(body))
	}
	if code == "" {
		code = string(codeForStatus(status))
	}
	return Code(sanitizeCode(code)), clip(desc)
}

// maxCode is the longest code kept from an error answer; the gateway's
// codes are short upper-case identifiers.
const maxCode = 64

// sanitizeCode keeps a code that went through an error answer printable:
// at most maxCode letters, digits and underscores (others become '_').
func sanitizeCode(code string) string {
	if len(code) > maxCode {
		code = code[:maxCode]
	}
	return strings.Map(func(r rune) rune {
		switch {
		case 'A' <= r && r <= 'Z', 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '_':
			return r
		}
		return '_'
	}, code)
}

// clip shortens s to maxDescription bytes on a rune boundary and drops
// control characters.
func clip(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != ' ' {
			return ' '
		}
		return r
	}, s)
	if len(s) <= maxDescription {
		return s
	}
	cut := maxDescription
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// codeForStatus is the code a status implies when the answer names none.
func codeForStatus(status int) Code {
	switch status {
	case http.StatusBadRequest:
		return CodeInvalidRequest
	case http.StatusUnauthorized:
		return CodeInvalidAccessToken
	case http.StatusRequestEntityTooLarge:
		return CodeRequestEntityTooLarge
	case http.StatusTooManyRequests:
		return CodeThrottling
	case http.StatusInternalServerError:
		return CodeInternalService
	case http.StatusServiceUnavailable:
		return CodeServiceUnavailable
	}
	return ""
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date
// (relative to now). It returns 0 for an absent or unreadable header.
func parseRetryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(h, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		const maxSecs = int64(24 * time.Hour / time.Second)
		return time.Duration(min(secs, maxSecs)) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// redactToken removes every occurrence of tok from s.
func redactToken(s string, tok alexa.Token) string {
	if len(tok) < 4 {
		return s
	}
	return strings.ReplaceAll(s, string(tok), "[redacted]")
}
