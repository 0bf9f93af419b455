package e2e_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/go-alexa/smarthome/alexa/alexatest"
	"github.com/go-alexa/smarthome/examples/smartlight/local"
)

// browser is a headless Chromium (Debian's, from CHROMIUM) driven by
// chromedp, with the page's console collected.
type browser struct {
	t       *testing.T
	ctx     context.Context // the tab, without a deadline
	mu      sync.Mutex
	console []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	bin := os.Getenv("CHROMIUM")
	if bin == "" {
		t.Skip("CHROMIUM is not set: `source scripts/services` installs Debian's chromium and sets it")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1024, 768))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	b := &browser{t: t, ctx: ctx}
	if err := chromedp.Do(ctx); err != nil { // start the browser
		t.Fatalf("starting %s: %v", bin, err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.console = append(b.console, m.String())
			b.mu.Unlock()
		}
	}()
	return b
}

// run runs actions; on failure it saves a screenshot and the console log
// and fails the test naming them.
func (b *browser) run(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	// One generous deadline per step, as a safety net.
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v%s", step, err, b.evidence(step))
	}
}

// evidence writes a screenshot and the console log of the page, and
// returns a sentence naming them.
func (b *browser) evidence(step string) string {
	dir, err := os.MkdirTemp("", "smartlight-browser-")
	if err != nil {
		return ""
	}
	name := strings.Map(func(r rune) rune {
		if r == ' ' || r == '/' {
			return '-'
		}
		return r
	}, step)
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	shot := filepath.Join(dir, name+".png")
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(shot, png, 0o644)
	}
	b.mu.Lock()
	log := strings.Join(b.console, "\n")
	b.mu.Unlock()
	logFile := filepath.Join(dir, name+".console.log")
	_ = os.WriteFile(logFile, []byte(log), 0o644)
	return fmt.Sprintf("\n\tscreenshot: %s\n\tconsole log: %s", shot, logFile)
}

// waitText waits until the element of selector has text want.
func waitText(selector, want string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e !== null && e.textContent === %q; })()`, selector, want),
		chromedp.WithPollingInterval(50*time.Millisecond))
}

// clearInput empties the input of id.
func clearInput(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](fmt.Sprintf(`(document.getElementById(%q).value = "", true)`, id))(ctx, t)
		return err
	})
}

// css selects the first match of a CSS selector.
func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// setCookie sets a cookie for url in the browser.
func setCookie(url, name, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: url})
		return err
	})
}

// signInForm fills and submits the local sign-in page.
func signInForm(password string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(css(`#username`)),
		chromedp.SendKeys(css(`#username`), local.DemoUsername),
		chromedp.SendKeys(css(`#password`), password),
		chromedp.Click(css(`button[type=submit]`)),
	)
}

