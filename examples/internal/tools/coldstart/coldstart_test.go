package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/go-alexa/smarthome/examples/smartlight/auth"
	"github.com/go-alexa/smarthome/examples/smartlight/awsiot"
	"github.com/go-alexa/smarthome/examples/smartlight/awsstore"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/light"
)

// The paired ratio pairs the starts by iteration, whatever their order
// of magnitude: a slow pair and a fast pair weigh alike.
func TestPairedRatio(t *testing.T) {
	t.Parallel()
	ms := func(v ...int) []sample {
		var out []sample
		for _, x := range v {
			out = append(out, sample{Answer: time.Duration(x) * time.Millisecond})
		}
		return out
	}
	if got := pairedRatio(ms(30, 60, 20), ms(20, 30, 10)); got != 2 {
		t.Errorf("pairedRatio = %v, want 2 (the ratios are 1.5, 2, 2)", got)
	}
	if got := pairedRatio(nil, nil); got != 0 {
		t.Errorf("pairedRatio of none = %v", got)
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	var d []time.Duration
	for i := 1; i <= 10; i++ {
		d = append(d, time.Duration(i))
	}
	for p, want := range map[float64]time.Duration{50: 5, 90: 9, 100: 10, 0: 1, 1: 1} {
		if got := percentile(d, p); got != want {
			t.Errorf("percentile(1..10, %v) = %d, want %d", p, got, want)
		}
	}
	if got := percentile([]time.Duration{7}, 90); got != 7 {
		t.Errorf("percentile of one = %d", got)
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("percentile of none = %d", got)
	}
}

func TestRuntimeAPI(t *testing.T) {
	t.Parallel()
	api, err := newRuntimeAPI([]byte(`{"directive":{}}`), "req-1")
	if err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	base := "http://" + api.Addr() + runtimeAPIPrefix

	resp, err := http.Get(base + "/invocation/next")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != `{"directive":{}}` || resp.Header.Get("Lambda-Runtime-Aws-Request-Id") != "req-1" ||
		resp.Header.Get("Lambda-Runtime-Deadline-Ms") == "" || resp.Header.Get("Lambda-Runtime-Invoked-Function-Arn") == "" {
		t.Fatalf("next = %d %q %v", resp.StatusCode, body, resp.Header)
	}

	// A second poll is held: there is no other event.
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/invocation/next", nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("a second poll got %d, want it held", resp.StatusCode)
	}

	resp, err = http.Post(base+"/invocation/req-1/response", "application/json", strings.NewReader(`{"ok":true}`))
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("response = %v, %v", resp, err)
	}
	resp.Body.Close()
	res := <-api.Result()
	if res.Err != nil || string(res.Body) != `{"ok":true}` || res.NextAt.IsZero() || res.At.Before(res.NextAt) {
		t.Errorf("result %+v", res)
	}
}

