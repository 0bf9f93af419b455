// Package e2e holds the smart light backend's end-to-end tests: one test
// per scenario of the workshop specification (lab.md §6), each running the
// local backend (package local) against the fake Alexa cloud of package
// alexatest and asserting the exact messages Alexa receives, plus the
// security tests and the local mode's story. It has no code of its own.
package e2e