// TestWebApp drives the web app in Chromium: sign in, claim the light,
// power it on, see the battery drop, rename it with a hostile name (shown
// as text), link and unlink Alexa from the Services page, remove the
// light.
func TestWebApp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := newBrowser(t)
	l := e.light(0)

	b.run("sign in",
		chromedp.Navigate(e.app.URL+"/"),
		chromedp.WaitVisible(css(`#signin`)),
		chromedp.Click(css(`#signin`)),
		signInForm(e.app.DemoPassword),
		chromedp.WaitVisible(css(`#empty`)))

	b.run("claim the light",
		chromedp.Click(css(`a[href="#/add"]`)),
		chromedp.WaitVisible(css(`#serial`)),
		chromedp.SendKeys(css(`#serial`), l.SerialNumber),
		chromedp.SendKeys(css(`#secret`), l.ClaimSecret),
		chromedp.SendKeys(css(`#name`), "Desk lamp"),
		chromedp.Click(css(`#claim`)),
		chromedp.WaitVisible(css(`#devices`)),
		chromedp.Click(css(`#devices a`)),
		chromedp.WaitVisible(css(`#toggle`)),
		waitText(`#device-name`, "Desk lamp"))

	b.run("power it on",
		chromedp.Click(css(`#toggle`)),
		waitText(`#power`, "ON"),
		waitText(`#toggle`, "Turn off"))

	battery := l.Sim().State().Battery
	if err := l.Sim().Tick(t.Context()); err != nil {
		t.Fatal(err)
	}
	b.run("see the battery drop", waitText(`#battery`, fmt.Sprintf("%d %%", battery-1)))

	const hostile = `<img src=x onerror=alert(1)>`
	b.run("rename it",
		clearInput(`rename`),
		chromedp.SendKeys(css(`#rename`), hostile),
		chromedp.Click(css(`#save`)),
		waitText(`#device-name`, hostile))
	images, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll('img').length`))
	if err != nil || images != 0 {
		t.Errorf("the hostile name made %d img elements%s", images, b.evidence("hostile name"))
	}

	b.run("link Alexa",
		setCookie(e.app.Cloud.URL, alexatest.SignInCookieName, local.DemoUser), // the demo user's Amazon account
		chromedp.Click(css(`a[href="#/alexa"]`)),
		chromedp.WaitVisible(css(`#link`)),
		waitText(`#alexa-status`, "not linked"),
		chromedp.Click(css(`#link`)),
		signInForm(e.app.DemoPassword), // Alexa's client, at the backend's sign-in page
		chromedp.WaitVisible(css(`#unlink`)),
		waitText(`#alexa-status`, "linked"))
	if _, _, err := e.app.Grants.Token(t.Context(), local.DemoUser); err != nil {
		t.Errorf("no grant after linking from the web app: %v", err)
	}

	// The Alexa view: Alexa discovered the light after the link; the owner
	// sets the Battery slot to reorder at 99 %, the light drains three
	// steps, and the Dash order appears in the Supply section, the
	// ChangeReports in the debugger.
	slot := `[data-endpoint="` + l.SerialNumber + `"] [data-instance="InventoryLevelSensor-1"]`
	b.run("open the Alexa view",
		chromedp.Navigate(e.app.URL+local.ViewPath),
		chromedp.WaitVisible(css(slot)),
		chromedp.Focus(css(slot+` [data-role=threshold]`)),
		clearInput("threshold-"+l.SerialNumber+"-InventoryLevelSensor-1"),
		chromedp.SendKeys(css(slot+` [data-role=threshold]`), "99"),
		chromedp.Click(css(slot+` [data-role=save-supply]`)),
		// The input holds 99 as soon as it is typed: what says the Dash
		// brain has the new threshold, before the light reports again, is
		// the debugger's line, written once the server applied it.
		chromedp.Poll[chromedp.Void](`[...document.querySelectorAll('#events .text')].some((e) => e.textContent.includes(`+
			strconv.Quote(l.SerialNumber+" InventoryLevelSensor-1: reorder at 99%")+`))`, chromedp.WithPollingInterval(50*time.Millisecond)))
	for range 3 {
		if err := l.Sim().Tick(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	b.run("see the Dash order and the ChangeReports",
		chromedp.Click(css(`h1`)), // leave the form, so the page refreshes it
		chromedp.Poll[chromedp.Void](`(() => { const o = document.querySelector('`+slot+` [data-role=orders]'); return o !== null && o.textContent.includes("Order #1"); })()`,
			chromedp.WithPollingInterval(50*time.Millisecond)),
		chromedp.Poll[chromedp.Void](`[...document.querySelectorAll('#events .text')].some((e) => e.textContent.includes("Alexa.ChangeReport"))`,
			chromedp.WithPollingInterval(50*time.Millisecond)),
		waitText(`[data-endpoint="`+l.SerialNumber+`"] [data-role=power]`, "ON"), // from the ChangeReports' context
		waitText(slot+` [data-role=level]`, fmt.Sprintf("%d %%", battery-4)),
		chromedp.Navigate(e.app.URL+"/#/alexa"),
		chromedp.WaitVisible(css(`#unlink`)))
	b.run("unlink Alexa",
		chromedp.Click(css(`#unlink`)),
		chromedp.WaitVisible(css(`#link`)),
		waitText(`#alexa-status`, "not linked"))

	b.run("remove the light",
		chromedp.Click(css(`a[href="#/"]`)),
		chromedp.WaitVisible(css(`#devices`)),
		chromedp.Click(css(`#devices a`)),
		chromedp.WaitVisible(css(`#remove`)),
		chromedp.Click(css(`#remove`)),
		chromedp.WaitVisible(css(`#remove-yes`)),
		chromedp.Click(css(`#remove-yes`)),
		chromedp.WaitVisible(css(`#empty`)))

	b.mu.Lock()
	defer b.mu.Unlock()
	for _, line := range b.console {
		if strings.HasPrefix(line, string(chromedp.ConsoleException)) || strings.HasPrefix(line, string(chromedp.ConsoleError)) {
			t.Errorf("the page logged: %s", line)
		}
	}
}

// tabTo presses Tab until the focused element matches selector (at most
// 30 times), as a keyboard user moves through the page.
func tabTo(selector string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for range 30 {
			on, err := chromedp.Evaluate[bool](fmt.Sprintf(`document.activeElement !== null && document.activeElement.matches(%q)`, selector))(ctx, t)
			if err != nil {
				return err
			}
			if on {
				return nil
			}
			if _, err := chromedp.KeyEvent(kb.Tab)(ctx, t); err != nil {
				return err
			}
		}
		return fmt.Errorf("Tab never reached %s", selector)
	})
}

