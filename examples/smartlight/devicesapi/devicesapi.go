// Package devicesapi is the smart light's devices API (the workshop's
// webBackend Lambda): the owner's app lists, claims, renames, switches and
// removes their lights over HTTP. It is an http.Handler, served as is in
// local mode and behind API Gateway on AWS.
//
// # Authentication
//
// Every request needs "Authorization: Bearer <access token>", verified by an
// [*auth.Verifier] that accepts the web app's client only. The caller is
// the token's subject; nothing in the request (no header, no query
// parameter, no body field) can name another user. A request without a
// valid token gets 401 with a WWW-Authenticate challenge.
//
// # Routes
//
//	GET    /devices                  the caller's devices
//	POST   /devices                  claim {"serialNumber", "claimSecret", "friendlyName"}
//	GET    /devices/{serial}         one device
//	PATCH  /devices/{serial}         rename {"friendlyName"}
//	PUT    /devices/{serial}/power   switch {"status": "on" | "off"}
//	DELETE /devices/{serial}         remove (release) the device
//
// and, with [Config].Linker, the /alexa-link routes of app-to-app account
// linking (see [Linker]).
//
// A device is {"serialNumber", "friendlyName", "status", "battery",
// "online"}; status and battery are what the device last reported (null
// if never), friendlyName the name its owner gave.
//
// A device the caller does not own is 404, exactly like one that does not
// exist, on every route. Claiming needs the device's claim secret (printed
// on its label; the registry holds only its hash): a wrong serial or
// secret is 404 for both, so serials cannot be probed; a device owned by
// someone else is 409. Claiming a device one already owns is idempotent.
//
// Claiming and renaming announce the device to the owner's Alexa with an
// AddOrUpdateReport carrying the new name; removing withdraws it with a
// DeleteReport before the device is released. Those calls go to the
// updates component in process ([Announcer]), never through an endpoint
// of their own. If Alexa cannot be told (the gateway is down), the request
// fails with 503 and can simply be repeated: a claim by the owner, a rename
// and a switch are idempotent, and a removal changes nothing until Alexa
// has been told.
//
// Switching writes the desired status with a command of source "app"; the
// device applies it and reports it, and the updates component sends the
// ChangeReport (cause APP_INTERACTION). The answer is 202 with the device
// as it is now.
//
// Errors are JSON: {"error": {"code": "...", "message": "..."}}. Request
// bodies must be application/json objects of at most 4 KiB with no unknown
// members; every JSON document is built with encoding/json. Responses are
// never cached, and cross-origin requests are allowed only from the
// configured origins.
package devicesapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/go-alexa/smarthome/examples/smartlight/auth"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/light"
)

// Verifier verifies the bearer token of a request; [*auth.Verifier]
// implements it.
type Verifier interface {
	Verify(ctx context.Context, token string) (auth.Principal, error)
}

// Announcer tells a user's Alexa about their devices; the updates
// component implements it. A nil error means Alexa was told, or there is
// no Alexa to tell (the user has not enabled the skill).
type Announcer interface {
	// Announce sends an AddOrUpdateReport for the device of thing t named
	// name.
	Announce(ctx context.Context, userID string, t device.Thing, name string) error
	// Withdraw sends a DeleteReport for the device serial.
	Withdraw(ctx context.Context, userID, serial string) error
}

// Config configures the API.
type Config struct {
	// Registry and Shadow are the device cloud. Required.
	Registry device.Registry
	Shadow   device.Shadow
	// Verifier authenticates requests (web app client only). Required.
	Verifier Verifier
	// Announcer tells Alexa. Required.
	Announcer Announcer
	// Linker runs app-to-app account linking (the /alexa-link routes);
	// nil leaves them out.
	Linker Linker
	// AllowedOrigins are the origins whose browsers may call the API
	// (CORS), e.g. "https://app.example.com"; none by default.
	AllowedOrigins []string
	// Logger logs requests and failures (never a token); nil discards.
	Logger *slog.Logger
}

// MaxBodyBytes is the largest request body accepted.
const MaxBodyBytes = 4 << 10

// API is the devices API. Build it with [New]; it is safe for concurrent
// use.
type API struct {
	registry device.Registry
	shadow   device.Shadow
	verifier Verifier
	announce Announcer
	linker   Linker
	origins  []string
	log      *slog.Logger
	mux      *http.ServeMux
}

