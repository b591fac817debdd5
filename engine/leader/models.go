package leader

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sort"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/jobs"
	"github.com/mlctl/mlctl/engine/learn"
	"github.com/mlctl/mlctl/engine/mr"
	"github.com/mlctl/mlctl/engine/train"
	"github.com/mlctl/mlctl/scoring"
)

// storedModel is one entry of the model store.
type storedModel struct {
	out *train.Output
}

func modelNotFound(id string) error {
	return &codedError{status: http.StatusNotFound, code: "not_found", err: fmt.Errorf("model %q does not exist", id), hint: "mlctl model list shows the models of this cluster"}
}

func (l *Leader) model(id string) (*storedModel, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	m, ok := l.models[id]
	return m, ok
}

// badInput maps learn's errors to a 400 with the hint.
func badInput(err error) error {
	var b *learn.BadInput
	if errors.As(err, &b) {
		return &codedError{status: http.StatusBadRequest, code: "bad_request", err: err, hint: b.Hint}
	}
	if errors.Is(err, mr.ErrNoFrame) {
		return &codedError{status: http.StatusNotFound, code: "not_found", err: err, hint: "mlctl frame list shows the frames of this cluster"}
	}
	return err
}

func (l *Leader) modelRoutes() {
	n := l.self
	n.Handle("POST /api/v1/train", func(w http.ResponseWriter, r *http.Request) {
		var req api.TrainRequest
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			writeErr(w, badRequest(err))
			return
		}
		l.touch()
		j, err := l.startTrain(&req)
		if err != nil {
			writeErr(w, err)
			return
		}
		writeJSON(w, j)
	})
	n.Handle("POST /api/v1/predict", func(w http.ResponseWriter, r *http.Request) {
		var req api.PredictRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			writeErr(w, badRequest(err))
			return
		}
		l.touch()
		j, err := l.startPredict(&req)
		if err != nil {
			writeErr(w, err)
			return
		}
		writeJSON(w, j)
	})
	n.Handle("GET /api/v1/models", func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		out := make([]api.ModelInfo, 0, len(l.models))
		for _, m := range l.models {
			out = append(out, modelInfo(m.out.Info))
		}
		l.mu.Unlock()
		sort.Slice(out, func(i, j int) bool { return out[i].ModelID < out[j].ModelID })
		writeJSON(w, out)
	})
	n.Handle("GET /api/v1/models/{id}", func(w http.ResponseWriter, r *http.Request) {
		m, ok := l.model(r.PathValue("id"))
		if !ok {
			writeErr(w, modelNotFound(r.PathValue("id")))
			return
		}
		writeJSON(w, m.out.Info)
	})
	n.Handle("GET /api/v1/models/{id}/scoring", func(w http.ResponseWriter, r *http.Request) {
		m, ok := l.model(r.PathValue("id"))
		if !ok {
			writeErr(w, modelNotFound(r.PathValue("id")))
			return
		}
		writeJSON(w, m.out.Model)
	})
	n.Handle("GET /api/v1/models/{id}/export", func(w http.ResponseWriter, r *http.Request) {
		m, ok := l.model(r.PathValue("id"))
		if !ok {
			writeErr(w, modelNotFound(r.PathValue("id")))
			return
		}
		body, err := scoring.EncodeBody(m.out.Model)
		if err != nil {
			writeErr(w, fmt.Errorf("encoding model %s: %w", r.PathValue("id"), err))
			return
		}
		ex := api.ModelExport{Model: m.out.Info, Schema: *m.out.Model.ModelSchema(), Body: body, Sources: m.out.Sources, Profile: m.out.Profile}
		if !math.IsNaN(m.out.Threshold) {
			ex.Threshold = api.NumberPtr(m.out.Threshold)
		}
		writeJSON(w, ex)
	})
	n.Handle("DELETE /api/v1/models/{id}", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		l.mu.Lock()
		_, ok := l.models[id]
		delete(l.models, id)
		l.mu.Unlock()
		if !ok {
			writeErr(w, modelNotFound(id))
			return
		}
		writeJSON(w, map[string]string{"deleted": id})
	})
}

