// Package events sends events to the Alexa event gateway.
package events