// New returns the API for cfg.
func New(cfg Config) (*API, error) {
	switch {
	case cfg.Registry == nil || cfg.Shadow == nil:
		return nil, errors.New("devicesapi: Config.Registry and Config.Shadow are required")
	case cfg.Verifier == nil:
		return nil, errors.New("devicesapi: Config.Verifier is required")
	case cfg.Announcer == nil:
		return nil, errors.New("devicesapi: Config.Announcer is required")
	}
	for _, o := range cfg.AllowedOrigins {
		if o == "*" || o == "" || strings.HasSuffix(o, "/") {
			return nil, fmt.Errorf("devicesapi: allowed origin %q: give exact origins such as https://app.example.com", o)
		}
	}
	a := &API{registry: cfg.Registry, shadow: cfg.Shadow, verifier: cfg.Verifier, announce: cfg.Announcer,
		origins: slices.Clone(cfg.AllowedOrigins), log: cfg.Logger, mux: http.NewServeMux(), linker: cfg.Linker}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	a.mux.Handle("GET /devices", a.authed(a.list))
	a.mux.Handle("POST /devices", a.authed(a.claim))
	a.mux.Handle("GET /devices/{serial}", a.authed(a.get))
	a.mux.Handle("PATCH /devices/{serial}", a.authed(a.rename))
	a.mux.Handle("PUT /devices/{serial}/power", a.authed(a.power))
	a.mux.Handle("DELETE /devices/{serial}", a.authed(a.remove))
	if a.linker != nil {
		a.linkRoutes()
	}
	return a, nil
}

// ServeHTTP serves the API.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if origin := r.Header.Get("Origin"); origin != "" && slices.Contains(a.origins, origin) {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
		if r.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Methods", "GET, POST, PATCH, PUT, DELETE")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	// Unknown routes and methods get JSON errors too.
	if _, pattern := a.mux.Handler(r); pattern == "" {
		status, code := http.StatusNotFound, "not_found"
		if a.pathKnown(r.URL.Path) {
			status, code = http.StatusMethodNotAllowed, "method_not_allowed"
		}
		writeError(w, status, code, http.StatusText(status))
		return
	}
	a.mux.ServeHTTP(w, r)
}

// pathKnown reports whether some route serves path with another method.
func (a *API) pathKnown(path string) bool {
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete} {
		r, _ := http.NewRequest(m, path, nil)
		if r == nil {
			continue
		}
		if _, p := a.mux.Handler(r); p != "" {
			return true
		}
	}
	return false
}

// handler is an authenticated route.
type handler func(w http.ResponseWriter, r *http.Request, userID string) error

// authed authenticates the request and runs h, turning its error into
// the answer.
func (a *API) authed(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, err := auth.BearerToken(r)
		var p auth.Principal
		if err == nil {
			p, err = a.verifier.Verify(r.Context(), tok)
		}
		if err != nil {
			a.log.LogAttrs(r.Context(), slog.LevelInfo, "devicesapi: unauthenticated request", slog.String("method", r.Method),
				slog.String("path", r.URL.Path), slog.String("reason", err.Error()))
			challenge := `Bearer error="invalid_token"`
			if errors.Is(err, auth.ErrNoToken) {
				challenge = `Bearer`
			}
			w.Header().Set("WWW-Authenticate", challenge)
			msg := "a valid bearer access token is required"
			if errors.Is(err, auth.ErrExpiredToken) {
				msg = "the access token has expired"
			}
			writeError(w, http.StatusUnauthorized, "unauthorized", msg)
			return
		}
		ctx := auth.NewContext(r.Context(), p)
		if err := h(w, r.WithContext(ctx), p.UserID); err != nil {
			a.fail(w, r, p.UserID, err)
		}
	})
}

// apiError is an error answered with its status and code.
type apiError struct {
	status  int
	code    string
	message string
	cause   error
}

func (e *apiError) Error() string {
	if e.cause != nil {
		return e.message + ": " + e.cause.Error()
	}
	return e.message
}

func (e *apiError) Unwrap() error { return e.cause }

func badRequest(format string, args ...any) error {
	return &apiError{status: http.StatusBadRequest, code: "invalid_request", message: fmt.Sprintf(format, args...)}
}

var errNotFound = &apiError{status: http.StatusNotFound, code: "not_found", message: "no such device"}

func (a *API) fail(w http.ResponseWriter, r *http.Request, userID string, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = &apiError{status: http.StatusInternalServerError, code: "internal", message: "internal error", cause: err}
	}
	level := slog.LevelInfo
	if ae.status >= 500 {
		level = slog.LevelError
	}
	a.log.LogAttrs(r.Context(), level, "devicesapi: request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.String("userId", userID), slog.Int("status", ae.status), slog.String("error", err.Error()))
	writeError(w, ae.status, ae.code, ae.message)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	body.Error.Code, body.Error.Message = code, message
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":{"code":"internal","message":"internal error"}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// decode reads the request body, a JSON object, into v: the right content
// type, at most MaxBodyBytes, no unknown members, nothing after it.
func decode(r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return &apiError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type", message: "the body must be application/json"}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if err != nil {
		return badRequest("cannot read the body")
	}
	if len(body) > MaxBodyBytes {
		return &apiError{status: http.StatusRequestEntityTooLarge, code: "too_large", message: fmt.Sprintf("the body is over %d bytes", MaxBodyBytes)}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("malformed body: %s", jsonProblem(err))
	}
	if dec.More() {
		return badRequest("malformed body: data after the JSON object")
	}
	return nil
}

