// The AWS SDK for Go v1 (Debian's golang-github-aws-aws-sdk-go-dev, 1.44) finding credentials
// the way an application does: session.NewSessionWithOptions with the shared config enabled, so
// the default chain reads the environment, the shared config's credential_process and the
// container endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN).
// It calls sts GetCallerIdentity at E2E_STS_ENDPOINT (v1 reads no endpoint variable) and prints
// {"ok", "arn", "provider"} or {"ok": false, "error"} as one JSON line (issue 24.5).
package main

import (
	"os"
	"seedreport"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/sts"
)

func main() {
	sess, err := session.NewSessionWithOptions(session.Options{
		SharedConfigState: session.SharedConfigEnable,
		Config:            aws.Config{Endpoint: aws.String(os.Getenv("E2E_STS_ENDPOINT"))},
	})
	if err != nil {
		seedreport.Fail(err)
	}
	creds, err := sess.Config.Credentials.Get()
	if err != nil {
		seedreport.Fail(err)
	}
	out, err := sts.New(sess).GetCallerIdentity(&sts.GetCallerIdentityInput{})
	if err != nil {
		seedreport.Fail(err)
	}
	seedreport.Report(map[string]interface{}{"ok": true, "arn": aws.StringValue(out.Arn),
		"provider": creds.ProviderName})
}
