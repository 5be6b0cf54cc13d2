// Package seedreport is how the Go programs of tests/e2e/go/seed_* answer the test: one JSON
// line on stdout, and exit status 1 unless it says "ok": true. It lives in a GOPATH entry of its
// own (tests/e2e/go/seed_common, added by go_support.py) next to Debian's /usr/share/gocode.
package seedreport

import (
	"encoding/json"
	"os"
)

// Report prints doc and ends the program when doc is not a success.
func Report(doc map[string]interface{}) {
	json.NewEncoder(os.Stdout).Encode(doc)
	if doc["ok"] != true {
		os.Exit(1)
	}
}

// Fail reports err as {"ok": false, "error": ...} and ends the program.
func Fail(err error) {
	Report(map[string]interface{}{"ok": false, "error": err.Error()})
}
