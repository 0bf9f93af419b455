// Package alexatest is a fake Alexa cloud for testing smart home skills.
package alexatest
