package applink

import (
	"errors"
	"testing"
	"time"

	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/enablement"
)

func TestLinkState(t *testing.T) {
	clk := alexatest.NewClock(time.Unix(1_800_000_000, 0))
	l := &Linker{cfg: Config{StateKey: make([]byte, 32), Clock: clk}}
	st := l.linkState("alice")
	if err := l.checkState("alice", st); err != nil {
		t.Fatalf("own state refused: %v", err)
	}
	for name, tc := range map[string]struct{ user, state string }{
		"another user": {"mallory", st},
		"forged":       {"alice", st[:len(st)-2] + "xx"},
		"no signature": {"alice", "1800000600"},
		"later expiry": {"alice", "9999999999." + st[len("1800000600."):]},
		"empty":        {"alice", ""},
	} {
		if err := l.checkState(tc.user, tc.state); !errors.Is(err, enablement.ErrBadState) {
			t.Errorf("%s: %v, want ErrBadState", name, err)
		}
	}
	clk.Advance(stateTTL + time.Second)
	if err := l.checkState("alice", st); !errors.Is(err, enablement.ErrBadState) {
		t.Errorf("stale state: %v, want ErrBadState", err)
	}
}
