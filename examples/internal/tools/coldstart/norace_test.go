//go:build !race

package main

// testBuild is how TestSkillColdStart builds the functions: as this test
// binary was built.
const testBuild = "plain"
