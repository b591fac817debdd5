package train

import (
	"context"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/learn"
	"github.com/mlctl/mlctl/engine/mr"
)

func resolveGLM(req *api.TrainRequest) (struct{}, error) {
	return struct{}{}, learn.Bad("", "glm is not built yet")
}

func runGLM(ctx context.Context, d mr.Driver, req *api.TrainRequest) (*Output, error) {
	_, err := resolveGLM(req)
	return nil, err
}
