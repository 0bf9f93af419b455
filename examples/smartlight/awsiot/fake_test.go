package awsiot_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane"

	"github.com/go-alexa/smarthome/examples/smartlight/awsiot/awsiottest"
)

// fakeIoT is the fake AWS IoT (package awsiottest) on a test server, with
// both planes under a non-empty base path (to catch clients that build
// absolute paths) and every request checked for a SigV4 signature of the
// test credentials; a request that breaks those rules fails the test.
type fakeIoT struct {
	*awsiottest.Fake
	controlURL, dataURL string
}

// fakeRequest is a request as the fake received it.
type fakeRequest = awsiottest.Request

const (
	testRegion = "us-east-1"
	testKeyID  = "AKIDTESTFAKE"
	basePath   = "/base"
)

func newFakeIoT(t *testing.T, pageSize int) *fakeIoT {
	t.Helper()
	fake, err := awsiottest.New(awsiottest.Options{
		PageSize: pageSize, BasePath: basePath, AccessKeyID: testKeyID, Region: testRegion, Errorf: t.Errorf,
	})
	if err != nil {
		t.Fatal(err)
	}
	// One server per plane, as AWS has two endpoints.
	control, data := httptest.NewServer(fake.Handler()), httptest.NewServer(fake.Handler())
	t.Cleanup(func() {
		control.Close()
		data.Close()
		_ = fake.Close()
	})
	return &fakeIoT{Fake: fake, controlURL: control.URL + basePath, dataURL: data.URL + basePath}
}

func (f *fakeIoT) put(name string, attrs map[string]string) { f.Put(name, attrs) }
func (f *fakeIoT) failNext(n, status int, errType string)   { f.FailNext(n, status, errType) }
func (f *fakeIoT) requests() []fakeRequest                  { return f.Requests() }

// Clients for the fake: static credentials, the fake's endpoints, and a
// retryer with short backoffs.

func testRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxBackoff = 5 * time.Millisecond })
}

func (f *fakeIoT) iotClient() *iot.Client {
	return iot.New(iot.Options{
		BaseEndpoint: aws.String(f.controlURL),
		Region:       testRegion,
		Credentials:  credentials.NewStaticCredentialsProvider(testKeyID, "test-secret", ""),
		Retryer:      testRetryer(),
	})
}

func (f *fakeIoT) dataClient() *iotdataplane.Client {
	return iotdataplane.New(iotdataplane.Options{
		BaseEndpoint: aws.String(f.dataURL),
		Region:       testRegion,
		Credentials:  credentials.NewStaticCredentialsProvider(testKeyID, "test-secret", ""),
		Retryer:      testRetryer(),
	})
}
