// golang.org/x/oauth2/google (Debian's golang-golang-x-oauth2-google-dev, 0.3) as an
// application finds Google credentials: google.FindDefaultCredentials, which reads
// GOOGLE_APPLICATION_CREDENTIALS (an external_account config: executable source), else the
// metadata server (cloud.google.com/go/compute/metadata: GCE_METADATA_HOST). It reads the object
// at E2E_OBJECT_URL with the token and prints {"ok", "status", "object", "token_start"} or
// {"ok": false, "error"} as one JSON line (issue 24.5).
package main

import (
	"context"
	"io"
	"os"
	"seedreport"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
)

func main() {
	ctx := context.Background()
	creds, err := google.FindDefaultCredentials(ctx, "https://www.googleapis.com/auth/cloud-platform")
	if err != nil {
		seedreport.Fail(err)
	}
	token, err := creds.TokenSource.Token()
	if err != nil {
		seedreport.Fail(err)
	}
	client := oauth2.NewClient(ctx, oauth2.StaticTokenSource(token))
	resp, err := client.Get(os.Getenv("E2E_OBJECT_URL"))
	if err != nil {
		seedreport.Fail(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	seedreport.Report(map[string]interface{}{"ok": resp.StatusCode == 200, "status": resp.StatusCode,
		"object": string(body), "token_start": token.AccessToken[:6]})
}
