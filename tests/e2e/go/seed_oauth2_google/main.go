// golang.org/x/oauth2/google (Debian's golang-golang-x-oauth2-google-dev, 0.3) as an
// application finds Google credentials: google.FindDefaultCredentials, which reads
// GOOGLE_APPLICATION_CREDENTIALS (an external_account config: executable source), else the
// metadata server (cloud.google.com/go/compute/metadata: GCE_METADATA_HOST). It reads the object
// at E2E_OBJECT_URL with the token and prints {"ok", "status", "object", "token_start"} or
// {"ok": false, "error"} as one JSON line (issue 24.5).
package main

import (
	"context"
	"encoding/json"
	"io"
	"os"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
)

func report(doc map[string]interface{}) {
	json.NewEncoder(os.Stdout).Encode(doc)
	if doc["ok"] != true {
		os.Exit(1)
	}
}

func main() {
	ctx := context.Background()
	creds, err := google.FindDefaultCredentials(ctx, "https://www.googleapis.com/auth/cloud-platform")
	if err != nil {
		report(map[string]interface{}{"ok": false, "error": err.Error()})
	}
	token, err := creds.TokenSource.Token()
	if err != nil {
		report(map[string]interface{}{"ok": false, "error": err.Error()})
	}
	client := oauth2.NewClient(ctx, oauth2.StaticTokenSource(token))
	resp, err := client.Get(os.Getenv("E2E_OBJECT_URL"))
	if err != nil {
		report(map[string]interface{}{"ok": false, "error": err.Error()})
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	report(map[string]interface{}{"ok": resp.StatusCode == 200, "status": resp.StatusCode,
		"object": string(body), "token_start": token.AccessToken[:6]})
}
