// Package examples holds mlctl's example material (small data, policies,
// scripts) and embeds what the binary itself needs, so that
// `mlctl quickstart` works outside the repository. It imports only the
// standard library; nothing in it may import other mlctl packages.
//
// cron/nightly-train.sh (a nightly training job with typed exit codes) and
// ci/train-and-score.sh (the job of the GitHub Actions and GitLab CI
// snippets beside it, logging in with a keytab from a secret) are run by
// this directory's tests (package examples_test, which may import anything)
// on the local backend with a freshly built mlctl.
package examples
