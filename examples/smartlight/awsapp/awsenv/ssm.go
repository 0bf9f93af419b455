package awsenv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/go-alexa/smarthome/alexa"
)

// ErrNotSecure is returned by [SecureParameter] for a parameter that is
// not a SecureString: a secret must not be stored in plain text.
var ErrNotSecure = errors.New("awsenv: the parameter is not a SecureString")

// ssmAttempts is how many times [SecureParameter] tries a request that
// failed with a network error, a 5xx or a throttling error.
const ssmAttempts = 3

// SecureParameter returns the decrypted value of the SSM Parameter Store
// parameter name (one GetParameter request with WithDecryption, signed
// with cfg's credentials), which must be a SecureString ([ErrNotSecure]
// otherwise): what awsstore.SecureParameter does, without linking the SSM
// client. The endpoint is AWS_ENDPOINT_URL_SSM, else cfg.BaseEndpoint,
// else the region's. The value is an [alexa.Token], which prints as
// "[redacted]"; errors name the parameter, never its value.
func SecureParameter(ctx context.Context, cfg aws.Config, name string) (alexa.Token, error) {
	if name == "" {
		return "", errors.New("awsenv: empty parameter name")
	}
	if cfg.Credentials == nil {
		return "", fmt.Errorf("awsenv: reading parameter %q: no credentials", name)
	}
	endpoint, err := ssmEndpoint(ctx, cfg)
	if err != nil {
		return "", fmt.Errorf("awsenv: reading parameter %q: %w", name, err)
	}
	body, err := json.Marshal(struct {
		Name           string
		WithDecryption bool
	}{name, true})
	if err != nil {
		return "", err
	}
	var out struct {
		Parameter *struct {
			Type  string
			Value *string
		}
	}
	if err := ssmCall(ctx, cfg, endpoint, "GetParameter", body, &out); err != nil {
		return "", fmt.Errorf("awsenv: reading parameter %q: %w", name, err)
	}
	p := out.Parameter
	switch {
	case p == nil || p.Value == nil:
		return "", fmt.Errorf("awsenv: reading parameter %q: no value", name)
	case p.Type != "SecureString":
		return "", fmt.Errorf("%w: %q is a %s; store it with --type SecureString", ErrNotSecure, name, p.Type)
	case *p.Value == "":
		return "", fmt.Errorf("awsenv: parameter %q is empty", name)
	}
	return alexa.Token(*p.Value), nil
}

// ssmEndpoint returns the SSM endpoint of cfg.
func ssmEndpoint(ctx context.Context, cfg aws.Config) (string, error) {
	return ServiceEndpoint(ctx, cfg, "SSM", "ssm")
}

// ServiceEndpoint returns the endpoint of the service whose SDK id is
// sdkID (e.g. "IoT") and whose host name prefix is host (e.g. "iot"), as
// the SDK's clients resolve it from cfg: AWS_ENDPOINT_URL_<SDKID>, else
// cfg.BaseEndpoint, else the region's (host-fips with
// AWS_USE_FIPS_ENDPOINT; dual-stack endpoints are not used).
func ServiceEndpoint(ctx context.Context, cfg aws.Config, sdkID, host string) (string, error) {
	for _, s := range cfg.ConfigSources {
		if p, ok := s.(interface {
			GetServiceBaseEndpoint(ctx context.Context, sdkID string) (string, bool, error)
		}); ok {
			if u, found, err := p.GetServiceBaseEndpoint(ctx, sdkID); found || err != nil {
				return u, err
			}
		}
	}
	if cfg.BaseEndpoint != nil {
		return *cfg.BaseEndpoint, nil
	}
	if cfg.Region == "" {
		return "", errors.New("no region (AWS_REGION)")
	}
	suffix := "amazonaws.com"
	switch r := cfg.Region; {
	case strings.HasPrefix(r, "cn-"):
		suffix = "amazonaws.com.cn"
	case strings.HasPrefix(r, "us-isob-"):
		suffix = "sc2s.sgov.gov"
	case strings.HasPrefix(r, "us-iso-"):
		suffix = "c2s.ic.gov"
	}
	for _, s := range cfg.ConfigSources {
		if p, ok := s.(interface {
			GetUseFIPSEndpoint(context.Context) (aws.FIPSEndpointState, bool, error)
		}); ok {
			if v, found, _ := p.GetUseFIPSEndpoint(ctx); found && v == aws.FIPSEndpointStateEnabled {
				host += "-fips"
			}
		}
	}
	return "https://" + host + "." + cfg.Region + "." + suffix, nil
}

// ssmCall makes one SSM request (awsJson1.1) and decodes its answer into
// out, retrying network errors, 5xx and throttling.
func ssmCall(ctx context.Context, cfg aws.Config, endpoint, op string, body []byte, out any) error {
	post, err := newSignedPost(ctx, cfg, "ssm", body)
	if err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	var last error
	for attempt := range ssmAttempts {
		if attempt > 0 {
			if err := waitToRetry(ctx, attempt, last); err != nil {
				return err
			}
		}
		req, err := post.request(ctx, strings.TrimSuffix(endpoint, "/")+"/", map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonSSM." + op})
		if err != nil {
			return err
		}
		resp, err := post.hc.Do(req)
		if err != nil {
			last = err
			continue
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if err != nil {
			last = err
			continue
		}
		if resp.StatusCode/100 == 2 {
			return json.Unmarshal(data, out)
		}
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(data, &e)
		typ := e.Type[strings.LastIndexByte(e.Type, '#')+1:]
		if typ == "" {
			typ = resp.Header.Get("X-Amzn-ErrorType")
		}
		last = fmt.Errorf("%s: status %d, %s: %s", op, resp.StatusCode, typ, e.Message)
		if resp.StatusCode < 500 && !strings.Contains(typ, "Throttl") {
			return last
		}
	}
	return last
}
