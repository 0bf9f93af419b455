// Command sameio is the floor of the skill's work at its first power
// directive: the least a Go Lambda function can do to answer it, with the
// standard library and the AWS SDK's SigV4 signer only (the skill uses
// that signer too). The coldstart command measures it in place of the
// minimal baseline with -baseline ./internal/tools/coldstart/sameio, to
// split the skill's extra start time into the work the directive needs
// and what the skill adds to that work.
//
// As the skill, it fetches the identity provider's JWKS from its start,
// and for the directive it reads the registry's thing of the endpoint's
// serial number (ListThings) and the shadow of the cookie's thing at once,
// verifies the scope token (RS256 against the JWKS; its issuer, use,
// client and expiry), checks that the token's user owns the thing, writes
// the desired status with a fresh command, and reads the shadow back for
// the device's acknowledgement: the skill's exchanges in the skill's
// order, over one plain http.Client. It has none of the skill's
// configuration checks, logs, retries, timeouts or reply building: it
// answers with COLDSTART_REPLY (the skill's own reply), as the minimal
// baseline does. It fails the invocation if an exchange fails or the
// device did not acknowledge, so that a change in the fake cloud or in
// the skill's protocol cannot make it measure less work unnoticed.
package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

func main() {
	reply := json.RawMessage(os.Getenv("COLDSTART_REPLY"))
	if !json.Valid(reply) {
		reply = json.RawMessage(`{}`)
	}
	f := &function{
		issuer:   os.Getenv("AUTH_ISSUER"),
		clientID: os.Getenv("AUTH_ALEXA_CLIENT_IDS"),
		control:  os.Getenv("AWS_ENDPOINT_URL"),
		data:     os.Getenv("IOT_DATA_ENDPOINT"),
		region:   os.Getenv("AWS_REGION"),
		creds: aws.Credentials{AccessKeyID: os.Getenv("AWS_ACCESS_KEY_ID"),
			SecretAccessKey: os.Getenv("AWS_SECRET_ACCESS_KEY"), SessionToken: os.Getenv("AWS_SESSION_TOKEN")},
		signer: v4.NewSigner(),
		client: &http.Client{},
		ready:  make(chan struct{}),
	}
	// Under -tls, it trusts the fake cloud's certificate alone, as the
	// skill does (AWS_CA_BUNDLE), rather than the system's root store,
	// whose parsing would cost it about 10 ms.
	if file := os.Getenv("AWS_CA_BUNDLE"); file != "" {
		pem, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		roots := x509.NewCertPool()
		roots.AppendCertsFromPEM(pem)
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.TLSClientConfig = &tls.Config{RootCAs: roots}
		f.client.Transport = t
	}
	go f.fetchKeys()
	lambda.Start(func(ctx context.Context, event json.RawMessage) (json.RawMessage, error) {
		if err := f.turnOn(ctx, event); err != nil {
			return nil, err
		}
		return reply, nil
	})
}

// function is the floor's state: its configuration, and the JWKS, set
// once ready is closed.
type function struct {
	issuer, clientID, control, data, region string

	creds  aws.Credentials
	signer *v4.Signer
	client *http.Client

	ready   chan struct{}
	keys    map[string]*rsa.PublicKey
	keysErr error
}

