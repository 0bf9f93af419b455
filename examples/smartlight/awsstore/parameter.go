package awsstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/stores/dynamostore"
)

// ParameterAPI is the part of the SSM client [SecureParameter] uses; an
// *ssm.Client implements it.
type ParameterAPI interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, optFns ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

// ErrNotSecure is returned by [SecureParameter] for a parameter that is
// not a SecureString: a secret must not be stored in plain text.
var ErrNotSecure = errors.New("awsstore: the parameter is not a SecureString")

// SecureParameter returns the decrypted value of the SSM Parameter Store
// parameter name, which must be a SecureString ([ErrNotSecure] otherwise).
// It is how a function reads its secrets at start (the LWA client secret,
// a dynamostore.ParseKeyRing key ring) instead of from its environment. The value is
// an [alexa.Token], which prints as "[redacted]"; errors name the
// parameter, never its value.
func SecureParameter(ctx context.Context, client ParameterAPI, name string) (alexa.Token, error) {
	if name == "" {
		return "", errors.New("awsstore: empty parameter name")
	}
	out, err := client.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
	if err != nil {
		return "", fmt.Errorf("awsstore: reading parameter %q: %w", name, err)
	}
	p := out.Parameter
	switch {
	case p == nil || p.Value == nil:
		return "", fmt.Errorf("awsstore: reading parameter %q: no value", name)
	case p.Type != types.ParameterTypeSecureString:
		return "", fmt.Errorf("%w: %q is a %s; store it with --type SecureString", ErrNotSecure, name, p.Type)
	case *p.Value == "":
		return "", fmt.Errorf("awsstore: parameter %q is empty", name)
	}
	return alexa.Token(*p.Value), nil
}

// KeyRingParameter reads the key ring in the SecureString parameter name
// (see dynamostore.ParseKeyRing for its format) and returns its cipher.
func KeyRingParameter(ctx context.Context, client ParameterAPI, name string) (*dynamostore.AESGCM, error) {
	spec, err := SecureParameter(ctx, client, name)
	if err != nil {
		return nil, err
	}
	c, err := dynamostore.ParseKeyRing(string(spec))
	if err != nil {
		return nil, fmt.Errorf("awsstore: parameter %q: %w", name, err)
	}
	return c, nil
}
