package cli

import "errors"

// runCatalog is being written (see the open issue); it fails clearly until then.
func runCatalog(env Env) error { return errors.New("catalog: not available in this build yet") }
