package app

import (
	"context"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
	"github.com/llm-advisor/llm-advisor/advisor/verdict"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/report"
	"github.com/llm-advisor/llm-advisor/workspace"
)

// space is what the screens use of the open workspace (*workspace.Workspace
// in the app). The tests of screens that do not test storage put an
// in-memory one under them (space_test.go), which a contract test holds to
// the real one.
type space interface {
	decisionSpace
	liveSpace
}

// decisionSpace is the database's file and the decisions and runs the
// screens list, open, save and delete. A missing id is an error wrapping
// data.ErrNotFound.
type decisionSpace interface {
	Path() string
	Dir() string
	SetupPath(id int64) string
	Size() (int64, error)
	Busy() bool
	Close() error

	SaveDecision(ctx context.Context, d *data.Decision) error
	Decision(ctx context.Context, id int64) (*data.Decision, error)
	ListDecisions(ctx context.Context, limit int) ([]data.Decision, error)
	DeleteDecision(ctx context.Context, id int64) error
	DuplicateDecision(ctx context.Context, id int64, mark string) (int64, error)

	ListRuns(ctx context.Context, decisionID int64) ([]data.Run, error)
	Run(ctx context.Context, id int64) (*data.Run, error)
	CountResults(ctx context.Context, runID int64) (int, error)
	Results(ctx context.Context, runID int64) ([]advisor.Result, error)
	WarmupResults(ctx context.Context, runID int64) ([]advisor.Result, error)
	SetVerdict(ctx context.Context, resultID int64, accepted bool) error
	DeleteRun(ctx context.Context, id int64) error
	WaitingBatchRuns(ctx context.Context) ([]int64, error)
}

// liveSpace is running live and capacity tests, what people judged, and
// what reports add from earlier runs.
type liveSpace interface {
	CreateRun(ctx context.Context, p advisor.Plan) (*data.Run, error)
	Resume(ctx context.Context, id int64, keepFailed bool, checks ...func(advisor.Plan) error) (*data.Run, map[advisor.Cell]bool, error)
	Execute(ctx context.Context, run *data.Run, skip map[advisor.Cell]bool, o workspace.RunOptions) (workspace.Outcome, error)
	BatchState(ctx context.Context, runID int64) (livetest.BatchState, error)
	RunLoad(ctx context.Context, plan advisor.Plan, ep advisor.Endpoint, opt livetest.LoadOptions) (workspace.LoadOutcome, error)

	History(ctx context.Context, run data.Run) ([]report.RunPoint, error)
	Capacity(ctx context.Context, decisionID int64) ([]report.CapacityTest, error)
	PlanCapacity(ctx context.Context, plan string) ([]report.CapacityTest, error)

	People(ctx context.Context, runID int64) (verdict.People, error)
	OpenBlind(ctx context.Context, run data.Run, results []advisor.Result, v verdict.Verdict, who string, fresh bool) (*workspace.Blind, error)
	Choose(ctx context.Context, b *workspace.Blind, i int, choice string) (left, right verdict.Key, err error)
	ImportPeople(ctx context.Context, b []byte, who string) (workspace.Imported, error)
	Rate(ctx context.Context, g data.Rating) error
	RatingsBy(ctx context.Context, runID int64, who string) (map[int64]data.Rating, error)
}

var _ space = (*workspace.Workspace)(nil)

// openSpace opens the workspace of the database at path with the engine
// loaded (eng nil: engErr says why); nil and the error when it does not
// open. Tests of screens that do not test storage replace it.
var openSpace = func(ctx context.Context, path string, eng *advisor.Engine, engErr error) (space, error) {
	ws, err := workspace.OpenWith(ctx, path, eng, engErr)
	if err != nil {
		return nil, err
	}
	return ws, nil
}
