// container_app: the application container of the Kubernetes e2e test
// (tests/e2e/test_container_image.py). A static Go program on Debian's
// aws-sdk-go-v2 and golang.org/x/oauth2: real client libraries finding their
// credentials the standard way, with nothing but the variables the pod
// manifests in packaging/kubernetes give the app container.
//
//	container_app s3 BUCKET KEY      AWS: the SDK's default chain (here: the container
//	                                 credentials provider -> fedcred serve), STS
//	                                 GetCallerIdentity, then S3 GetObject.
//	container_app gcs OBJECT_URL     Google: oauth2/google's default credentials (here:
//	                                 the metadata server GCE_METADATA_HOST names ->
//	                                 fedcred serve), the service account's email, then
//	                                 a GET of the Cloud Storage JSON API object URL.
//
// Prints one JSON line {"ok", "identity", "object", "error"}; exits 1 on failure.
// The endpoints of the stand-ins come from APP_AWS_ENDPOINT_URL (the SDK
// version Debian ships predates AWS_ENDPOINT_URL); nothing else is test-only.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"cloud.google.com/go/compute/metadata"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"golang.org/x/oauth2/google"
)

type result struct {
	OK       bool   `json:"ok"`
	Identity string `json:"identity,omitempty"`
	Object   string `json:"object,omitempty"`
	Error    string `json:"error,omitempty"`
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var run func() (result, error)
	switch {
	case len(os.Args) == 4 && os.Args[1] == "s3":
		run = func() (result, error) { return readS3(ctx, os.Args[2], os.Args[3]) }
	case len(os.Args) == 3 && os.Args[1] == "gcs":
		run = func() (result, error) { return readGCS(ctx, os.Args[2]) }
	default:
		run = func() (result, error) {
			return result{}, fmt.Errorf("usage: container_app s3 BUCKET KEY | container_app gcs OBJECT_URL")
		}
	}
	res, err := untilServing(run)
	if err != nil {
		res = result{Error: err.Error()}
	} else {
		res.OK = true
	}
	out, _ := json.Marshal(res)
	fmt.Println(string(out))
	if err != nil {
		os.Exit(1)
	}
}

// untilServing runs op again while it fails, for up to 20 seconds: in a Pod
// without native sidecars (packaging/kubernetes/plain-sidecar) the app may start
// before fedcred serve has written its token file, listens, or has fetched the
// first credentials (503), and an app there must wait for it. The last error is
// the one reported.
func untilServing(op func() (result, error)) (result, error) {
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := op()
		if err == nil || time.Now().After(deadline) {
			return res, err
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// bridgeTokenFile: aws-sdk-go-v2's config 1.17 (Debian 12) reads the
// container endpoint's token from AWS_CONTAINER_AUTHORIZATION_TOKEN only;
// releases since 1.25 also read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE,
// which is what the pod gives (the token fedcred serve writes at start is
// not known when the manifest is written). Do here what they do.
func bridgeTokenFile() error {
	path := os.Getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
	if path == "" || os.Getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN") != "" {
		return nil
	}
	token, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: %w", err)
	}
	return os.Setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", strings.TrimSpace(string(token)))
}

func readS3(ctx context.Context, bucket, key string) (result, error) {
	if err := bridgeTokenFile(); err != nil {
		return result{}, err
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return result{}, err
	}
	endpoint := os.Getenv("APP_AWS_ENDPOINT_URL")
	if endpoint != "" {
		cfg.EndpointResolverWithOptions = aws.EndpointResolverWithOptionsFunc(
			func(service, region string, _ ...interface{}) (aws.Endpoint, error) {
				return aws.Endpoint{URL: endpoint, HostnameImmutable: true}, nil
			})
	}
	who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return result{}, err
	}
	obj, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).
		GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		return result{}, err
	}
	defer obj.Body.Close()
	body, err := io.ReadAll(obj.Body)
	if err != nil {
		return result{}, err
	}
	return result{Identity: aws.ToString(who.Arn), Object: string(body)}, nil
}

func readGCS(ctx context.Context, objectURL string) (result, error) {
	// No credential file anywhere: FindDefaultCredentials ends at the
	// metadata server, which it finds through GCE_METADATA_HOST.
	creds, err := google.FindDefaultCredentials(ctx, "https://www.googleapis.com/auth/cloud-platform")
	if err != nil {
		return result{}, err
	}
	if !metadata.OnGCE() {
		return result{}, fmt.Errorf("oauth2/google did not detect a metadata server")
	}
	email, err := metadata.Email("default")
	if err != nil {
		return result{}, err
	}
	token, err := creds.TokenSource.Token()
	if err != nil {
		return result{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, objectURL, nil)
	if err != nil {
		return result{}, err
	}
	token.SetAuthHeader(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return result{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return result{}, fmt.Errorf("GET object: HTTP %d: %s", resp.StatusCode, body)
	}
	return result{Identity: email, Object: string(body)}, nil
}
