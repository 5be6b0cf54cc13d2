// The AWS SDK for Go v1 (Debian's golang-github-aws-aws-sdk-go-dev, 1.44) finding credentials
// the way an application does: session.NewSessionWithOptions with the shared config enabled, so
// the default chain reads the environment, the shared config's credential_process and the
// container endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN).
// It calls sts GetCallerIdentity at E2E_STS_ENDPOINT (v1 reads no endpoint variable) and prints
// {"ok", "arn", "provider"} or {"ok": false, "error"} as one JSON line (issue 24.5).
package main

import (
	"encoding/json"
	"os"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/sts"
)

func report(doc map[string]interface{}) {
	json.NewEncoder(os.Stdout).Encode(doc)
	if doc["ok"] != true {
		os.Exit(1)
	}
}

func main() {
	sess, err := session.NewSessionWithOptions(session.Options{
		SharedConfigState: session.SharedConfigEnable,
		Config:            aws.Config{Endpoint: aws.String(os.Getenv("E2E_STS_ENDPOINT"))},
	})
	if err != nil {
		report(map[string]interface{}{"ok": false, "error": err.Error()})
	}
	creds, err := sess.Config.Credentials.Get()
	if err != nil {
		report(map[string]interface{}{"ok": false, "error": err.Error()})
	}
	out, err := sts.New(sess).GetCallerIdentity(&sts.GetCallerIdentityInput{})
	if err != nil {
		report(map[string]interface{}{"ok": false, "error": err.Error()})
	}
	report(map[string]interface{}{"ok": true, "arn": aws.StringValue(out.Arn),
		"provider": creds.ProviderName})
}
