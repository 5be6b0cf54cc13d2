// The AWS SDK for Go v2 (Debian's golang-github-aws-aws-sdk-go-v2-dev, 1.17) as an application
// loads it: config.LoadDefaultConfig, whose chain reads the shared config's credential_process
// and the container endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI +
// AWS_CONTAINER_AUTHORIZATION_TOKEN). It calls sts GetCallerIdentity at E2E_STS_ENDPOINT (this
// version reads no endpoint variable) and prints {"ok", "arn", "source"} or {"ok": false,
// "error"} as one JSON line (issue 24.5).
package main

import (
	"context"
	"os"
	"seedreport"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func main() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		seedreport.Fail(err)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		seedreport.Fail(err)
	}
	client := sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.EndpointResolver = sts.EndpointResolverFromURL(os.Getenv("E2E_STS_ENDPOINT"))
	})
	out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		seedreport.Fail(err)
	}
	seedreport.Report(map[string]interface{}{"ok": true, "arn": aws.ToString(out.Arn), "source": creds.Source})
}
