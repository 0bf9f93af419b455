package iothttp_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iot"

	"github.com/go-alexa/smarthome/examples/smartlight/awsiot"
	"github.com/go-alexa/smarthome/examples/smartlight/awsiot/awsiottest"
	"github.com/go-alexa/smarthome/examples/smartlight/awsiot/iothttp"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/device/devicetest"
)

const (
	testRegion = "us-east-1"
	testKeyID  = "AKIDTESTFAKE"
	basePath   = "/base"
)

// fixture is the fake AWS IoT on two test servers (one per plane, under a
// base path), checking every request's SigV4 signature, and a Client for
// it.
type fixture struct {
	*awsiottest.Fake
	c                   *iothttp.Client
	controlURL, dataURL string
}

func newFixture(t *testing.T, pageSize int) *fixture {
	t.Helper()
	fake, err := awsiottest.New(awsiottest.Options{PageSize: pageSize, BasePath: basePath, AccessKeyID: testKeyID, Region: testRegion, Errorf: t.Errorf})
	if err != nil {
		t.Fatal(err)
	}
	control, data := httptest.NewServer(fake.Handler()), httptest.NewServer(fake.Handler())
	t.Cleanup(func() {
		control.Close()
		data.Close()
		_ = fake.Close()
	})
	f := &fixture{Fake: fake, controlURL: control.URL + basePath, dataURL: data.URL + basePath}
	f.c, err = iothttp.New(iothttp.Config{
		Region: testRegion, Credentials: credentials.NewStaticCredentialsProvider(testKeyID, "test-secret", ""),
		ControlEndpoint: f.controlURL, DataEndpoint: f.dataURL, Backoff: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// sdkRegistry is package awsiot's registry on the same fake, to provision.
func (f *fixture) sdkRegistry() *awsiot.Registry {
	return awsiot.NewRegistry(iot.New(iot.Options{
		BaseEndpoint: aws.String(f.controlURL), Region: testRegion,
		Credentials: credentials.NewStaticCredentialsProvider(testKeyID, "test-secret", ""),
	}))
}

// The adapters pass the conformance tests of the in-memory device cloud
// and of package awsiot's adapters.
func TestRegistryConformance(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1) // one thing per page: every lookup paginates
	devicetest.TestRegistry(t, devicetest.RegistryFixture{Registry: f.c.Registry(), Provision: f.sdkRegistry().Provision, Prefix: "ct-"})
}

func TestShadowConformance(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 10)
	devicetest.TestShadow(t, f.c.Shadow(), "lightA")
}

// Throttling and 5xx answers are tried again, up to the attempts; a 4xx
// is not; the errors wrap the device sentinels and the APIError.
func TestRetriesAndErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 10)
	ctx := t.Context()
	f.Put("lamp", map[string]string{device.AttrSerialNumber: "SN-1"})
	f.FailNext(2, http.StatusServiceUnavailable, "ServiceUnavailableException")
	if th, err := f.c.Registry().ThingBySerial(ctx, "SN-1"); err != nil || th.Name != "lamp" {
		t.Fatalf("ThingBySerial after two 503s = %+v, %v", th, err)
	}
	f.Requests()
	f.FailNext(3, http.StatusTooManyRequests, "ThrottlingException")
	_, err := f.c.Shadow().Get(ctx, "lamp")
	var ae *iothttp.APIError
	if !errors.As(err, &ae) || ae.Type != "ThrottlingException" || len(f.Requests()) != iothttp.DefaultAttempts {
		t.Errorf("Get throttled three times = %v; want the ThrottlingException after %d attempts", err, iothttp.DefaultAttempts)
	}
	if _, err := f.c.Shadow().Get(ctx, "nothing-here"); !errors.Is(err, device.ErrNotFound) || !errors.As(err, &ae) || ae.Status != http.StatusNotFound {
		t.Errorf("Get of a thing without a shadow = %v, want ErrNotFound", err)
	}
	f.Requests()
	f.FailNext(1, http.StatusBadRequest, "InvalidRequestException")
	if _, err := f.c.Shadow().Update(ctx, "lamp", &device.Update{}); !errors.Is(err, device.ErrInvalidUpdate) || len(f.Requests()) != 1 {
		t.Errorf("Update refused = %v; want ErrInvalidUpdate after one attempt", err)
	}
}

func TestDataEndpoint(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 10)
	got, err := f.c.DataEndpoint(t.Context())
	if want := "a1b2c3d4e5f6g7-ats.iot." + testRegion + ".amazonaws.com"; err != nil || got != want {
		t.Errorf("DataEndpoint = %q, %v; want %q", got, err, want)
	}
	for _, bad := range []string{"", "ftp://x", "https://"} {
		if _, err := iothttp.EndpointURL(bad); err == nil {
			t.Errorf("EndpointURL(%q) accepted", bad)
		}
	}
	if u, err := iothttp.EndpointURL("abc-ats.iot.eu-west-1.amazonaws.com"); err != nil || u != "https://abc-ats.iot.eu-west-1.amazonaws.com" {
		t.Errorf("EndpointURL(host) = %q, %v", u, err)
	}
	if _, err := iothttp.New(iothttp.Config{Region: testRegion}); err == nil {
		t.Error("New without credentials accepted")
	}
}