// startTrain checks a request and starts its job.
func (l *Leader) startTrain(req *api.TrainRequest) (api.Job, error) {
	if req.Frame == "" {
		return api.Job{}, badRequest(errors.New("no training frame given"))
	}
	// Parameters, frames and schema, from metadata only.
	if err := train.CheckRequest(frameLookup{l}, req); err != nil {
		return api.Job{}, badInput(err)
	}
	if req.ModelID == "" {
		b := make([]byte, 4)
		rand.Read(b)
		req.ModelID = req.Algo + "_" + req.Frame + "_" + hex.EncodeToString(b)
	}
	if !frameName.MatchString(req.ModelID) {
		return api.Job{}, badRequest(fmt.Errorf("model id %q is not valid: use letters, digits, '_', '.' and '-'", req.ModelID))
	}
	if err := l.healthy(); err != nil {
		return api.Job{}, err
	}
	l.mu.Lock()
	_, exists := l.models[req.ModelID]
	busy := l.busy["model:"+req.ModelID]
	if !exists && !busy {
		l.busy["model:"+req.ModelID] = true
	}
	l.mu.Unlock()
	if exists || busy {
		return api.Job{}, conflict(fmt.Errorf("model %q already exists", req.ModelID), "give another --name, or delete it with mlctl model delete")
	}
	return l.startJob("train", req.ModelID, func(ctx context.Context, p *jobs.Progress) (string, error) {
		defer l.release("model:" + req.ModelID)
		d := &jobDriver{Leader: l, id: p.ID(), p: p}
		out, err := train.Run(ctx, d, req)
		if err != nil {
			return "", err
		}
		for _, w := range out.Info.Warnings {
			p.Warn(w)
		}
		l.mu.Lock()
		l.models[req.ModelID] = &storedModel{out: out}
		l.mu.Unlock()
		return req.ModelID, nil
	}), nil
}

// startPredict scores a frame with a model into a new frame.
func (l *Leader) startPredict(req *api.PredictRequest) (api.Job, error) {
	m, ok := l.model(req.Model)
	if !ok {
		return api.Job{}, modelNotFound(req.Model)
	}
	f, ok := l.frame(req.Frame)
	if !ok {
		return api.Job{}, frameNotFound(req.Frame)
	}
	if req.Name == "" {
		req.Name = req.Frame + "_" + req.Model + "_pred"
	}
	if !frameName.MatchString(req.Name) {
		return api.Job{}, badRequest(fmt.Errorf("frame name %q is not valid", req.Name))
	}
	l.mu.Lock()
	_, exists := l.frames[req.Name]
	busy := l.busy[req.Name]
	if !exists && !busy {
		l.busy[req.Name] = true
	}
	l.mu.Unlock()
	if exists || busy {
		return api.Job{}, conflict(fmt.Errorf("frame %q already exists", req.Name), "give another --name, or delete it with mlctl frame delete")
	}
	return l.startJob("predict", req.Model, func(ctx context.Context, p *jobs.Progress) (string, error) {
		defer l.release(req.Name)
		th := m.out.Threshold
		if math.IsNaN(th) {
			th = 0.5
		}
		out, err := learn.Predict(ctx, l, m.out.Model, f, req.Name, th)
		if err != nil {
			l.dropFrame(context.Background(), req.Name)
			return "", err
		}
		l.mu.Lock()
		l.frames[out.Name] = out
		l.mu.Unlock()
		return out.Name, nil
	}), nil
}

func modelInfo(m *api.Model) api.ModelInfo {
	mi := api.ModelInfo{ModelID: m.ModelID, Algo: m.Algo, Target: m.Target, Frame: m.Frame, Kind: m.Kind, TrainingTimeMS: m.TrainingTimeMS, Created: m.Created}
	src := m.Metrics.Valid
	if src == nil {
		src = m.Metrics.Train
	}
	name := map[string]string{learn.Regression: "rmse", learn.Binomial: "auc", learn.Multinomial: "logloss"}[m.Kind]
	if v, ok := src[name].(float64); ok {
		mi.Metric, mi.Value = name, v
	}
	return mi
}

// frameLookup is the leader's frame map as learn.FrameLookup.
type frameLookup struct{ l *Leader }

func (f frameLookup) Frame(name string) (*frame.Frame, error) {
	fr, ok := f.l.frame(name)
	if !ok {
		return nil, fmt.Errorf("frame %q does not exist: %w", name, mr.ErrNoFrame)
	}
	return fr, nil
}