// jsonProblem describes a decoding error without echoing the input.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("%s must be a %s", te.Field, te.Type)
	case errors.Is(err, io.EOF):
		return "empty body"
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return strings.TrimPrefix(err.Error(), "json: ")
	}
	return "not a JSON object of the expected form"
}

// Device is a device as the API shows it.
type Device struct {
	SerialNumber string              `json:"serialNumber"`
	FriendlyName string              `json:"friendlyName"`
	Status       *device.PowerStatus `json:"status"`
	Battery      *int                `json:"battery"`
	Online       bool                `json:"online"`
}

// owned returns the thing with serial if userID owns it, else errNotFound.
func (a *API) owned(ctx context.Context, userID, serial string) (device.Thing, error) {
	if !device.ValidSerialNumber(serial) {
		return device.Thing{}, errNotFound
	}
	t, err := a.registry.ThingBySerial(ctx, serial)
	switch {
	case errors.Is(err, device.ErrNotFound):
		return device.Thing{}, errNotFound
	case err != nil:
		return device.Thing{}, err
	case t.Owner != userID:
		a.log.LogAttrs(ctx, slog.LevelWarn, "devicesapi: request for a device the user does not own", slog.String("userId", userID), slog.String("serial", serial))
		return device.Thing{}, errNotFound
	}
	return t, nil
}

// view reads the device's shadow.
func (a *API) view(ctx context.Context, t device.Thing) (Device, error) {
	d := Device{SerialNumber: t.SerialNumber, FriendlyName: light.DefaultName}
	doc, err := a.shadow.Get(ctx, t.Name)
	if errors.Is(err, device.ErrNotFound) {
		return d, nil
	}
	if err != nil {
		return d, fmt.Errorf("devicesapi: reading the shadow of %q: %w", t.Name, err)
	}
	desired, _ := device.ParseLightState(doc.State.Desired, doc.Metadata.Desired)
	reported, _ := device.ParseLightState(doc.State.Reported, doc.Metadata.Reported)
	d.FriendlyName = light.Name(desired, reported)
	if reported.Status.OK {
		d.Status = &reported.Status.Value
	}
	if reported.Battery.OK {
		d.Battery = &reported.Battery.Value
	}
	d.Online = reported.Online()
	return d, nil
}

