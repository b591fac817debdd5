// Command scoring-service serves an mlctl artifact over HTTP:
//
//	go run ./examples/scoring-service delay.mlz 127.0.0.1:8080
//	curl -d '{"Distance": "600", "Origin": "SFO"}' 127.0.0.1:8080/score
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"

	"github.com/mlctl/mlctl/scoring"
)

func main() {
	a, err := scoring.Open(os.Args[1], scoring.ReadOptions{}) // checks every checksum
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe(os.Args[2], handler(a.Model)))
}

// handler scores one JSON object of column name -> value text per request.
func handler(m scoring.Model) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in map[string]string
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		row, na := m.ModelSchema().Row(in) // unseen or unparsable -> NA, named
		out := make([]float64, len(m.Outputs()))
		m.Predict(row, out)
		json.NewEncoder(w).Encode(map[string]any{"outputs": m.Outputs(), "values": out, "na": na})
	})
}
