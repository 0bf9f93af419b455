package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/examples/internal/syncbuf"

	"github.com/go-alexa/smarthome/examples/internal/mosquitto"
)

// syncBuffer is a goroutine-safe buffer.
type syncBuffer = syncbuf.Buffer

// The command as a user runs it: the story plays to the Dash order, the
// commands on stdin work, q quits cleanly and the state is saved.
func TestRun(t *testing.T) { testRun(t) }

// TestRunMQTT runs the command with the light on mosquitto.
func TestRunMQTT(t *testing.T) {
	b := mosquitto.Start(t)
	testRun(t, "-mqtt", b.URL)
}

func testRun(t *testing.T, extra ...string) {
	dir := filepath.Join(t.TempDir(), "data")
	stdinR, stdinW := io.Pipe()
	var stdout, stderr syncBuffer
	code := make(chan int, 1)
	go func() {
		code <- run(append([]string{"-dir", dir, "-addr", "127.0.0.1:0", "-tick", "2ms", "-json"}, extra...), func(string) string { return "" }, stdinR, &stdout, &stderr)
	}()
	deadline := time.Now().Add(2 * time.Minute) // a safety net
	for !strings.Contains(stdout.String(), "in this terminal: h + Enter") {
		if time.Now().After(deadline) {
			t.Fatalf("the story did not finish:\n%s\n%s", stdout.String(), stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	for _, cmd := range []string{"h\n", "p\n", "?\n", "q\n"} {
		if _, err := io.WriteString(stdinW, cmd); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case c := <-code:
		if c != 0 {
			t.Fatalf("exit %d\n%s", c, stderr.String())
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("q did not quit")
	}
	out := stdout.String()
	for _, want := range []string{"Smart light backend, local mode", "Dash             order #1", "the story has played", "curl -s -H \"Authorization: Bearer $(cat " + filepath.Join(dir, "web.token"),
		"local            daily inventory heartbeat", "cause=PHYSICAL_INTERACTION", "state saved in " + dir} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q", want)
		}
	}
	if !strings.Contains(stderr.String(), "commands: h (heartbeat)") {
		t.Errorf("no help for an unknown command: %s", stderr.String())
	}
	for _, f := range []string{"grants.json", "iot.json", "lights.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("state not saved: %v", err)
		}
	}
}

func TestRunRefusesBadConfiguration(t *testing.T) {
	var stdout, stderr syncBuffer
	env := map[string]string{"DASH_REPLENISHMENT": "enabled", "DASH_REPLENISHMENT_ID": "amzn1.dash.v2.o.x"}
	if c := run([]string{"-addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr); c != 2 || !strings.Contains(stderr.String(), "DASH_REPLENISHMENT_ID") {
		t.Errorf("exit %d, %s", c, stderr.String())
	}
	if c := run([]string{"-tick", "0"}, func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr); c != 2 {
		t.Errorf("-tick 0: exit %d", c)
	}
	if c := run([]string{"-nope"}, func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr); c != 2 {
		t.Errorf("unknown flag: exit %d", c)
	}
}

// TestCommandsDoNotLinkTesting wants no deployable command to link package
// testing: the fake cloud the local command runs takes alexatest.TB, not
// testing.TB.
func TestCommandsDoNotLinkTesting(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "github.com/go-alexa/smarthome/examples/smartlight/cmd/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for line := range strings.Lines(string(out)) {
		if strings.TrimSpace(line) == "testing" {
			t.Fatal("a command under smartlight/cmd links package testing")
		}
	}
}
