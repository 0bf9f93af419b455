package dynamostore_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/stores/dynamostore"
)

func TestAESGCMRoundTrip(t *testing.T) {
	t.Parallel()
	c, err := dynamostore.NewAESGCM(dynamostore.NewKey("2025-03"))
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte(`{"a":"Atza|x","r":"Atzr|y"}`)
	ad := []byte("user-1")
	ct1, err := c.Encrypt(t.Context(), plain, ad)
	if err != nil {
		t.Fatal(err)
	}
	ct2, _ := c.Encrypt(t.Context(), plain, ad)
	if bytes.Equal(ct1, ct2) {
		t.Error("two encryptions of the same plaintext are equal: the nonce is not random")
	}
	if bytes.Contains(ct1, plain[:8]) {
		t.Error("the ciphertext holds the plaintext")
	}
	if ct1[0] != 1 || ct1[1] != 7 || string(ct1[2:9]) != "2025-03" {
		t.Errorf("ciphertext header = %q, want format 1 and key id 2025-03", ct1[:9])
	}
	got, err := c.Decrypt(t.Context(), ct1, ad)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Decrypt = %q, %v", got, err)
	}
}

func TestAESGCMRejects(t *testing.T) {
	t.Parallel()
	k1 := dynamostore.NewKey("k1")
	c, _ := dynamostore.NewAESGCM(k1)
	ad := []byte("user-1")
	ct, _ := c.Encrypt(t.Context(), []byte("secret"), ad)
	flip := func(i int) []byte {
		b := bytes.Clone(ct)
		b[i] ^= 1
		return b
	}
	other, _ := dynamostore.NewAESGCM(dynamostore.NewKey("k2"))
	sameIDOtherKey, _ := dynamostore.NewAESGCM(dynamostore.NewKey("k1"))
	for name, tc := range map[string]struct {
		c  *dynamostore.AESGCM
		ct []byte
		ad []byte
		in string // in the error
	}{
		"other user":        {c, ct, []byte("user-2"), "do not authenticate"},
		"flipped tag":       {c, flip(len(ct) - 1), ad, "do not authenticate"},
		"flipped nonce":     {c, flip(5), ad, "do not authenticate"},
		"flipped key id":    {c, flip(3), ad, "not in the ring"},
		"truncated":         {c, ct[:10], ad, "truncated"},
		"empty":             {c, nil, ad, "not an AESGCM"},
		"wrong format":      {c, flip(0), ad, "not an AESGCM"},
		"unknown key":       {other, ct, ad, `key "k1", which is not in the ring`},
		"same id other key": {sameIDOtherKey, ct, ad, "do not authenticate"},
	} {
		if _, err := tc.c.Decrypt(t.Context(), tc.ct, tc.ad); err == nil || !strings.Contains(err.Error(), tc.in) {
			t.Errorf("%s: Decrypt = %v, want an error with %q", name, err, tc.in)
		}
	}
}

func TestAESGCMRotation(t *testing.T) {
	t.Parallel()
	old, cur := dynamostore.NewKey("old"), dynamostore.NewKey("new")
	before, _ := dynamostore.NewAESGCM(old)
	after, err := dynamostore.NewAESGCM(cur, old)
	if err != nil {
		t.Fatal(err)
	}
	if after.PrimaryID() != "new" {
		t.Errorf("PrimaryID = %q", after.PrimaryID())
	}
	ct, _ := before.Encrypt(t.Context(), []byte("x"), nil)
	if got, err := after.Decrypt(t.Context(), ct, nil); err != nil || string(got) != "x" {
		t.Fatalf("the rotated ring does not decrypt the old key's ciphertext: %q, %v", got, err)
	}
	ct, _ = after.Encrypt(t.Context(), []byte("x"), nil)
	if string(ct[2:5]) != "new" {
		t.Errorf("the rotated ring encrypts with key %q, want new", ct[2:5])
	}
}

func TestNewAESGCMValidates(t *testing.T) {
	t.Parallel()
	good := dynamostore.NewKey("a")
	for name, keys := range map[string][]dynamostore.Key{
		"short key":    {{ID: "a", Secret: make([]byte, 16)}},
		"no id":        {{Secret: make([]byte, 32)}},
		"long id":      {{ID: strings.Repeat("x", 256), Secret: make([]byte, 32)}},
		"duplicate id": {good, dynamostore.NewKey("a")},
	} {
		if _, err := dynamostore.NewAESGCM(keys[0], keys[1:]...); err == nil {
			t.Errorf("NewAESGCM(%s) = nil error", name)
		}
	}
}

func TestParseKeyRing(t *testing.T) {
	t.Parallel()
	k1, k2 := dynamostore.NewKey("k1"), dynamostore.NewKey("k2")
	b64 := base64.StdEncoding.EncodeToString
	ring, err := dynamostore.ParseKeyRing(" k2=" + b64(k2.Secret) + ", k1=" + b64(k1.Secret))
	if err != nil {
		t.Fatal(err)
	}
	if ring.PrimaryID() != "k2" {
		t.Errorf("PrimaryID = %q, want k2", ring.PrimaryID())
	}
	old, _ := dynamostore.NewAESGCM(k1)
	ct, _ := old.Encrypt(t.Context(), []byte("x"), nil)
	if _, err := ring.Decrypt(t.Context(), ct, nil); err != nil {
		t.Errorf("the parsed ring does not hold k1: %v", err)
	}
	secret := b64(k1.Secret)
	for _, spec := range []string{"", "k1", "=" + secret, "k1=" + secret[:10] + "!", "k1=" + b64([]byte("short")), "k1=" + secret + ",k1=" + secret} {
		_, err := dynamostore.ParseKeyRing(spec)
		if err == nil {
			t.Errorf("ParseKeyRing(%q) = nil error", spec)
		} else if strings.Contains(err.Error(), secret[:10]) {
			t.Errorf("ParseKeyRing error holds the key: %v", err)
		}
	}
}

func TestKeyRedacted(t *testing.T) {
	t.Parallel()
	k := dynamostore.Key{ID: "k1", Secret: []byte("0123456789abcdef0123456789abcdef")}
	var logs bytes.Buffer
	// Without the time, whose digits may hold the secret's.
	noTime := func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey && len(groups) == 0 {
			return slog.Attr{}
		}
		return a
	}
	slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{ReplaceAttr: noTime})).Info("key", "key", k)
	for _, s := range []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s %x %q", k, k, k, k, k, k), logs.String()} {
		if strings.Contains(s, "0123") || strings.Contains(s, "3031") || !strings.Contains(s, "k1") {
			t.Errorf("printed key = %q; want the id and no secret", s)
		}
	}
}
