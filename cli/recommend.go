package cli

import "errors"

// runRecommend is being written (see the open issue); it fails clearly until then.
func runRecommend(env Env) error { return errors.New("recommend: not available in this build yet") }
