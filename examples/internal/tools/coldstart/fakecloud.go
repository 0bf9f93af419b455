package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-alexa/smarthome/examples/smartlight/auth"
	"github.com/go-alexa/smarthome/examples/smartlight/awsiot/awsiottest"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
)

// fakeCloud is everything the skill function talks to at its first
// invocation, on one loopback HTTP server, so that the measurement needs
// no network and no AWS account:
//
//   - the identity provider's JWKS (the scope token of the directive is
//     verified against it), under /cognito/pool;
//   - AWS IoT, control and data planes (package awsiottest); a desired
//     power change is acknowledged at once, as by a device that reacts
//     instantly;
//   - SSM GetParameter (the LWA client secret) and the DynamoDB calls of
//     the grant store, answered empty (awsJson, by X-Amz-Target): what
//     AcceptGrant needs, in the grants function (the skill function
//     forwards it there, and makes neither).
//
// Point AWS_ENDPOINT_URL and IOT_DATA_ENDPOINT at URL, AUTH_ISSUER at
// Issuer and, when it serves TLS, SSL_CERT_FILE at CAFile.
type fakeCloud struct {
	URL    string
	Issuer string
	User   string
	Things []device.Thing
	// Latency delays every answer, as the network to AWS would.
	Latency time.Duration
	// CAFile is the PEM file of the certificate a client must trust
	// when the cloud serves TLS; "" when it serves plain HTTP.
	CAFile string

	issuer *auth.Issuer
	iot    *awsiottest.Fake
	srv    *http.Server
}

// Identities of the fake deployment.
const (
	fakeUser          = "coldstart-user"
	fakeAlexaClientID = "coldstartalexaclient"
	fakeWebClientID   = "coldstartwebclient"
	fakeLWAClientID   = "amzn1.application-oa2-client.0c01d57a47"
)

// cloudOptions configure a fake cloud.
type cloudOptions struct {
	// Devices is how many lights the user owns.
	Devices int
	// Latency delays every answer.
	Latency time.Duration
	// TLSDir, if not "", makes the cloud serve HTTPS (HTTP/2 or 1.1, as
	// AWS and Cognito do) with a certificate of its own, written there
	// as ca.pem for clients to trust.
	TLSDir string
}

// newFakeCloud starts a fake cloud.
func newFakeCloud(o cloudOptions) (*fakeCloud, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	c := &fakeCloud{URL: "http://" + ln.Addr().String(), User: fakeUser, Latency: o.Latency}
	var cert tls.Certificate
	if o.TLSDir != "" {
		var certPEM []byte
		if cert, certPEM, err = selfSigned(); err != nil {
			ln.Close()
			return nil, err
		}
		c.CAFile = filepath.Join(o.TLSDir, "ca.pem")
		if err := os.WriteFile(c.CAFile, certPEM, 0o600); err != nil {
			ln.Close()
			return nil, err
		}
		c.URL = "https://" + ln.Addr().String()
	}
	c.Issuer = c.URL + "/cognito/pool"
	if c.issuer, err = auth.NewIssuer(c.Issuer); err != nil {
		ln.Close()
		return nil, err
	}
	c.iot, err = awsiottest.New(awsiottest.Options{AfterShadowUpdate: c.acknowledge})
	if err != nil {
		ln.Close()
		return nil, err
	}
	ctx := context.Background()
	for i := range o.Devices {
		_, hash := device.NewClaimSecret()
		t := device.Thing{
			Name:            fmt.Sprintf("coldstart-light-%d", i+1),
			SerialNumber:    fmt.Sprintf("CS-%04d", i+1),
			Owner:           fakeUser,
			ClaimSecretHash: hash,
			Version:         1,
		}
		c.iot.Put(t.Name, map[string]string{device.AttrSerialNumber: t.SerialNumber, device.AttrClaimSecretHash: t.ClaimSecretHash, device.AttrOwner: t.Owner})
		c.Things = append(c.Things, t)
		if _, err := c.iot.Shadows().Update(ctx, t.Name, &device.Update{State: device.UpdateState{Reported: device.LightPatch{
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
	if c.CAFile == "" {
		go func() { _ = c.srv.Serve(ln) }()
		return c, nil
	}
	c.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	go func() { _ = c.srv.ServeTLS(ln, "", "") }()
	return c, nil
}

// selfSigned returns a certificate for 127.0.0.1 that is its own
// authority (a P-256 key, valid for a day), and its PEM.
func selfSigned() (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()),
		Subject:      pkix.Name{CommonName: "coldstart fake cloud"},
		NotBefore:    now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

// Close stops the server.
func (c *fakeCloud) Close() error {
	_ = c.iot.Close()
	return c.srv.Close()
}

// Token returns an access token of the user for Alexa's account-linking
// client: the directive's scope token.
func (c *fakeCloud) Token() (string, error) {
	return c.issuer.Issue(auth.TokenRequest{UserID: c.User, ClientID: fakeAlexaClientID})
}

func (c *fakeCloud) serve(w http.ResponseWriter, r *http.Request) {
	if c.Latency > 0 {
		t := time.NewTimer(c.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	switch target := r.Header.Get("X-Amz-Target"); {
	case strings.HasPrefix(r.URL.Path, "/cognito/"):
		c.issuer.ServeHTTP(w, r)
	case strings.HasPrefix(target, "AmazonSSM."):
		c.ssm(w, r, strings.TrimPrefix(target, "AmazonSSM."))
	case strings.HasPrefix(target, "DynamoDB_20120810."):
		c.dynamodb(w, strings.TrimPrefix(target, "DynamoDB_20120810."))
	default:
		c.iot.Handler().ServeHTTP(w, r)
	}
}

// acknowledge plays an instant device: it reports the desired status
// with the command.
func (c *fakeCloud) acknowledge(thing string, u *device.Update) {
	status, ok := u.State.Desired[device.KeyStatus]
	if !ok {
		return
	}
	ack := device.State{device.KeyStatus: status}
	if cmd, ok := u.State.Desired[device.KeyCommand]; ok {
		ack[device.KeyCommand] = cmd
	}
	_, _ = c.iot.Shadows().Update(context.Background(), thing, &device.Update{State: device.UpdateState{Reported: ack}})
}

// awsError writes an error of the awsJson protocol (SSM, DynamoDB).
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