// labelled fails unless every input of the page has a label and every
// button and link a name.
func labelled(page string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		bad, err := chromedp.Evaluate[[]string](`[...document.querySelectorAll('input, button, a')].filter((e) =>
			e.type !== 'hidden' && (e.tagName === 'INPUT' ? e.labels.length === 0 : e.textContent.trim() === '')).map((e) => e.outerHTML)`)(ctx, t)
		if err != nil {
			return err
		}
		if len(bad) > 0 {
			return fmt.Errorf("%s: controls without a label or a name: %v", page, bad)
		}
		return nil
	})
}

// TestWebAppKeyboard runs the main flow with the keyboard alone: sign in,
// a claim refused for a wrong code (the message shown), the claim, the
// light switched on; and checks that every control of each page is
// labelled. It measures the first load's weight and the time to the
// first device list, and with SMARTLIGHT_SCREENSHOTS set writes a PNG of
// each page there.
func TestWebAppKeyboard(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := newBrowser(t)
	l := e.light(0)
	shots := os.Getenv("SMARTLIGHT_SCREENSHOTS")
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			if shots == "" {
				return nil
			}
			png, err := chromedp.FullScreenshot(100)(ctx, t)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644)
		})
	}

	start := time.Now()
	b.run("first load",
		chromedp.Navigate(e.app.URL+"/"),
		chromedp.WaitVisible(css(`#signin`)),
		labelled("welcome"), shot("welcome"))
	weight, err := chromedp.Run(b.ctx, chromedp.Evaluate[float64](`performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).reduce((n, e) => n + e.transferSize, 0)`))
	if err != nil {
		t.Fatal(err)
	}
	b.run("sign in with the keyboard",
		tabTo(`#signin`), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(css(`#username`)),
		labelled("sign-in"), shot("sign-in"),
		tabTo(`#username`), chromedp.KeyEvent(local.DemoUsername),
		tabTo(`#password`), chromedp.KeyEvent(e.app.DemoPassword+kb.Enter),
		chromedp.WaitVisible(css(`#empty`)),
		labelled("home"))
	toList := time.Since(start)

	b.run("a wrong claim code",
		tabTo(`a[href="#/add"]`), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(css(`#serial`)),
		labelled("add"),
		chromedp.KeyEvent(l.SerialNumber),
		tabTo(`#secret`), chromedp.KeyEvent("WRONG-CODE"),
		tabTo(`#name`), chromedp.KeyEvent("Desk lamp"+kb.Enter),
		chromedp.Poll[chromedp.Void](`document.getElementById('error').hidden === false && document.getElementById('error').textContent.length > 0`),
		shot("add-error"))
	b.run("claim with the keyboard",
		tabTo(`#secret`), clearInput("secret"),
		chromedp.KeyEvent(l.ClaimSecret+kb.Enter),
		chromedp.WaitVisible(css(`#devices`)),
		shot("home"))
	b.run("switch on with the keyboard",
		tabTo(`#devices a`), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(css(`#toggle`)),
		labelled("device"),
		tabTo(`#toggle`), chromedp.KeyEvent(kb.Enter),
		waitText(`#power`, "ON"),
		shot("device"))
	b.run("the Services page",
		tabTo(`a[href="#/alexa"]`), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(css(`#link`)),
		labelled("services"), shot("services"))
	b.run("the Alexa view",
		chromedp.Navigate(e.app.URL+local.ViewPath),
		chromedp.WaitVisible(css(`#events li`)),
		labelled("alexa view"), shot("alexa-view"))
	t.Logf("first load: %.0f bytes transferred; sign-in to the first device list: %v", weight, toList.Round(time.Millisecond))
}
