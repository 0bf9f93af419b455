package devicesapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/go-alexa/smarthome/enablement"
	"github.com/go-alexa/smarthome/examples/smartlight/applink"
)

// Linker runs app-to-app account linking for the caller; [*applink.Linker]
// implements it. With [Config].Linker the API serves:
//
//	GET    /alexa-link           {"status": "ENABLED" | "DISABLED"}
//	POST   /alexa-link           {"next": <Login with Amazon URL>}            step 1
//	POST   /alexa-link/amazon    {"callback": <LWA's redirect query>}
//	                             → {"next": <account-linking sign-in URL>}   step 2
//	POST   /alexa-link/enable    {"callback": <the sign-in's redirect query>}
//	                             → {"status": "ENABLED"}                      step 3
//	DELETE /alexa-link           {"status": "DISABLED"}
//
// The web app sends the browser to each "next" URL; both come back to the
// app's page with a query, which the app posts as "callback". A state that
// is forged, another user's or stale is 400 "bad_state"; a refusal at
// Amazon or at sign-in is 400 "denied"; a failure at Amazon is 502.
type Linker interface {
	Status(ctx context.Context, userID string) (applink.Status, error)
	Start(ctx context.Context, userID string) (string, error)
	Amazon(ctx context.Context, userID string, callback url.Values) (string, error)
	Enable(ctx context.Context, userID string, callback url.Values) error
	Disable(ctx context.Context, userID string) error
}

// linkRoutes registers the routes of app-to-app linking.
func (a *API) linkRoutes() {
	a.mux.Handle("GET /alexa-link", a.authed(a.linkStatus))
	a.mux.Handle("POST /alexa-link", a.authed(a.linkStart))
	a.mux.Handle("POST /alexa-link/amazon", a.authed(a.linkAmazon))
	a.mux.Handle("POST /alexa-link/enable", a.authed(a.linkEnable))
	a.mux.Handle("DELETE /alexa-link", a.authed(a.linkDisable))
}

type linkStatus struct {
	Status applink.Status `json:"status"`
}

type linkNext struct {
	Next string `json:"next"`
}

type linkCallback struct {
	Callback string `json:"callback"`
}

// linkError maps a linking failure to the answer.
func linkError(err error) error {
	var ee *enablement.Error
	switch {
	case errors.Is(err, enablement.ErrBadState):
		return &apiError{status: http.StatusBadRequest, code: "bad_state", message: "the link request is not this user's, or it expired; start again", cause: err}
	case errors.Is(err, enablement.ErrDenied):
		return &apiError{status: http.StatusBadRequest, code: "denied", message: "the link was not allowed", cause: err}
	case errors.As(err, &ee):
		return &apiError{status: http.StatusBadGateway, code: "alexa", message: "Amazon refused or did not answer; try again", cause: err}
	}
	return err
}

func (a *API) linkStatus(w http.ResponseWriter, r *http.Request, userID string) error {
	st, err := a.linker.Status(r.Context(), userID)
	if err != nil {
		return linkError(err)
	}
	writeJSON(w, http.StatusOK, linkStatus{st})
	return nil
}

func (a *API) linkStart(w http.ResponseWriter, r *http.Request, userID string) error {
	next, err := a.linker.Start(r.Context(), userID)
	if err != nil {
		return linkError(err)
	}
	writeJSON(w, http.StatusOK, linkNext{next})
	return nil
}

func readCallback(r *http.Request) (url.Values, error) {
	var body linkCallback
	if err := decode(r, &body); err != nil {
		return nil, err
	}
	q, err := url.ParseQuery(body.Callback)
	if err != nil || body.Callback == "" {
		return nil, badRequest("callback must be the query string of the redirect")
	}
	return q, nil
}

func (a *API) linkAmazon(w http.ResponseWriter, r *http.Request, userID string) error {
	q, err := readCallback(r)
	if err != nil {
		return err
	}
	next, err := a.linker.Amazon(r.Context(), userID, q)
	if err != nil {
		return linkError(err)
	}
	writeJSON(w, http.StatusOK, linkNext{next})
	return nil
}

func (a *API) linkEnable(w http.ResponseWriter, r *http.Request, userID string) error {
	q, err := readCallback(r)
	if err != nil {
		return err
	}
	if err := a.linker.Enable(r.Context(), userID, q); err != nil {
		return linkError(err)
	}
	writeJSON(w, http.StatusOK, linkStatus{applink.Enabled})
	return nil
}

func (a *API) linkDisable(w http.ResponseWriter, r *http.Request, userID string) error {
	if err := a.linker.Disable(r.Context(), userID); err != nil {
		return linkError(err)
	}
	writeJSON(w, http.StatusOK, linkStatus{applink.Disabled})
	return nil
}
