package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/go-alexa/smarthome/examples/smartlight/auth"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/device/memory"
)

// fakeCloud is everything the skill function talks to at its first
// invocation, on one loopback HTTP server, so that the measurement needs
// no network and no AWS account:
//
//   - the identity provider's JWKS (the scope token of the directive is
//     verified against it), under /cognito/pool;
//   - AWS IoT: ListThings with an attribute filter and DescribeThing
//     (restJson1, /things), GetThingShadow and UpdateThingShadow
//     (/things/{name}/shadow), backed by the in-memory device cloud; a
//     desired power change is acknowledged at once, as by a device that
//     reacts instantly;
//   - SSM GetParameter (the LWA client secret) and the DynamoDB calls of
//     the grant store, answered empty (awsJson, by X-Amz-Target).
//
// Point AWS_ENDPOINT_URL and IOT_DATA_ENDPOINT at URL, and AUTH_ISSUER at
// Issuer.
type fakeCloud struct {
	URL    string
	Issuer string
	User   string
	Things []device.Thing

	issuer *auth.Issuer
	iot    *memory.IoT
	srv    *http.Server
}

// Identities of the fake deployment.
const (
	fakeUser          = "coldstart-user"
	fakeAlexaClientID = "coldstartalexaclient"
	fakeWebClientID   = "coldstartwebclient"
	fakeLWAClientID   = "amzn1.application-oa2-client.0c01d57a47"
)

// newFakeCloud starts a fake cloud whose user owns devices lights.
func newFakeCloud(devices int) (*fakeCloud, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	c := &fakeCloud{URL: "http://" + ln.Addr().String(), User: fakeUser}
	c.Issuer = c.URL + "/cognito/pool"
	if c.issuer, err = auth.NewIssuer(c.Issuer); err != nil {
		ln.Close()
		return nil, err
	}
	if c.iot, err = memory.New(); err != nil {
		ln.Close()
		return nil, err
	}
	ctx := context.Background()
	for i := range devices {
		_, hash := device.NewClaimSecret()
		t, err := c.iot.Provision(ctx, device.Thing{
			Name:            fmt.Sprintf("coldstart-light-%d", i+1),
			SerialNumber:    fmt.Sprintf("CS-%04d", i+1),
			Owner:           fakeUser,
			ClaimSecretHash: hash,
		})
		if err != nil {
			ln.Close()
			return nil, err
		}
		c.Things = append(c.Things, t)
		if _, err := c.iot.Update(ctx, t.Name, &device.Update{State: device.UpdateState{Reported: device.LightPatch{
			Status:       device.Ptr(device.StatusOff),
			Battery:      device.Ptr(80 - i),
			FriendlyName: device.Ptr(fmt.Sprintf("Light %d", i+1)),
			Connected:    device.Ptr(true),
		}.State()}}); err != nil {
			ln.Close()
			return nil, err
		}
	}
	c.srv = &http.Server{Handler: http.HandlerFunc(c.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = c.srv.Serve(ln) }()
	return c, nil
}

// Close stops the server.
func (c *fakeCloud) Close() error {
	_ = c.iot.Close(context.Background())
	return c.srv.Close()
}

// Token returns an access token of the user for Alexa's account-linking
// client: the directive's scope token.
func (c *fakeCloud) Token() (string, error) {
	return c.issuer.Issue(auth.TokenRequest{UserID: c.User, ClientID: fakeAlexaClientID})
}

func (c *fakeCloud) serve(w http.ResponseWriter, r *http.Request) {
	switch target := r.Header.Get("X-Amz-Target"); {
	case strings.HasPrefix(r.URL.Path, "/cognito/"):
		c.issuer.ServeHTTP(w, r)
	case strings.HasPrefix(target, "AmazonSSM."):
		c.ssm(w, r, strings.TrimPrefix(target, "AmazonSSM."))
	case strings.HasPrefix(target, "DynamoDB_20120810."):
		c.dynamodb(w, strings.TrimPrefix(target, "DynamoDB_20120810."))
	case strings.HasSuffix(r.URL.Path, "/shadow"):
		c.shadow(w, r)
	case r.URL.Path == "/things" && r.Method == http.MethodGet:
		c.listThings(w, r)
	case strings.HasPrefix(r.URL.Path, "/things/") && r.Method == http.MethodGet:
		c.describeThing(w, r)
	default:
		awsError(w, http.StatusBadRequest, "InvalidRequestException", "the fake cloud does not serve "+r.Method+" "+r.URL.Path)
	}
}

func awsError(w http.ResponseWriter, status int, errType, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", errType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": errType, "message": msg})
}

