package main

import (
	"context"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/go-alexa/smarthome/alexa"
)

type light struct{} // implements alexa.PowerController
func (light) TurnOn(ctx context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return d.Response(alexa.PowerStateProperty(alexa.PowerOn)), nil // after switching d.EndpointID() on
}
func (light) TurnOff(ctx context.Context, d *alexa.Directive) (*alexa.EventMessage, error) {
	return d.Response(alexa.PowerStateProperty(alexa.PowerOff)), nil
}
func main() {
	r := alexa.NewRouter()
	r.HandlePowerController(light{})
	lambda.Start(r) // a Router is also an http.Handler
}
