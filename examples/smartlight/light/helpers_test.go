package light_test

import "github.com/go-alexa/smarthome/drs"

func drsID(s string) drs.ReplenishmentID { return drs.ReplenishmentID(s) }
