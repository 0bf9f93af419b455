package awsenv

import (
	"errors"
	"strings"

	"github.com/go-alexa/smarthome/examples/smartlight/config"
)

// Settings is the configuration of a smart light function on AWS: package
// config's, plus the variables package awsapp documents.
type Settings struct {
	Config config.Config
	// GrantsTable is GRANTS_TABLE, the DynamoDB table of the LWA grants.
	GrantsTable string
	// KeyRingParameter is GRANTS_KEYRING_PARAMETER, the SSM parameter of
	// the grants' key ring; empty for none.
	KeyRingParameter string
	// IoTDataEndpoint is IOT_DATA_ENDPOINT; empty asks the registry.
	IoTDataEndpoint string
}

// Load reads the settings of component c from the environment (getenv is
// os.Getenv) and checks them: it returns a *config.Error listing every
// problem, those of config.Load, a missing GRANTS_TABLE and the problems
// given in more (those of [AWSConfig], say), or config.Load's other
// errors.
func Load(c config.Component, getenv func(string) string, more ...string) (Settings, error) {
	cfg, cerr := config.Load(c, getenv)
	var problems []string
	if cerr != nil {
		var ce *config.Error
		if !errors.As(cerr, &ce) {
			return Settings{}, cerr
		}
		problems = append(problems, ce.Problems...)
	}
	s := Settings{
		Config:           cfg,
		GrantsTable:      strings.TrimSpace(getenv("GRANTS_TABLE")),
		KeyRingParameter: strings.TrimSpace(getenv("GRANTS_KEYRING_PARAMETER")),
		IoTDataEndpoint:  strings.TrimSpace(getenv("IOT_DATA_ENDPOINT")),
	}
	if s.GrantsTable == "" {
		problems = append(problems, "GRANTS_TABLE is required: the DynamoDB table of the LWA grants")
	}
	problems = append(problems, more...)
	if len(problems) > 0 {
		return Settings{}, &config.Error{Component: c, Problems: problems}
	}
	return s, nil
}
