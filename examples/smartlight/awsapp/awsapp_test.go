package awsapp_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/examples/smartlight/awsapp"
	"github.com/go-alexa/smarthome/examples/smartlight/config"
)

func TestNewReportsEveryProblem(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DASH_REPLENISHMENT": "enabled"}
	_, err := awsapp.New(t.Context(), config.Skill, func(k string) string { return env[k] }, io.Discard)
	var ce *config.Error
	if !errors.As(err, &ce) {
		t.Fatalf("New = %v, want a config.Error", err)
	}
	for _, want := range []string{"GRANTS_TABLE", "DASH_REPLENISHMENT_ID", "LWA_CLIENT_ID", "AUTH_ISSUER", "AUTH_ALEXA_CLIENT_IDS"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not mention %s:\n%v", want, err)
		}
	}
}
