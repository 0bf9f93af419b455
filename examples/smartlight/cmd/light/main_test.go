package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/examples/internal/syncbuf"

	"github.com/go-alexa/smarthome/examples/internal/mosquitto"
	"github.com/go-alexa/smarthome/examples/smartlight/device"
	"github.com/go-alexa/smarthome/examples/smartlight/device/memory"
	"github.com/go-alexa/smarthome/examples/smartlight/device/mqtt"
	"github.com/go-alexa/smarthome/examples/smartlight/simulator"
)

// syncBuffer is a goroutine-safe buffer.
type syncBuffer = syncbuf.Buffer

// The light as a user runs it, against mosquitto with a client
// certificate, the backend's shadow service on the other side: it reports
// itself, p switches it on, q quits, and its state is saved.
func TestRun(t *testing.T) {
	b := mosquitto.Start(t)
	iot, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	defer iot.Close(context.Background())
	svc, err := mqtt.Dial(t.Context(), mqtt.Config{Server: b.URL, ClientID: "backend"})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close(context.Background())
	stop, err := mqtt.Serve(svc, iot, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	dir := t.TempDir()
	cert, key, ca := b.CA.WriteClientFiles(t, dir, "lamp")
	state := filepath.Join(dir, "lamp.json")
	stdinR, stdinW := io.Pipe()
	var stdout, stderr syncBuffer
	code := make(chan int, 1)
	go func() {
		code <- run(t.Context(), []string{"-broker", b.TLSURL, "-cert", cert, "-key", key, "-ca", ca, "-thing", "lamp", "-tick", "1h", "-state", state}, stdinR, &stdout, &stderr)
	}()
	reported := func() device.LightState {
		doc, err := iot.Get(t.Context(), "lamp")
		if err != nil {
			return device.LightState{}
		}
		ls, _ := device.ParseLightState(doc.State.Reported, nil)
		return ls
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(2 * time.Minute) // a safety net
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s\n%s\n%s", what, stdout.String(), stderr.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor("the light online", func() bool { return reported().Online() })
	if _, err := io.WriteString(stdinW, "p\n"); err != nil {
		t.Fatal(err)
	}
	waitFor("the light on", func() bool { return reported().Status.Value == device.StatusOn })
	if _, err := io.WriteString(stdinW, "q\n"); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-code:
		if c != 0 {
			t.Fatalf("exit %d\n%s", c, stderr.String())
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("q did not quit")
	}
	waitFor("the light offline", func() bool { ls := reported(); return ls.Connected.OK && !ls.Connected.Value })
	raw, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	var s simulator.State
	if err := json.Unmarshal(raw, &s); err != nil || s.Status != device.StatusOn || s.Battery != 100 {
		t.Errorf("state file %s: %+v %v", raw, s, err)
	}
	if out := stdout.String(); !strings.Contains(out, "light lamp on "+b.TLSURL) || !strings.Contains(out, "state saved") {
		t.Errorf("output:\n%s", out)
	}
}

func TestFlags(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-broker", "tcp://x:1", "-endpoint", "x"},
		{"-broker", "tcp://x:1", "-thing", "bad name"},
		{"-broker", "tcp://x:1", "-cert", "c.pem"},
		{"-broker", "tcp://x:1", "-tick", "0s"},
	} {
		var out, errOut bytes.Buffer
		if code := run(t.Context(), args, strings.NewReader(""), &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errOut.String())
		}
	}
}
