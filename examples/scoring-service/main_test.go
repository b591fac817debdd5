package main

import (
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/scoring"
)

func TestServiceScores(t *testing.T) {
	m := &scoring.GLM{Schema: scoring.Schema{Features: []scoring.Feature{{Name: "x", Type: scoring.Numeric}, {Name: "c", Type: scoring.Categorical, Domain: []string{"a", "b"}}},
		Response: "y", Classes: []string{"no", "yes"}}, Family: "binomial", Link: "logit", Intercept: true, Start: []int{0, 1}, Beta: [][]float64{{2, 1, -1}}, Impute: []float64{0, 0}}
	srv := httptest.NewServer(handler(m))
	defer srv.Close()
	resp, err := http.Post(srv.URL, "application/json", strings.NewReader(`{"x": "0.5", "c": "b"}`))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Outputs []string
		Values  []float64
		NA      []string
	}
	json.NewDecoder(resp.Body).Decode(&got)
	if want := 1 / (1 + math.Exp(-1)); len(got.Values) != 2 || math.Abs(got.Values[1]-want) > 1e-15 || got.Outputs[1] != "yes" || len(got.NA) != 0 {
		t.Errorf("got %+v, want p(yes) %v", got, want)
	}
	resp, _ = http.Post(srv.URL, "application/json", strings.NewReader(`{"x": "oops", "c": "z"}`))
	json.NewDecoder(resp.Body).Decode(&got)
	if len(got.NA) != 2 {
		t.Errorf("NA columns %v", got.NA)
	}
	if resp, _ := http.Post(srv.URL, "application/json", strings.NewReader(`[1`)); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad JSON: %d", resp.StatusCode)
	}
}