func writeJSON(w http.ResponseWriter, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	_ = json.NewEncoder(w).Encode(v)
}

func (c *fakeCloud) ssm(w http.ResponseWriter, r *http.Request, op string) {
	var in struct{ Name string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || op != "GetParameter" {
		awsError(w, http.StatusBadRequest, "InvalidRequest", "the fake cloud serves GetParameter only")
		return
	}
	writeJSON(w, "application/x-amz-json-1.1", map[string]any{"Parameter": map[string]any{
		"Name": in.Name, "Type": "SecureString", "Value": "coldstart-lwa-client-secret", "Version": 1,
	}})
}

func (c *fakeCloud) dynamodb(w http.ResponseWriter, op string) {
	switch op {
	case "GetItem", "PutItem", "DeleteItem":
		writeJSON(w, "application/x-amz-json-1.0", map[string]any{})
	case "Scan":
		writeJSON(w, "application/x-amz-json-1.0", map[string]any{"Items": []any{}, "Count": 0, "ScannedCount": 0})
	default:
		awsError(w, http.StatusBadRequest, "ValidationException", "the fake cloud does not serve "+op)
	}
}

func thingJSON(t device.Thing) map[string]any {
	attrs := map[string]string{device.AttrSerialNumber: t.SerialNumber, device.AttrClaimSecretHash: t.ClaimSecretHash}
	if t.Owner != "" {
		attrs[device.AttrOwner] = t.Owner
	}
	return map[string]any{"thingName": t.Name, "attributes": attrs, "version": t.Version,
		"thingArn": "arn:aws:iot:us-east-1:123456789012:thing/" + t.Name}
}

func (c *fakeCloud) listThings(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var things []device.Thing
	var err error
	switch q.Get("attributeName") {
	case device.AttrOwner:
		things, err = c.iot.ThingsByOwner(r.Context(), q.Get("attributeValue"))
	case device.AttrSerialNumber:
		var t device.Thing
		if t, err = c.iot.ThingBySerial(r.Context(), q.Get("attributeValue")); err == nil {
			things = []device.Thing{t}
		} else if errors.Is(err, device.ErrNotFound) {
			err = nil
		}
	default:
		err = errors.New("the fake cloud lists things by userID or serialNumber only")
	}
	if err != nil {
		awsError(w, http.StatusBadRequest, "InvalidRequestException", err.Error())
		return
	}
	out := []map[string]any{}
	for _, t := range things {
		out = append(out, thingJSON(t))
	}
	writeJSON(w, "application/json", map[string]any{"things": out})
}

func (c *fakeCloud) describeThing(w http.ResponseWriter, r *http.Request) {
	t, err := c.iot.Thing(r.Context(), strings.TrimPrefix(r.URL.Path, "/things/"))
	if err != nil {
		awsError(w, http.StatusNotFound, "ResourceNotFoundException", err.Error())
		return
	}
	writeJSON(w, "application/json", thingJSON(t))
}

func (c *fakeCloud) shadow(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/things/"), "/shadow")
	if r.Method == http.MethodGet {
		doc, err := c.iot.Get(r.Context(), name)
		if err != nil {
			awsError(w, http.StatusNotFound, "ResourceNotFoundException", "No shadow exists with name: '"+name+"'")
			return
		}
		writeJSON(w, "application/json", doc)
		return
	}
	var u device.Update
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&u); err != nil {
		awsError(w, http.StatusBadRequest, "InvalidRequestException", "Invalid JSON")
		return
	}
	doc, err := c.iot.Update(r.Context(), name, &u)
	switch {
	case errors.Is(err, device.ErrConflict):
		awsError(w, http.StatusConflict, "ConflictException", "Version conflict")
		return
	case err != nil:
		awsError(w, http.StatusBadRequest, "InvalidRequestException", err.Error())
		return
	}
	// An instant device: it reports the desired status with the command.
	if status, ok := u.State.Desired[device.KeyStatus]; ok {
		ack := device.State{device.KeyStatus: status}
		if cmd, ok := u.State.Desired[device.KeyCommand]; ok {
			ack[device.KeyCommand] = cmd
		}
		_, _ = c.iot.Update(r.Context(), name, &device.Update{State: device.UpdateState{Reported: ack}})
	}
	writeJSON(w, "application/json", doc)
}
