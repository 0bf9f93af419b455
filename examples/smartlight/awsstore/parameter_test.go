package awsstore_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/go-alexa/smarthome/examples/smartlight/awsstore"
	"github.com/go-alexa/smarthome/stores/dynamostore"
)

// fakeSSM serves GetParameter (awsJson1.1) from a map of parameters.
type fakeSSM struct {
	mu     sync.Mutex
	params map[string]types.Parameter
	calls  []map[string]any
}

func (f *fakeSSM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fail := func(status int, typ, msg string) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
	}
	if r.Method != http.MethodPost || r.Header.Get("X-Amz-Target") != "AmazonSSM.GetParameter" ||
		r.Header.Get("Content-Type") != "application/x-amz-json-1.1" || !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
		fail(http.StatusBadRequest, "InvalidRequest", "unexpected request "+r.Method+" "+r.Header.Get("X-Amz-Target"))
		return
	}
	var in map[string]any
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		fail(http.StatusBadRequest, "SerializationException", err.Error())
		return
	}
	f.mu.Lock()
	f.calls = append(f.calls, in)
	p, ok := f.params[fmt.Sprint(in["Name"])]
	f.mu.Unlock()
	if !ok {
		fail(http.StatusBadRequest, "ParameterNotFound", "")
		return
	}
	if in["WithDecryption"] != true && p.Type == types.ParameterTypeSecureString {
		p.Value = aws.String("AQICAHencrypted...")
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(map[string]any{"Parameter": map[string]any{
		"Name": p.Name, "Type": p.Type, "Value": p.Value, "Version": 1, "DataType": "text",
	}})
}

func newSSM(t *testing.T, params ...types.Parameter) (*fakeSSM, *ssm.Client) {
	t.Helper()
	f := &fakeSSM{params: map[string]types.Parameter{}}
	for _, p := range params {
		f.params[*p.Name] = p
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, ssm.New(ssm.Options{
		BaseEndpoint: aws.String(srv.URL),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDTEST", "test-secret", ""),
	})
}

func param(name string, typ types.ParameterType, value string) types.Parameter {
	return types.Parameter{Name: aws.String(name), Type: typ, Value: aws.String(value)}
}

func TestSecureParameter(t *testing.T) {
	t.Parallel()
	const secret = "amzn1.oa2-cs.v1.s3cr3t"
	f, client := newSSM(t,
		param("/smartlight/lwa-client-secret", types.ParameterTypeSecureString, secret),
		param("/plain", types.ParameterTypeString, secret),
		param("/empty", types.ParameterTypeSecureString, ""),
	)
	got, err := awsstore.SecureParameter(t.Context(), client, "/smartlight/lwa-client-secret")
	if err != nil || string(got) != secret {
		t.Fatalf("SecureParameter = %v, %v", got, err)
	}
	if fmt.Sprint(got) == secret {
		t.Error("the secret prints in clear")
	}
	if len(f.calls) != 1 || f.calls[0]["WithDecryption"] != true || f.calls[0]["Name"] != "/smartlight/lwa-client-secret" {
		t.Errorf("GetParameter requests %v, want one with WithDecryption", f.calls)
	}

	_, err = awsstore.SecureParameter(t.Context(), client, "/plain")
	if !errors.Is(err, awsstore.ErrNotSecure) {
		t.Errorf("SecureParameter(String parameter) = %v, want ErrNotSecure", err)
	}
	var pnf *types.ParameterNotFound
	for name, check := range map[string]func(error) bool{
		"/plain":   func(err error) bool { return errors.Is(err, awsstore.ErrNotSecure) },
		"/missing": func(err error) bool { return errors.As(err, &pnf) },
		"/empty":   func(err error) bool { return err != nil },
		"":         func(err error) bool { return err != nil },
	} {
		_, err := awsstore.SecureParameter(t.Context(), client, name)
		if !check(err) {
			t.Errorf("SecureParameter(%q) = %v", name, err)
		}
		if err != nil && strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("error holds the secret: %v", err)
		}
	}
}

func TestKeyRingParameter(t *testing.T) {
	t.Parallel()
	k := dynamostore.NewKey("2025-03")
	spec := "2025-03=" + base64.StdEncoding.EncodeToString(k.Secret)
	_, client := newSSM(t,
		param("/ring", types.ParameterTypeSecureString, spec),
		param("/bad", types.ParameterTypeSecureString, "2025-03=notbase64!"),
	)
	ring, err := awsstore.KeyRingParameter(t.Context(), client, "/ring")
	if err != nil || ring.PrimaryID() != "2025-03" {
		t.Fatalf("KeyRingParameter = %v, %v", ring, err)
	}
	want, _ := dynamostore.NewAESGCM(k)
	ct, _ := want.Encrypt(t.Context(), []byte("x"), nil)
	if _, err := ring.Decrypt(t.Context(), ct, nil); err != nil {
		t.Errorf("the ring from the parameter does not hold the key: %v", err)
	}
	if _, err := awsstore.KeyRingParameter(t.Context(), client, "/bad"); err == nil || !strings.Contains(err.Error(), `"/bad"`) {
		t.Errorf("KeyRingParameter(bad) = %v", err)
	}
}
