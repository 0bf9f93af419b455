package schemas

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// decodeCases are inputs on which decodeJSON must agree with
// jsonschema.UnmarshalJSON (encoding/json with UseNumber).
var decodeCases = []string{
	`{}`, `[]`, `""`, `0`, `-0`, `1.5e+10`, `-1.25E-3`, `true`, `false`, `null`, " \t\r\n{ } \n",
	`{"a":1,"a":2}`, `{"a":[1,{"b":null}],"c":"d"}`, `[[[[]]]]`, `"\u00e9\ud83d\ude00"`, `"\/\b\f\n\r\t\\\""`,
	`"\ud800"`, `"\ud800x"`, `"\udc00\ud800"`, `"\ud800\u0041"`, "\"\xff\xfe\"", "\"caf\xc3\xa9\"", "\"\xed\xa0\x80\"",
	`{"namespace":"Alexa","value":42,"n":500}`,
	// invalid
	``, ` `, `{`, `}`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{a:1}`, `01`, `1.`, `.5`, `1e`, `-`, `+1`, `tru`, `nul`, `"abc`,
	`"\x"`, `"\u12"`, `"\u12zz"`, "\"a\nb\"", "\"\x01\"", `{} {}`, `[1 2]`, `{"a":1 "b":2}`, `NaN`, `Infinity`, `"\`,
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001), strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
}

func TestNumberLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n  string
		ok bool
	}{
		{"0", true}, {"-0.000e-99999999999", true}, {"1e1000", true}, {"1e1001", false}, {"1e-1000", true}, {"1e-1001", false},
		{"0.001e-998", false}, {"0.001e-997", true}, {"1000e997", true}, {"1000e998", false}, {"-12.5e3", true},
		{"1" + strings.Repeat("0", 1000), true}, {"1" + strings.Repeat("0", 1001), false},
		{"1." + strings.Repeat("1", 999), true}, {"1." + strings.Repeat("1", 1000), false},
		{"1e99999999999999999999999", false}, {"1e-99999999999999999999999", false}, {"1E+0000000000000000000002", true},
	}
	for _, tt := range tests {
		if got := numberInLimits([]byte(tt.n)); got != tt.ok {
			t.Errorf("numberInLimits(%.40s) = %v, want %v", tt.n, got, tt.ok)
		}
	}
	_, err := decodeJSON([]byte(`{"a":[1e9999999]}`))
	var se *syntaxError
	if !errors.As(err, &se) || !se.limit {
		t.Errorf("huge number: err = %v, want a limit error", err)
	}
	if err := Validate([]byte(`{"event":{"payload":{"x":-1e-9999999}}}`)); !errors.Is(err, ErrNotJSON) {
		t.Errorf("Validate of a huge number: %v, want ErrNotJSON", err)
	}
}

func TestDecodeMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, in := range decodeCases {
		checkDecode(t, []byte(in))
	}
	for _, dir := range []string{"valid", "invalid"} {
		for _, fx := range loadFixtures(t, dir) {
			checkDecode(t, fx.data)
		}
	}
}

func checkDecode(t *testing.T, data []byte) {
	t.Helper()
	want, wantErr := jsonschema.UnmarshalJSON(strings.NewReader(string(data)))
	got, err := decodeJSON(data)
	var se *syntaxError
	if errors.As(err, &se) && se.limit {
		return // beyond our limits; encoding/json may accept it
	}
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("decode %.60q: err = %v, encoding/json err = %v", data, err, wantErr)
	}
	if err != nil {
		if !errors.As(err, &se) {
			t.Fatalf("decode %.60q: error %T is not a *syntaxError", data, err)
		}
		return
	}
	if !reflect.DeepEqual(want, got) { // cmp.Diff is slow on deep nesting: only for the report
		t.Fatalf("decode %.60q (-encoding/json +decodeJSON):\n%s", data, cmp.Diff(want, got))
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, in := range decodeCases[:len(decodeCases)-2] {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, data)
	})
}