func TestRuntimeAPIErrors(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]string{
		"/invocation/req-1/error":    "invocation error",
		"/init/error":                "initialization error",
		"/invocation/other/response": `response for request "other"`,
	} {
		api, err := newRuntimeAPI([]byte(`{}`), "req-1")
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Post("http://"+api.Addr()+runtimeAPIPrefix+path, "application/json", strings.NewReader(`{"errorMessage":"boom"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if res := <-api.Result(); res.Err == nil || !strings.Contains(res.Err.Error(), want) {
			t.Errorf("POST %s: result error %v, want %q", path, res.Err, want)
		}
		api.Close()
	}
}

// The measurement loop, on the baseline function: built, started with the
// Lambda environment, served an event, timed, and killed.
func TestMeasureBaseline(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "baseline")
	if err := build(t.Context(), "./internal/tools/coldstart/baseline", bin, "", "", buildMode{}); err != nil {
		t.Fatal(err)
	}
	env := append(lambdaEnvironment("baseline"), `COLDSTART_REPLY={"event":{"header":{"name":"Response"}}}`)
	for range 2 {
		s, err := measure(t.Context(), bin, env, []byte(`{"directive":{}}`), 20*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if string(s.Reply) != `{"event":{"header":{"name":"Response"}}}` {
			t.Errorf("reply %q", s.Reply)
		}
		if s.Init <= 0 || s.Answer < s.Init || s.Answer > 20*time.Second {
			t.Errorf("init %v, answer %v", s.Init, s.Answer)
		}
		// A Go process faults on at least its heap, stacks and data.
		if runtime.GOOS == "linux" && s.Faults < 50 {
			t.Errorf("%d page faults counted", s.Faults)
		}
		if runtime.GOOS == "linux" && (s.CPU <= 0 || s.CPU > 20*time.Second) {
			t.Errorf("CPU time %v", s.CPU)
		}
	}

	// A process that exits without answering is reported.
	if _, err := measure(t.Context(), "/bin/true", nil, []byte(`{}`), 5*time.Second); err == nil || !strings.Contains(err.Error(), "exited before answering") {
		t.Errorf("measure(/bin/true) = %v", err)
	}
}

// measured takes the median of the page faults and of the CPU times, or
// says they were not measured.
func TestMeasured(t *testing.T) {
	t.Parallel()
	for _, v := range []struct {
		of   []int64
		want int64
	}{{[]int64{700, 300, 500}, 500}, {[]int64{4, 1, 3, 2}, 2}, {[]int64{9}, 9}, {nil, -1}, {[]int64{5, -1, 7}, -1}} {
		var f, c []sample
		for _, n := range v.of {
			f = append(f, sample{Faults: n, CPU: 1})
			c = append(c, sample{Faults: 1, CPU: time.Duration(n)})
		}
		if got := measured(f, faults); got != v.want {
			t.Errorf("measured(%v, faults) = %d, want %d", v.of, got, v.want)
		}
		if got := measured(c, cpu); got != time.Duration(v.want) {
			t.Errorf("measured(%v, cpu) = %v, want %v", v.of, got, time.Duration(v.want))
		}
	}
}

func TestFaultCost(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("measured on Linux")
	}
	d, err := faultCost()
	if err != nil || d <= 0 || d > time.Second {
		t.Errorf("faultCost() = %v, %v", d, err)
	}
}

// The fake cloud answers the skill's AWS calls as AWS does: checked
// through the same adapters and clients the skill uses.
func TestFakeCloud(t *testing.T) {
	t.Parallel()
	c, err := newFakeCloud(cloudOptions{Devices: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := t.Context()
	creds := credentials.NewStaticCredentialsProvider("AKID", "secret", "")

	reg := awsiot.NewRegistry(iot.New(iot.Options{BaseEndpoint: aws.String(c.URL), Region: "us-east-1", Credentials: creds}))
	things, err := reg.ThingsByOwner(ctx, fakeUser)
	if err != nil || len(things) != 3 || things[0].SerialNumber != "CS-0001" {
		t.Fatalf("ThingsByOwner = %+v, %v", things, err)
	}
	if th, err := reg.ThingBySerial(ctx, "CS-0002"); err != nil || th.Name != "coldstart-light-2" {
		t.Fatalf("ThingBySerial = %+v, %v", th, err)
	}
	if th, err := reg.Thing(ctx, "coldstart-light-3"); err != nil || th.Owner != fakeUser {
		t.Fatalf("Thing = %+v, %v", th, err)
	}

	sh := awsiot.NewShadow(iotdataplane.New(iotdataplane.Options{BaseEndpoint: aws.String(c.URL), Region: "us-east-1", Credentials: creds}))
	cmd := device.NewCommand(device.SourceAlexa)
	if _, err := sh.Update(ctx, "coldstart-light-1", &device.Update{State: device.UpdateState{
		Desired: device.LightPatch{Status: device.Ptr(device.StatusOn), Command: &cmd}.State(),
	}}); err != nil {
		t.Fatal(err)
	}
	doc, err := sh.Get(ctx, "coldstart-light-1")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := device.ParseLightState(doc.State.Reported, doc.Metadata.Reported)
	if err != nil || rep.Status.Value != device.StatusOn || rep.Command.Value != cmd || rep.Battery.Value != 80 || !rep.Online() {
		t.Errorf("reported %+v, %v: want the command acknowledged at once", rep, err)
	}

	secret, err := awsstore.SecureParameter(ctx, ssm.New(ssm.Options{BaseEndpoint: aws.String(c.URL), Region: "us-east-1", Credentials: creds}), "/smartlight/lwa-client-secret")
	if err != nil || secret == "" {
		t.Errorf("SecureParameter = %v", err)
	}

	checkToken(t, c, nil)
}

// checkToken checks that the user's token from c verifies against c's
// JWKS, fetched with hc (nil: a default client).
func checkToken(t *testing.T, c *fakeCloud, hc *http.Client) {
	t.Helper()
	ctx := t.Context()
	v, err := auth.NewVerifier(ctx, auth.Config{Issuer: c.Issuer, ClientIDs: []string{fakeAlexaClientID}, HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := c.Token()
	if err != nil {
		t.Fatal(err)
	}
	if p, err := v.Verify(ctx, tok); err != nil || p.UserID != fakeUser {
		t.Errorf("Verify = %+v, %v", p, err)
	}
}

func TestDirectiveAndReply(t *testing.T) {
	t.Parallel()
	c, err := newFakeCloud(cloudOptions{Devices: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, name := range []string{"discover", "turnon", "reportstate"} {
		b, err := directive(c, name, true)
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			Directive struct {
				Header   map[string]string `json:"header"`
				Endpoint *struct {
					EndpointID string            `json:"endpointId"`
					Cookie     map[string]string `json:"cookie"`
				} `json:"endpoint"`
				Payload struct {
					Scope *struct{ Token string } `json:"scope"`
				} `json:"payload"`
			} `json:"directive"`
		}
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		h := d.Directive.Header
		switch name {
		case "discover":
			if h["namespace"] != "Alexa.Discovery" || h["name"] != "Discover" || d.Directive.Payload.Scope == nil || d.Directive.Payload.Scope.Token == "" {
				t.Errorf("discover directive %s", b)
			}
		case "turnon", "reportstate":
			if wantName := map[string]string{"turnon": "TurnOn", "reportstate": "ReportState"}[name]; h["name"] != wantName || h["correlationToken"] == "" || d.Directive.Endpoint == nil || d.Directive.Endpoint.EndpointID != "CS-0001" {
				t.Errorf("turnon directive %s", b)
			}
			// The cookie the skill's discovery sets, which Alexa echoes.
			if d.Directive.Endpoint != nil && light.CookieThing(d.Directive.Endpoint.Cookie) != c.Things[0].Name {
				t.Errorf("%s directive's cookie %v, want the one naming %s", name, d.Directive.Endpoint.Cookie, c.Things[0].Name)
			}
			plain, err := directive(c, name, false)
			if err != nil || strings.Contains(string(plain), c.Things[0].Name) {
				t.Errorf("%s directive without the cookie: %s, %v", name, plain, err)
			}
		}
		if h["payloadVersion"] != "3" || len(h["messageId"]) != 36 {
			t.Errorf("header %v", h)
		}
	}

	ok := `{"event":{"header":{"namespace":"Alexa.Discovery","name":"Discover.Response"},"payload":{"endpoints":[{},{}]}}}`
	if err := checkReply([]byte(ok), "discover", 2); err != nil {
		t.Error(err)
	}
	if err := checkReply([]byte(`{"event":{"header":{"namespace":"Alexa","name":"StateReport"}}}`), "reportstate", 2); err != nil {
		t.Error(err)
	}
	if err := checkReply([]byte(`{"event":{"header":{"namespace":"Alexa","name":"Response"}}}`), "reportstate", 2); err == nil {
		t.Error("a Response accepted for ReportState")
	}
	for reply, want := range map[string]string{
		ok: "with 2 endpoints",
		`{"event":{"header":{"namespace":"Alexa","name":"ErrorResponse"},"payload":{"type":"INTERNAL_ERROR","message":"x"}}}`: "INTERNAL_ERROR",
		`not json`: "not an Alexa event",
	} {
		if err := checkReply([]byte(reply), "discover", 3); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("checkReply(%s) = %v, want %q", reply, err, want)
		}
	}
}

// The whole command against the real skill, once it exists.
func TestSkillColdStart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the skill; skipped with -short")
	}
	dir, err := moduleDir(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "smartlight/cmd/skill")); err != nil {
		t.Skip("no ./smartlight/cmd/skill yet")
	}
	for _, args := range [][]string{
		{"-directive", "discover"},
		{"-directive", "turnon"},
		{"-directive", "reportstate"},
		// The floor of the skill's work, which fails its invocation
		// unless every exchange succeeded and the device acknowledged.
		{"-directive", "turnon", "-baseline", "./internal/tools/coldstart/sameio"},
	} {
		var out, errs bytes.Buffer
		// Built as this test binary was, the skill reuses its build cache:
		// a deployment build would compile the AWS SDK once more (minutes
		// on a cold cache), and this test checks the tool, not the figures.
		if err := run(t.Context(), append([]string{"-n", "2", "-sizes=false", "-testbuild", testBuild}, args...), &out, &errs); err != nil {
			t.Fatalf("%s: %v\n%s", args, err, errs.String())
		}
		if !strings.Contains(out.String(), "skill") || !strings.Contains(out.String(), "baseline") {
			t.Errorf("%s report:\n%s", args, out.String())
		}
	}
	// Without the endpoint cookie, the floor cannot know the thing to
	// read at once, and says so: the tool reports its failed invocation.
	var out, errs bytes.Buffer
	err = run(t.Context(), []string{"-n", "1", "-sizes=false", "-testbuild", testBuild, "-directive", "turnon", "-cookie=false",
		"-baseline", "./internal/tools/coldstart/sameio"}, &out, &errs)
	if err == nil || !strings.Contains(err.Error(), "baseline") || !strings.Contains(err.Error(), "no thing in its cookie") {
		t.Errorf("sameio without a cookie: %v, want its invocation error", err)
	}
	// Nor does it measure another directive as if it were a TurnOn.
	err = run(t.Context(), []string{"-n", "1", "-sizes=false", "-testbuild", testBuild, "-directive", "reportstate",
		"-baseline", "./internal/tools/coldstart/sameio"}, &out, &errs)
	if err == nil || !strings.Contains(err.Error(), "baseline") || !strings.Contains(err.Error(), "TurnOn only") {
		t.Errorf("sameio for a ReportState: %v, want its invocation error", err)
	}
}

// With TLSDir, the fake cloud serves HTTPS with a certificate written
// there, which a client trusting that file accepts, and no other does.
func TestFakeCloudTLS(t *testing.T) {
	t.Parallel()
	c, err := newFakeCloud(cloudOptions{Devices: 1, TLSDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if !strings.HasPrefix(c.URL, "https://") || c.CAFile == "" {
		t.Fatalf("URL %s, CAFile %q", c.URL, c.CAFile)
	}
	pemBytes, err := os.ReadFile(c.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatal("CAFile holds no certificate")
	}
	checkToken(t, c, &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}})
	if env := strings.Join(skillEnvironment(c), "\n"); !strings.Contains(env, "SSL_CERT_FILE="+c.CAFile) || !strings.Contains(env, "AWS_CA_BUNDLE="+c.CAFile) || !strings.Contains(env, "AWS_ENDPOINT_URL=https://") {
		t.Errorf("the skill's environment does not trust the cloud's certificate:\n%s", env)
	}
	// A client that does not trust it is refused.
	resp, err := http.Get(c.Issuer + "/.well-known/jwks.json")
	if err == nil {
		resp.Body.Close()
		t.Error("a client without the certificate reached the cloud")
	}
}
