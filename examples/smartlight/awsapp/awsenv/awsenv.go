// Package awsenv reads what a smart light function on AWS Lambda needs
// from its environment, without the AWS SDK's config package: the
// checked configuration ([Load]: package config's variables and
// awsapp's), the AWS configuration of a Lambda function ([AWSConfig]:
// region, credentials, endpoints, retries, the certificates trusted:
// [TrustFromEnv]), SSM SecureString parameters
// ([SecureParameter], one signed request, without the SSM client) and a
// synchronous Lambda invocation ([Invoke], one signed request, without
// the Lambda client).
//
// # Why not config.LoadDefaultConfig
//
// Go runs every linked package's initialization at every cold start,
// used or not. config.LoadDefaultConfig links the SSO, SSO OIDC, STS and
// sign-in clients (for credential sources a Lambda function never uses),
// and the SSM client builds its serialization schemas at start: together
// about 14 ms of the skill function's 26 ms of package initialization
// (GODEBUG=inittrace=1). A Lambda function's credentials, region and
// endpoints are all in its environment; [AWSConfig] reads them, and
// reports the variables of other credential sources (a profile, a role,
// container credentials) as problems instead of ignoring them.
package awsenv

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// unsupported are the variables of the AWS SDK's configuration that
// [AWSConfig] does not implement (config.LoadDefaultConfig does): set,
// each is a problem, never silently ignored.
var unsupported = []string{
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
	"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_DEFAULTS_MODE", "AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026",
}

// AWSConfig returns the AWS configuration of a Lambda function from its
// environment (getenv is os.Getenv), as config.LoadDefaultConfig reads it
// there, and the problems found, one sentence each:
//
//   - the region: AWS_REGION, else AWS_DEFAULT_REGION;
//   - the credentials: AWS_ACCESS_KEY_ID (or AWS_ACCESS_KEY),
//     AWS_SECRET_ACCESS_KEY (or AWS_SECRET_KEY) and AWS_SESSION_TOKEN,
//     which Lambda sets from the function's role; required;
//   - the endpoints: AWS_ENDPOINT_URL, and AWS_ENDPOINT_URL_<SERVICE> (IOT,
//     IOT_DATA_PLANE, DYNAMODB, SSM) for one service, unless
//     AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true; AWS_USE_FIPS_ENDPOINT
//     and AWS_USE_DUALSTACK_ENDPOINT;
//   - the retries: AWS_MAX_ATTEMPTS and AWS_RETRY_MODE;
//   - the certificates trusted: AWS_CA_BUNDLE, else Amazon's roots first
//     ([TrustFromEnv]).
//
// Every client made from it shares one HTTP client (its connections), made
// once and for all: service clients do not change its transport (the
// SDK's defaults modes and read timeouts, AWS_DEFAULTS_MODE and
// AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026, are not supported).
func AWSConfig(getenv func(string) string) (aws.Config, []string) {
	var problems []string
	for _, name := range unsupported {
		if getenv(name) != "" {
			problems = append(problems, fmt.Sprintf("%s is set: this function reads its AWS credentials and settings from Lambda's environment only (AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); unset it", name))
		}
	}
	trust, err := TrustFromEnv(getenv)
	if err != nil {
		problems = append(problems, err.Error())
	}
	src := source{getenv: getenv}
	cfg := aws.Config{
		Region:        first(getenv, "AWS_REGION", "AWS_DEFAULT_REGION"),
		HTTPClient:    awshttp.NewBuildableClient().WithTransportOptions(trust.Apply).Freeze(),
		ConfigSources: []any{src},
	}
	id, secret := first(getenv, "AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"), first(getenv, "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY")
	if id == "" || secret == "" {
		problems = append(problems, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are required: Lambda sets them (with AWS_SESSION_TOKEN) from the function's role")
	} else {
		creds := aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: getenv("AWS_SESSION_TOKEN"), Source: "EnvConfigCredentials"}
		cfg.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil })
	}
	ignore, err := src.flag("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
	if err != nil {
		problems = append(problems, err.Error())
	}
	if u := getenv("AWS_ENDPOINT_URL"); u != "" && !ignore {
		cfg.BaseEndpoint = aws.String(u)
	}
	for _, name := range []string{"AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT"} {
		if _, err := src.flag(name); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if v := strings.TrimSpace(getenv("AWS_MAX_ATTEMPTS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			problems = append(problems, fmt.Sprintf("AWS_MAX_ATTEMPTS=%q: want a positive integer", v))
		}
		cfg.RetryMaxAttempts = max(n, 0)
	}
	if v := strings.TrimSpace(getenv("AWS_RETRY_MODE")); v != "" {
		mode, err := aws.ParseRetryMode(v)
		if err != nil {
			problems = append(problems, fmt.Sprintf("AWS_RETRY_MODE=%q: want standard or adaptive", v))
		}
		cfg.RetryMode = mode
	}
	return cfg, problems
}

// first returns the first of the variables names that is set.
func first(getenv func(string) string, names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(getenv(n)); v != "" {
			return v
		}
	}
	return ""
}

// source is the environment as an entry of aws.Config.ConfigSources,
// where the service clients look up a service's endpoint and the FIPS
// and dual-stack settings (the interfaces of the SDK's
// internal/configsources, which config.EnvConfig implements too).
type source struct{ getenv func(string) string }

// flag reads a boolean variable: true, false or unset.
func (s source) flag(name string) (bool, error) {
	switch v := strings.ToLower(strings.TrimSpace(s.getenv(name))); v {
	case "":
		return false, nil
	case "true", "false":
		return v == "true", nil
	}
	return false, fmt.Errorf("%s=%q: want true or false", name, s.getenv(name))
}

// GetServiceBaseEndpoint returns AWS_ENDPOINT_URL_<SDKID>, the sdkID in
// upper case with its spaces as underscores (IoT Data Plane:
// AWS_ENDPOINT_URL_IOT_DATA_PLANE).
func (s source) GetServiceBaseEndpoint(_ context.Context, sdkID string) (string, bool, error) {
	if ignore, _ := s.flag("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"); ignore {
		return "", false, nil
	}
	u := s.getenv("AWS_ENDPOINT_URL_" + strings.ReplaceAll(strings.ToUpper(sdkID), " ", "_"))
	return u, u != "", nil
}

// GetUseFIPSEndpoint returns AWS_USE_FIPS_ENDPOINT.
func (s source) GetUseFIPSEndpoint(context.Context) (aws.FIPSEndpointState, bool, error) {
	on, err := s.flag("AWS_USE_FIPS_ENDPOINT")
	if err != nil || s.getenv("AWS_USE_FIPS_ENDPOINT") == "" {
		return aws.FIPSEndpointStateUnset, false, err
	}
	if on {
		return aws.FIPSEndpointStateEnabled, true, nil
	}
	return aws.FIPSEndpointStateDisabled, true, nil
}

// GetUseDualStackEndpoint returns AWS_USE_DUALSTACK_ENDPOINT.
func (s source) GetUseDualStackEndpoint(context.Context) (aws.DualStackEndpointState, bool, error) {
	on, err := s.flag("AWS_USE_DUALSTACK_ENDPOINT")
	if err != nil || s.getenv("AWS_USE_DUALSTACK_ENDPOINT") == "" {
		return aws.DualStackEndpointStateUnset, false, err
	}
	if on {
		return aws.DualStackEndpointStateEnabled, true, nil
	}
	return aws.DualStackEndpointStateDisabled, true, nil
}
