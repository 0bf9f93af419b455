package local_test

import (
	"fmt"

	"github.com/go-alexa/smarthome/examples/smartlight/local"
)

// The full messages the debugger prints carry no token or grant code.
func ExampleRedact() {
	fmt.Println(string(local.Redact([]byte(`{"directive":{"header":{"namespace":"Alexa.Authorization","name":"AcceptGrant"},
		"payload":{"grant":{"type":"OAuth2.AuthorizationCode","code":"ANxyz"},"grantee":{"type":"BearerToken","token":"eyJ..."}}}}`))))
	// Output:
	// {"directive":{"header":{"name":"AcceptGrant","namespace":"Alexa.Authorization"},"payload":{"grant":{"code":"[redacted]","type":"OAuth2.AuthorizationCode"},"grantee":{"token":"[redacted]","type":"BearerToken"}}}}
}
