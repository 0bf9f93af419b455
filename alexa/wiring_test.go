package alexa_test

import (
	"bytes"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
)

// wiringInterfaces are the interfaces the Router's typed registrations
// take, except the deprecated ToggleController (whose method set is
// PowerController's: the reason it is deprecated).
var wiringInterfaces = []reflect.Type{
	reflect.TypeFor[alexa.Authorizer](),
	reflect.TypeFor[alexa.BrightnessController](),
	reflect.TypeFor[alexa.CameraStreamController](),
	reflect.TypeFor[alexa.ChannelController](),
	reflect.TypeFor[alexa.ColorController](),
	reflect.TypeFor[alexa.ColorTemperatureController](),
	reflect.TypeFor[alexa.Discoverer](),
	reflect.TypeFor[alexa.EqualizerController](),
	reflect.TypeFor[alexa.InputController](),
	reflect.TypeFor[alexa.KeypadController](),
	reflect.TypeFor[alexa.Launcher](),
	reflect.TypeFor[alexa.LockController](),
	reflect.TypeFor[alexa.ModeAdjuster](),
	reflect.TypeFor[alexa.ModeController](),
	reflect.TypeFor[alexa.PercentageController](),
	reflect.TypeFor[alexa.PlaybackController](),
	reflect.TypeFor[alexa.PowerController](),
	reflect.TypeFor[alexa.PowerLevelController](),
	reflect.TypeFor[alexa.RangeController](),
	reflect.TypeFor[alexa.RTCSessionController](),
	reflect.TypeFor[alexa.RecordController](),
	reflect.TypeFor[alexa.RemoteVideoPlayer](),
	reflect.TypeFor[alexa.SceneController](),
	reflect.TypeFor[alexa.SeekController](),
	reflect.TypeFor[alexa.SecurityPanelController](),
	reflect.TypeFor[alexa.Speaker](),
	reflect.TypeFor[alexa.StateReporter](),
	reflect.TypeFor[alexa.StepSpeaker](),
	reflect.TypeFor[alexa.ThermostatController](),
	reflect.TypeFor[alexa.ThermostatScheduleResumer](),
	reflect.TypeFor[alexa.TimeHoldController](),
	reflect.TypeFor[alexa.Toggler](),
}

// TestHandlerInterfacesAreDistinct audits every pair of handler
// interfaces: a value that implements one must not implement another by
// accident, or a handler registered for the wrong interface would compile.
// Each interface must have a method with a name or signature no other
// has.
func TestHandlerInterfacesAreDistinct(t *testing.T) {
	t.Parallel()
	for _, a := range wiringInterfaces {
		for _, b := range wiringInterfaces {
			if a != b && a.Implements(b) {
				t.Errorf("every %s is also a %s: a handler for one can be registered as the other", a.Name(), b.Name())
			}
		}
	}
	// The audit would have caught the deprecated ToggleController.
	if !reflect.TypeFor[alexa.PowerController]().Implements(reflect.TypeFor[alexa.ToggleController]()) {
		t.Error("the audit no longer sees why ToggleController is deprecated")
	}
}

// TestWrongWiringDoesNotCompile type-checks registrations of a handler
// for the wrong interface against the alexa package's export data, and
// wants each refused by the compiler.
func TestWrongWiringDoesNotCompile(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds export data with the go command")
	}
	imp := exportImporter(t, "github.com/go-alexa/smarthome/alexa")
	const prelude = `package p

import (
	"context"

	"github.com/go-alexa/smarthome/alexa"
)

type power struct{}

func (power) TurnOn(context.Context, *alexa.Directive) (*alexa.EventMessage, error)  { return nil, nil }
func (power) TurnOff(context.Context, *alexa.Directive) (*alexa.EventMessage, error) { return nil, nil }

type toggle struct{}

func (toggle) SetToggleState(context.Context, *alexa.Directive, alexa.ToggleTarget) (*alexa.EventMessage, error) {
	return nil, nil
}

type speaker struct{}

func (speaker) SetVolume(context.Context, *alexa.Directive, alexa.SetVolumePayload) (*alexa.EventMessage, error) {
	return nil, nil
}
func (speaker) AdjustVolume(context.Context, *alexa.Directive, alexa.AdjustVolumePayload) (*alexa.EventMessage, error) {
	return nil, nil
}
func (speaker) SetMute(context.Context, *alexa.Directive, alexa.SetMutePayload) (*alexa.EventMessage, error) {
	return nil, nil
}

var (
	r      = alexa.NewRouter()
	toggle1 = alexa.ToggleInstance{Instance: "Fan.Oscillate"}
)

func f() {
`
	for _, tc := range []struct {
		name, body, wantErr string
	}{
		{"right wiring compiles", "r.HandlePowerController(power{}); r.HandleToggle(toggle1, toggle{}); r.HandleSpeaker(speaker{})", ""},
		{"power handler as a toggle", "r.HandleToggle(toggle1, power{})", "missing method SetToggleState"},
		{"toggle handler as power", "r.HandlePowerController(toggle{})", "missing method TurnOff"},
		{"speaker as step speaker", "r.HandleStepSpeaker(speaker{})", "wrong type for method AdjustVolume"},
		{"power handler as a lock", "r.HandleLockController(power{})", "missing method Lock"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, "p.go", prelude+tc.body+"\n}\n", parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			conf := types.Config{Importer: imp}
			_, err = conf.Check("p", fset, []*ast.File{f}, nil)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("does not compile: %v", err)
			case tc.wantErr != "" && err == nil:
				t.Fatalf("compiles; want an error with %q", tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Fatalf("error %q, want one with %q", err, tc.wantErr)
			}
		})
	}
}

// exportImporter returns an importer reading the export data the go
// command builds for pkg and its dependencies (with -race when the test
// runs with it, so the build cache already holds them).
func exportImporter(t *testing.T, pkg string) types.Importer {
	t.Helper()
	args := []string{"list", "-export", "-deps", "-f", "{{.ImportPath}}={{.Export}}"}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, pkg)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -export: %v\n%s", err, stderr.Bytes())
	}
	exports := make(map[string]string)
	for line := range strings.Lines(string(out)) {
		if path, file, ok := strings.Cut(strings.TrimSpace(line), "="); ok && file != "" {
			exports[path] = file
		}
	}
	return importer.ForCompiler(token.NewFileSet(), "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok {
			return nil, os.ErrNotExist
		}
		return os.Open(file)
	})
}
