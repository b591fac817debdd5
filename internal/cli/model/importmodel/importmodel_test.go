package importmodel_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cli/model/importmodel"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/scoring"
	"github.com/mlctl/mlctl/scoring/h2omojo"
	"github.com/mlctl/mlctl/scoring/lightgbm"
)

const testdata = "../../../../scoring/testdata/"

// Each source format becomes an artifact holding exactly the model the
// importer reads (the importers' own tests hold the predictions to the
// libraries'), with its source recorded.
func TestImportEachFormat(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ from, file, algo string }{
		{"lightgbm", "importers/lgb_binary.txt", "gbm"},
		{"lightgbm", "importers/lgb_categorical.txt", "gbm"},
		{"xgboost", "importers/xgb_binary.json", "gbm"},
		{"h2o-mojo", "h2omojo/gbm_multinomial.zip", "gbm"},
		{"h2o-mojo", "h2omojo/glm_binomial.zip", "glm"},
	} {
		src := testdata + tc.file
		out := filepath.Join(dir, filepath.Base(tc.file)+".mlz")
		f, ios := clitest.Factory(nil, nil)
		if err := clitest.Exec(importmodel.NewCmdImport(f, nil), "--from", tc.from, src, "-o", out); err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if got := clitest.Out(ios); got != out+"\n" {
			t.Errorf("%s: printed %q", tc.file, got)
		}
		a, err := scoring.Open(out, scoring.ReadOptions{})
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		m := a.Manifest
		if m.Algo != tc.algo || m.Source == nil || m.Source.Format != tc.from || m.Source.File != filepath.Base(tc.file) || len(m.Source.SHA256) != 64 || len(m.Params) < 10 {
			t.Errorf("%s: manifest %+v", tc.file, m)
		}
		if m.Kind == "binomial" && m.Threshold != 0.5 {
			t.Errorf("%s: threshold %v", tc.file, m.Threshold)
		}
		var want scoring.Model
		b, _ := os.ReadFile(src)
		switch tc.from {
		case "lightgbm":
			want, _, err = lightgbm.Read(strings.NewReader(string(b)))
		case "h2o-mojo":
			want, _, err = h2omojo.Read(strings.NewReader(string(b)), int64(len(b)))
		default:
			continue
		}
		got, _ := scoring.EncodeBody(a.Model)
		exp, _ := scoring.EncodeBody(want)
		if err != nil || !bytes.Equal(got, exp) || !reflect.DeepEqual(a.Model.ModelSchema(), want.ModelSchema()) {
			t.Errorf("%s: the artifact's model differs from the importer's (%v)", tc.file, err)
		}
	}
}

func TestImportRefusals(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "x.mlz")
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--from", "h2o-mojo", testdata + "h2omojo/drf.zip", "-o", out}, errs.Usage, "drf"},
		{[]string{"--from", "lightgbm", testdata + "importers/xgb_binary.json", "-o", out}, errs.Usage, "xgb_binary.json"},
		{[]string{"--from", "onnx", testdata + "importers/xgb_binary.json", "-o", out}, errs.Usage, "lightgbm, xgboost, h2o-mojo"},
		{[]string{"--from", "xgboost", filepath.Join(dir, "none.json"), "-o", out}, errs.NotFound, "none.json"},
		{[]string{"--from", "xgboost", testdata + "importers/xgb_binary.json"}, errs.Usage, "-o"},
	} {
		f, _ := clitest.Factory(nil, nil)
		err := clitest.Exec(importmodel.NewCmdImport(f, nil), tc.args...)
		if errs.Code(err) != tc.code || err == nil || !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tc.msg)) {
			t.Errorf("%v: exit %d, %v", tc.args, errs.Code(err), err)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused import left a file")
	}
}
