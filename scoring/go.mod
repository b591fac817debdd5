module github.com/mlctl/mlctl/scoring

go 1.26.8