func (a *API) list(w http.ResponseWriter, r *http.Request, userID string) error {
	things, err := a.registry.ThingsByOwner(r.Context(), userID)
	if err != nil {
		return err
	}
	out := struct {
		Devices []Device `json:"devices"`
	}{Devices: make([]Device, 0, len(things))}
	for _, t := range things {
		d, err := a.view(r.Context(), t)
		if err != nil {
			return err
		}
		out.Devices = append(out.Devices, d)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) get(w http.ResponseWriter, r *http.Request, userID string) error {
	t, err := a.owned(r.Context(), userID, r.PathValue("serial"))
	if err != nil {
		return err
	}
	d, err := a.view(r.Context(), t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// ClaimRequest is the body of a claim.
type ClaimRequest struct {
	SerialNumber string `json:"serialNumber"`
	ClaimSecret  string `json:"claimSecret"`
	FriendlyName string `json:"friendlyName"`
}

func (a *API) claim(w http.ResponseWriter, r *http.Request, userID string) error {
	var req ClaimRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := device.CheckFriendlyName(req.FriendlyName); err != nil {
		return badRequest("friendlyName: %s", strings.TrimPrefix(err.Error(), "device: "))
	}
	ctx := r.Context()
	noMatch := &apiError{status: http.StatusNotFound, code: "not_found", message: "no device with this serial number and claim secret"}
	if !device.ValidSerialNumber(req.SerialNumber) || req.ClaimSecret == "" || len(req.ClaimSecret) > 128 {
		return noMatch
	}
	t, err := a.registry.ThingBySerial(ctx, req.SerialNumber)
	switch {
	case errors.Is(err, device.ErrNotFound):
		return noMatch
	case err != nil:
		return err
	case !device.CheckClaimSecret(t.ClaimSecretHash, req.ClaimSecret):
		a.log.LogAttrs(ctx, slog.LevelWarn, "devicesapi: claim with a wrong claim secret", slog.String("userId", userID), slog.String("serial", req.SerialNumber))
		return noMatch
	case t.Owner != "" && t.Owner != userID:
		return &apiError{status: http.StatusConflict, code: "already_claimed", message: "the device belongs to another account; its owner must remove it first"}
	case t.Owner == "":
		if _, err := a.registry.SetOwner(ctx, t.Name, userID, t.Version); err != nil {
			if errors.Is(err, device.ErrConflict) {
				return &apiError{status: http.StatusConflict, code: "already_claimed", message: "the device was claimed at the same time by another request; try again", cause: err}
			}
			return err
		}
	}
	if _, err := a.shadow.Update(ctx, t.Name, &device.Update{State: device.UpdateState{
		Desired: device.LightPatch{FriendlyName: &req.FriendlyName}.State(),
	}}); err != nil {
		return fmt.Errorf("devicesapi: naming %q: %w", t.Name, err)
	}
	if err := a.announce.Announce(ctx, userID, t, req.FriendlyName); err != nil {
		return unavailable("the device is yours, but Alexa could not be told; repeat the request", err)
	}
	a.log.LogAttrs(ctx, slog.LevelInfo, "devicesapi: device claimed", slog.String("userId", userID), slog.String("serial", t.SerialNumber))
	d, err := a.view(ctx, t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

func unavailable(msg string, cause error) error {
	return &apiError{status: http.StatusServiceUnavailable, code: "alexa_unavailable", message: msg, cause: cause}
}

// RenameRequest is the body of a rename.
type RenameRequest struct {
	FriendlyName string `json:"friendlyName"`
}

func (a *API) rename(w http.ResponseWriter, r *http.Request, userID string) error {
	t, err := a.owned(r.Context(), userID, r.PathValue("serial"))
	if err != nil {
		return err
	}
	var req RenameRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := device.CheckFriendlyName(req.FriendlyName); err != nil {
		return badRequest("friendlyName: %s", strings.TrimPrefix(err.Error(), "device: "))
	}
	ctx := r.Context()
	if _, err := a.shadow.Update(ctx, t.Name, &device.Update{State: device.UpdateState{
		Desired: device.LightPatch{FriendlyName: &req.FriendlyName}.State(),
	}}); err != nil {
		return fmt.Errorf("devicesapi: renaming %q: %w", t.Name, err)
	}
	if err := a.announce.Announce(ctx, userID, t, req.FriendlyName); err != nil {
		return unavailable("the device is renamed, but Alexa could not be told; repeat the request", err)
	}
	d, err := a.view(ctx, t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// PowerRequest is the body of a power switch.
type PowerRequest struct {
	Status device.PowerStatus `json:"status"`
}

func (a *API) power(w http.ResponseWriter, r *http.Request, userID string) error {
	t, err := a.owned(r.Context(), userID, r.PathValue("serial"))
	if err != nil {
		return err
	}
	var req PowerRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if !req.Status.Valid() {
		return badRequest(`status must be "on" or "off"`)
	}
	ctx := r.Context()
	cmd := device.NewCommand(device.SourceApp)
	if _, err := a.shadow.Update(ctx, t.Name, &device.Update{State: device.UpdateState{
		Desired: device.LightPatch{Status: &req.Status, Command: &cmd}.State(),
	}}); err != nil {
		return fmt.Errorf("devicesapi: switching %q: %w", t.Name, err)
	}
	a.log.LogAttrs(ctx, slog.LevelInfo, "devicesapi: power requested", slog.String("userId", userID), slog.String("serial", t.SerialNumber), slog.String("status", string(req.Status)))
	d, err := a.view(ctx, t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, d)
	return nil
}

func (a *API) remove(w http.ResponseWriter, r *http.Request, userID string) error {
	ctx := r.Context()
	t, err := a.owned(ctx, userID, r.PathValue("serial"))
	if err != nil {
		return err
	}
	// Alexa first: if it cannot be told, the device stays the user's and
	// the request can be repeated.
	if err := a.announce.Withdraw(ctx, userID, t.SerialNumber); err != nil {
		return unavailable("Alexa could not be told; the device was not removed; repeat the request", err)
	}
	if _, err := a.registry.SetOwner(ctx, t.Name, "", t.Version); err != nil {
		if errors.Is(err, device.ErrConflict) {
			return &apiError{status: http.StatusConflict, code: "conflict", message: "the device changed meanwhile; repeat the request", cause: err}
		}
		return err
	}
	if _, err := a.shadow.Update(ctx, t.Name, &device.Update{State: device.UpdateState{
		Desired: device.LightPatch{FriendlyName: device.Ptr(""), Delete: []string{device.KeyStatus, device.KeyCommand}}.State(),
	}}); err != nil {
		a.log.LogAttrs(ctx, slog.LevelError, "devicesapi: device released, but its name not cleared", slog.String("thing", t.Name), slog.String("error", err.Error()))
	}
	a.log.LogAttrs(ctx, slog.LevelInfo, "devicesapi: device removed", slog.String("userId", userID), slog.String("serial", t.SerialNumber))
	w.WriteHeader(http.StatusNoContent)
	return nil
}
