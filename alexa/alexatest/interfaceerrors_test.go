package alexatest_test

import (
	"strings"
	"testing"

	"github.com/go-alexa/smarthome/alexa"
	"github.com/go-alexa/smarthome/alexa/alexatest"
)

// TestGatewayInterfaceErrorResponses: the fake gateway takes an
// interface's own ErrorResponse sent asynchronously at that interface's
// payloadVersion and header name (Alexa.DataController's "1.0",
// Alexa.Commissionable's ReportCommissioningInformation.ErrorResponse),
// and refuses one at another version, or without the directive's
// correlationToken.
func TestGatewayInterfaceErrorResponses(t *testing.T) {
	srv := alexatest.NewServer(t)
	tok := accessToken(t, srv, "u", alexa.RegionNA)
	if err := srv.Discovered("u", []alexa.DiscoveryEndpoint{lamp("lamp-1")}); err != nil {
		t.Fatal(err)
	}
	reply := func(ns alexa.Namespace, name alexa.Name, e *alexa.Error) *alexa.EventMessage {
		t.Helper()
		d, err := alexa.ParseDirective([]byte(`{"directive":{"header":{"namespace":"` + string(ns) + `","name":"` + string(name) +
			`","messageId":"1bd5d003-31b9-476f-ad03-71d471922820","correlationToken":"tok","payloadVersion":"3"},` +
			`"endpoint":{"scope":{"type":"BearerToken","token":"skill-token"},"endpointId":"lamp-1"},"payload":{}}}`))
		if err != nil {
			t.Fatal(err)
		}
		m, err := d.ErrorResponse(e)
		if err != nil {
			t.Fatal(err)
		}
		alexa.Builder{}.Finalize(m, true)
		return m
	}
	data := reply(alexa.NamespaceDataController, "ReportData", alexa.DataControllerError(alexa.ErrorDataRetrievalNotSupported, "no"))
	commission := reply(alexa.NamespaceCommissionable, alexa.NameReportCommissioningInformation, alexa.CommissionableError(alexa.ErrorMaxCommissioningLimitReached, ""))
	for _, m := range []*alexa.EventMessage{data, commission} {
		if resp := post(t, srv, alexa.RegionNA, tok, encode(t, m, tok)); resp.StatusCode != 202 {
			t.Fatalf("%s %s answered %d: %v", m.Event.Header.Namespace, m.Event.Header.Name, resp.StatusCode, srv.Rejected())
		}
	}
	wrong := reply(alexa.NamespaceDataController, "ReportData", alexa.DataControllerError(alexa.ErrorDataRetrievalNotSupported, "no"))
	wrong.Event.Header.PayloadVersion = "3"
	if resp := post(t, srv, alexa.RegionNA, tok, encode(t, wrong, tok)); resp.StatusCode != 400 {
		t.Errorf("payloadVersion 3 answered %d", resp.StatusCode)
	}
	if r := srv.Rejected(); len(r) == 0 || !strings.Contains(r[len(r)-1].Reason, "1.0") {
		t.Errorf("rejections %v", r)
	}
	uncorrelated := reply(alexa.NamespaceCommissionable, alexa.NameReportCommissioningInformation, alexa.CommissionableError(alexa.ErrorMaxCommissioningLimitReached, ""))
	uncorrelated.Event.Header.CorrelationToken = ""
	if resp := post(t, srv, alexa.RegionNA, tok, encode(t, uncorrelated, tok)); resp.StatusCode != 400 {
		t.Errorf("an ErrorResponse without correlationToken answered %d", resp.StatusCode)
	}
}