// fetchKeys fetches and parses the JWKS, then closes f.ready.
func (f *function) fetchKeys() {
	defer close(f.ready)
	f.keys = map[string]*rsa.PublicKey{}
	body, err := f.do(context.Background(), http.MethodGet, f.issuer+"/.well-known/jwks.json", "", nil)
	if err != nil {
		f.keysErr = err
		return
	}
	var set struct {
		Keys []struct{ Kty, Kid, N, E string } `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		f.keysErr = err
		return
	}
	for _, k := range set.Keys {
		n, nerr := base64.RawURLEncoding.DecodeString(k.N)
		e, eerr := base64.RawURLEncoding.DecodeString(k.E)
		if k.Kty != "RSA" || nerr != nil || eerr != nil || len(e) == 0 || len(e) > 4 {
			continue
		}
		f.keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	}
}

// turnOn does the skill's work for a TurnOn directive.
func (f *function) turnOn(ctx context.Context, event []byte) error {
	var in struct {
		Directive struct {
			Header struct {
				Namespace string `json:"namespace"`
				Name      string `json:"name"`
			} `json:"header"`
			Endpoint struct {
				EndpointID string                 `json:"endpointId"`
				Scope      struct{ Token string } `json:"scope"`
				Cookie     map[string]string      `json:"cookie"`
			} `json:"endpoint"`
		} `json:"directive"`
	}
	if err := json.Unmarshal(event, &in); err != nil {
		return err
	}
	// It knows one directive's work: measured against another, it would
	// measure a TurnOn's.
	if h := in.Directive.Header; h.Namespace != "Alexa.PowerController" || h.Name != "TurnOn" {
		return fmt.Errorf("sameio: it answers Alexa.PowerController TurnOn only (run the tool with -directive turnon), not %s %s", h.Namespace, h.Name)
	}
	e := in.Directive.Endpoint
	thing := e.Cookie["thing"]
	if e.EndpointID == "" || thing == "" {
		return errors.New("sameio: the directive has no endpoint id or no thing in its cookie")
	}
	type result struct {
		body []byte
		err  error
	}
	found, read := make(chan result, 1), make(chan result, 1)
	go func() {
		q := url.Values{"attributeName": {"serialNumber"}, "attributeValue": {e.EndpointID}, "maxResults": {"250"}}
		b, err := f.do(ctx, http.MethodGet, f.control+"/things?"+q.Encode(), "iot", nil)
		found <- result{b, err}
	}()
	go func() {
		b, err := f.do(ctx, http.MethodGet, f.data+"/things/"+url.PathEscape(thing)+"/shadow", "iotdata", nil)
		read <- result{b, err}
	}()
	user, err := f.verify(e.Scope.Token)
	if err != nil {
		return err
	}
	r := <-found
	if r.err != nil {
		return r.err
	}
	var list struct {
		Things []struct {
			ThingName  string            `json:"thingName"`
			Attributes map[string]string `json:"attributes"`
		} `json:"things"`
	}
	if err := json.Unmarshal(r.body, &list); err != nil {
		return err
	}
	if len(list.Things) != 1 || list.Things[0].ThingName != thing || list.Things[0].Attributes["userID"] != user {
		return fmt.Errorf("sameio: endpoint %s is not the user's thing %s", e.EndpointID, thing)
	}
	if r := <-read; r.err != nil {
		return r.err
	}
	var id [16]byte
	_, _ = rand.Read(id[:])
	command := "alexa:" + hex.EncodeToString(id[:])
	update := `{"state":{"desired":{"status":"on","command":"` + command + `"}}}`
	if _, err := f.do(ctx, http.MethodPost, f.data+"/things/"+url.PathEscape(thing)+"/shadow", "iotdata", []byte(update)); err != nil {
		return err
	}
	b, err := f.do(ctx, http.MethodGet, f.data+"/things/"+url.PathEscape(thing)+"/shadow", "iotdata", nil)
	if err != nil {
		return err
	}
	var shadow struct {
		State struct {
			Reported struct{ Status, Command string } `json:"reported"`
		} `json:"state"`
	}
	if err := json.Unmarshal(b, &shadow); err != nil {
		return err
	}
	if shadow.State.Reported.Command != command || shadow.State.Reported.Status != "on" {
		return errors.New("sameio: the device did not acknowledge the command")
	}
	return nil
}

// verify checks the RS256 access token against the JWKS and returns its
// subject.
func (f *function) verify(token string) (string, error) {
	<-f.ready
	if f.keysErr != nil {
		return "", f.keysErr
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", errors.New("sameio: not a JWT")
	}
	var header struct{ Alg, Kid string }
	if err := decodeSegment(parts[0], &header); err != nil {
		return "", err
	}
	key := f.keys[header.Kid]
	if header.Alg != "RS256" || key == nil {
		return "", errors.New("sameio: unknown key or algorithm")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(token[:len(parts[0])+1+len(parts[1])]))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig); err != nil {
		return "", err
	}
	var claims struct {
		Iss, Sub string
		ClientID string `json:"client_id"`
		TokenUse string `json:"token_use"`
		Exp      int64
	}
	if err := decodeSegment(parts[1], &claims); err != nil {
		return "", err
	}
	if claims.Iss != f.issuer || claims.TokenUse != "access" || claims.ClientID != f.clientID || time.Now().Unix() >= claims.Exp || claims.Sub == "" {
		return "", errors.New("sameio: the token's claims are not valid")
	}
	return claims.Sub, nil
}

func decodeSegment(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// do sends one request, signed for service unless service is "", and
// returns the body of its 2xx answer.
func (f *function) do(ctx context.Context, method, u, service string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if service != "" {
		sum := sha256.Sum256(body)
		if err := f.signer.SignHTTP(ctx, f.creds, req, hex.EncodeToString(sum[:]), service, f.region, time.Now()); err != nil {
			return nil, err
		}
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("sameio: %s %s: %s", method, u, resp.Status)
	}
	return b, nil
}
